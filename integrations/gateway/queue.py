"""The work queue: one Redis stream per channel, read through a consumer group.

Entries carry only the inbox row id and the hashed sender, never text: the text stays in SQL.
Processing is idempotent (a closed inbox row is skipped), so an entry queued twice is harmless,
which lets the reconciler queue again whatever might have been lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from integrations.gateway.keys import GatewayKeys, as_text

logger = logging.getLogger(__name__)

GROUP = "workers"
# Entries are tiny; trimming never loses work since SQL holds every open message.
STREAM_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class QueueEntry:
    entry_id: str
    inbox_id: int
    sender_key: str


def _entry(entry_id: bytes | str, fields: dict[bytes | str, bytes | str]) -> QueueEntry | None:
    decoded = {as_text(key): as_text(value) for key, value in fields.items()}
    inbox_id, sender_key = decoded.get("inbox_id"), decoded.get("sender")
    if not inbox_id or not inbox_id.isdigit() or not sender_key:
        return None
    return QueueEntry(
        entry_id=as_text(entry_id) or "", inbox_id=int(inbox_id), sender_key=sender_key
    )


class InboundQueue:
    def __init__(self, redis: Redis, keys: GatewayKeys) -> None:
        self._redis = redis
        self._stream = keys.stream

    async def ensure_group(self) -> None:
        """Create the group reading from the start, so entries added before it are not skipped."""
        try:
            await self._redis.xgroup_create(self._stream, GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def enqueue(self, inbox_id: int, sender_key: str) -> str:
        entry_id = await self._redis.xadd(
            self._stream,
            {"inbox_id": str(inbox_id), "sender": sender_key},
            maxlen=STREAM_MAX_LENGTH,
            approximate=True,
        )
        return as_text(entry_id) or ""

    async def read(self, consumer: str, block_ms: int) -> list[QueueEntry]:
        """New entries for this consumer; recreates the group if Redis lost it (flush, restart)."""
        try:
            response: Any = await self._redis.xreadgroup(
                GROUP, consumer, {self._stream: ">"}, count=1, block=block_ms
            )
        except ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            logger.warning("queue_group_missing", extra={"stream": self._stream})
            await self.ensure_group()
            raise QueueLost from error
        entries: list[QueueEntry] = []
        for _stream, messages in response or []:
            for entry_id, fields in messages:
                entry = _entry(entry_id, fields)
                if entry is None:
                    await self.ack(as_text(entry_id) or "")
                else:
                    entries.append(entry)
        return entries

    async def ack(self, entry_id: str) -> None:
        await self._redis.xack(self._stream, GROUP, entry_id)

    async def requeue_stale(self, consumer: str, min_idle_ms: int, limit: int = 1000) -> int:
        """Take over entries a dead consumer read but never acknowledged, and queue them afresh."""
        start, moved = "0-0", 0
        while moved < limit:
            try:
                result = await self._redis.xautoclaim(
                    self._stream, GROUP, consumer, min_idle_ms, start_id=start, count=100
                )
            except ResponseError as error:
                if "NOGROUP" in str(error):
                    return moved
                raise
            start = as_text(result[0]) or "0-0"
            for item in result[1]:
                if not item:
                    continue
                entry_id, fields = item
                entry = _entry(entry_id, fields or {})
                if entry is not None:
                    await self.enqueue(entry.inbox_id, entry.sender_key)
                    moved += 1
                await self.ack(as_text(entry_id) or "")
            if start == "0-0":
                break
        return moved

    async def forget_consumer(self, consumer: str) -> None:
        """Remove an idle consumer name on shutdown so names do not pile up across restarts."""
        try:
            pending = await self._redis.xpending_range(
                self._stream, GROUP, min="-", max="+", count=1, consumername=consumer
            )
            if not pending:
                await self._redis.xgroup_delconsumer(self._stream, GROUP, consumer)
        except ResponseError:
            return


class QueueLost(Exception):
    """The stream or its group vanished (Redis flushed or restarted without persistence)."""
