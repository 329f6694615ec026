"""Handoff stream (serah terima): live notice to case managers that a ticket arrived.

SQL is the system of record; Redis only carries the notice. Each new ticket is appended to the
stream ``{prefix}handoff`` (reference, risk level, unit, due time: no personal data) and the row's
``handoff_published_at`` is set. Redis may be down or flushed (it keeps nothing on disk), so a
republisher runs at start and every few seconds: it publishes rows never published and, when the
marker key ``{prefix}handoff:seeded`` is missing (a flush or a fresh Redis), first rebuilds the
stream from SQL for tickets still ``new``. Delivery is at least once: readers deduplicate by
reference.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Header
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker
from sse_starlette import EventSourceResponse, ServerSentEvent

from integrations.bridge.deps import ContextDep, StreamCaller
from integrations.bridge.staff.auth import visible_units
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.tickets import TicketRepository, TicketSummary
from lapor_aman.tickets.schema import TicketStatus

logger = logging.getLogger(__name__)

STREAM_MAX_LENGTH: Final = 10_000
EVENT_CREATED: Final = "ticket.created"
READ_BLOCK_MS: Final = 10_000
# Intake answers the reporter; it must not hang on a sick Redis (the republisher catches up).
PUBLISH_TIMEOUT_SECONDS: Final = 2.0


@dataclass(frozen=True)
class HandoffEvent:
    """One stream entry as readers see it."""

    id: str
    event: str
    reference: str
    risk_level: str
    unit_id: str
    due_by: str
    received_outside_hours: bool
    replayed: bool


def event_fields(summary: TicketSummary, replayed: bool = False) -> dict[str, str]:
    """The stream entry of a ticket: codes and times only."""
    return {
        "event": EVENT_CREATED,
        "reference": summary.reference,
        "risk_level": summary.risk_level.value,
        "unit_id": summary.unit_id,
        "due_by": summary.due_by.isoformat(),
        "received_outside_hours": "1" if summary.received_outside_hours else "0",
        "replayed": "1" if replayed else "0",
    }


def event_payload(item: HandoffEvent) -> dict[str, Any]:
    """The JSON body of an SSE event."""
    return {
        "reference": item.reference,
        "risk_level": item.risk_level,
        "unit_id": item.unit_id,
        "due_by": item.due_by,
        "received_outside_hours": item.received_outside_hours,
        "replayed": item.replayed,
    }


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def parse_entry(entry_id: Any, fields: dict[Any, Any]) -> HandoffEvent:
    data = {_text(k): _text(v) for k, v in fields.items()}
    return HandoffEvent(
        id=_text(entry_id),
        event=data.get("event", EVENT_CREATED),
        reference=data.get("reference", ""),
        risk_level=data.get("risk_level", ""),
        unit_id=data.get("unit_id", ""),
        due_by=data.get("due_by", ""),
        received_outside_hours=data.get("received_outside_hours") == "1",
        replayed=data.get("replayed") == "1",
    )


class HandoffStream:
    """Publish ticket arrivals to Redis and read them back for the console."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        session_factory: sessionmaker[Session],
        clock: Callable[[], datetime],
    ) -> None:
        self._redis = redis
        self._session_factory = session_factory
        self._clock = clock
        self.key = f"{prefix}handoff"
        self.seeded_key = f"{prefix}handoff:seeded"

    async def publish(self, summary: TicketSummary) -> bool:
        """Append one ticket and mark it published; False (and logged) when Redis is unavailable."""
        try:
            await asyncio.wait_for(self._append(summary, replayed=False), PUBLISH_TIMEOUT_SECONDS)
        except (RedisError, OSError, TimeoutError) as error:
            logger.warning(
                "handoff publish failed",
                extra={"reference": summary.reference, "error": type(error).__name__},
            )
            return False
        await asyncio.to_thread(self._mark_published, [summary.reference])
        return True

    async def republish(self) -> int:
        """Rebuild the stream if Redis lost it, then publish what was never published."""
        published = 0
        if not await self._redis.exists(self.seeded_key):
            published += await self._rebuild()
        pending = await asyncio.to_thread(self._unpublished)
        for summary in pending:
            await self._append(summary, replayed=True)
            await asyncio.to_thread(self._mark_published, [summary.reference])
            published += 1
        return published

    async def run(self, interval_seconds: float) -> None:
        """The republisher loop (a background task of the bridge)."""
        while True:
            try:
                count = await self.republish()
                if count:
                    logger.info("handoff republished", extra={"count": count})
            except (RedisError, OSError) as error:
                logger.warning("handoff republish failed", extra={"error": type(error).__name__})
            except Exception:
                logger.exception("handoff republish crashed")
            await asyncio.sleep(interval_seconds)

    async def last_id(self) -> str:
        """The id of the newest entry ("0-0" when the stream is empty or missing)."""
        entries = await self._redis.xrevrange(self.key, count=1)
        return _text(entries[0][0]) if entries else "0-0"

    async def read(self, after_id: str, block_ms: int = READ_BLOCK_MS) -> list[HandoffEvent]:
        """Entries after ``after_id``, waiting up to ``block_ms`` for the first one."""
        answer: Any = await self._redis.xread({self.key: after_id}, block=block_ms, count=100)
        # RESP2 answers [[stream, entries]], RESP3 {stream: entries}.
        streams: Any = answer.items() if isinstance(answer, dict) else (answer or [])
        return [
            parse_entry(entry_id, fields) for _, entries in streams for entry_id, fields in entries
        ]

    async def _rebuild(self) -> int:
        waiting = await asyncio.to_thread(self._new_tickets)
        for summary in waiting:
            await self._append(summary, replayed=True)
        await asyncio.to_thread(
            self._mark_published, [s.reference for s in waiting if s.handoff_published_at is None]
        )
        await self._redis.set(self.seeded_key, self._clock().isoformat())
        return len(waiting)

    async def _append(self, summary: TicketSummary, replayed: bool) -> None:
        fields: Any = event_fields(summary, replayed)
        await self._redis.xadd(self.key, fields, maxlen=STREAM_MAX_LENGTH, approximate=True)

    def _mark_published(self, references: list[str]) -> None:
        with session_scope(self._session_factory) as session:
            TicketRepository(session, _NO_CIPHER).mark_published(references, self._clock())

    def _unpublished(self) -> list[TicketSummary]:
        with session_scope(self._session_factory) as session:
            return TicketRepository(session, _NO_CIPHER).unpublished()

    def _new_tickets(self) -> list[TicketSummary]:
        with session_scope(self._session_factory) as session:
            return TicketRepository(session, _NO_CIPHER).with_status(TicketStatus.NEW)


class _NoCipher:
    """The handoff only touches clear columns; opening a document here is a bug."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("the handoff stream must not read ticket documents")


_NO_CIPHER: Any = _NoCipher()


async def event_source(
    stream: HandoffStream,
    visible: Collection[str] | None,
    after_id: str | None,
    block_ms: int = READ_BLOCK_MS,
) -> AsyncIterator[ServerSentEvent]:
    """SSE events for the tickets a caller may see, from ``after_id`` (or from now)."""
    cursor = after_id or await stream.last_id()
    yield ServerSentEvent(comment="connected")
    while True:
        try:
            events = await stream.read(cursor, block_ms)
        except (RedisError, OSError):
            yield ServerSentEvent(event="unavailable", data="{}", retry=5000)
            await asyncio.sleep(5)
            continue
        for item in events:
            cursor = item.id
            if visible is not None and item.unit_id not in visible:
                continue
            yield ServerSentEvent(
                id=item.id, event=item.event, data=json.dumps(event_payload(item))
            )


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1/handoff", tags=["handoff"])

    @router.get(
        "/events",
        summary="Live ticket arrivals (Server-Sent Events)",
        response_description="text/event-stream of `ticket.created` events (no personal data).",
    )
    async def handoff_events(
        context: ContextDep,
        caller: StreamCaller,
        last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    ) -> EventSourceResponse:
        visible = visible_units(caller, context.units)
        return EventSourceResponse(
            event_source(context.handoff, visible, last_event_id),
            ping=15,
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return router
