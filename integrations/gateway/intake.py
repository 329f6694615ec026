"""Intake: what a webhook does before it may answer 200.

verify (in the channel router) -> dedup -> rate limit -> insert the inbox row (SQL, the system of
record) -> queue it (Redis stream) -> 200. If the row cannot be stored the webhook fails (5xx) and
the platform retries; if only the queue fails the row is still safe and the reconciler queues it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from redis.exceptions import RedisError

from integrations.gateway.dedup import Claim, Deduplicator
from integrations.gateway.identity import Pseudonymizer
from integrations.gateway.queue import InboundQueue
from integrations.gateway.rate_limit import RateDecision, RateLimiter
from lapor_aman.storage.inbox import InboxStore, NewInboxMessage

logger = logging.getLogger(__name__)


class InboundKind(StrEnum):
    """What an inbox row asks the worker to do."""

    TEXT = "text"  # typed text, forwarded as is
    COMMAND = "command"  # a chat command mapped to an intent (/start -> /greet)
    BUTTON = "button"  # a pressed button; text is its payload
    MEDIA = "media"  # photo, voice, file, location...; text is /shared_media{...}
    RATE_LIMITED = "rate_limited"  # not read: answer with the catalogue's rate_limited text
    BUTTON_EXPIRED = "button_expired"  # payload forgotten: answer with button_expired


# Kinds answered from the catalogue instead of the assistant.
NOTICE_FOR_KIND = {
    InboundKind.RATE_LIMITED.value: "rate_limited",
    InboundKind.BUTTON_EXPIRED.value: "button_expired",
}


@dataclass(frozen=True)
class Inbound:
    """One message as a channel translated it, ready for the inbox."""

    platform_message_id: str
    sender_key: str
    kind: InboundKind
    text: str | None
    routing: dict[str, Any]
    sent_at: datetime
    media: dict[str, Any] | None = None


class AcceptOutcome(StrEnum):
    QUEUED = "queued"
    DUPLICATE = "duplicate"
    SUPPRESSED = "suppressed"  # over the rate limit, sender told moments ago


class Intake:
    def __init__(
        self,
        channel: str,
        pseudonymizer: Pseudonymizer,
        deduplicator: Deduplicator,
        rate_limiter: RateLimiter,
        store: InboxStore,
        queue: InboundQueue,
        requeue_after: timedelta,
    ) -> None:
        self._channel = channel
        self._pseudonymizer = pseudonymizer
        self._deduplicator = deduplicator
        self._rate_limiter = rate_limiter
        self._store = store
        self._queue = queue
        self._requeue_after = requeue_after

    async def accept(self, inbound: Inbound) -> AcceptOutcome:
        """Store one message durably; raises if it could not be stored (answer 5xx then)."""
        dedup_key = self._pseudonymizer.dedup_key(self._channel, inbound.platform_message_id)
        if await self._deduplicator.claim(dedup_key) is Claim.STORED:
            return AcceptOutcome.DUPLICATE
        decision = await self._rate_limiter.check(inbound.sender_key)
        if decision is RateDecision.SUPPRESS:
            await self._deduplicator.mark_stored(dedup_key)
            return AcceptOutcome.SUPPRESSED
        row = _as_row(self._channel, dedup_key, inbound, decision)
        try:
            inbox_id = await asyncio.to_thread(self._store.insert, row, self._requeue_after)
        except Exception:
            await self._deduplicator.release(dedup_key)
            raise
        await self._deduplicator.mark_stored(dedup_key)
        if inbox_id is None:
            return AcceptOutcome.DUPLICATE
        try:
            await self._queue.enqueue(inbox_id, inbound.sender_key)
        except RedisError:
            logger.warning(
                "queue_unavailable", extra={"channel": self._channel, "inbox_id": inbox_id}
            )
        logger.info(
            "inbound_stored",
            extra={
                "channel": self._channel,
                "inbox_id": inbox_id,
                "sender": inbound.sender_key,
                "kind": row.kind,
            },
        )
        return AcceptOutcome.QUEUED


def _as_row(
    channel: str, dedup_key: str, inbound: Inbound, decision: RateDecision
) -> NewInboxMessage:
    limited = decision is RateDecision.NOTIFY
    return NewInboxMessage(
        channel=channel,
        dedup_key=dedup_key,
        sender_key=inbound.sender_key,
        # Over the limit the text is not read, so it is not kept either.
        kind=InboundKind.RATE_LIMITED.value if limited else inbound.kind.value,
        text=None if limited else inbound.text,
        routing=inbound.routing,
        media=inbound.media,
        sent_at=inbound.sent_at,
    )
