"""Workers: take queued inbox rows, forward them to Rasa, deliver the replies, close the rows.

Ordering: a consumer locks the sender (Redis lock) and then handles *all* open rows of that sender
oldest first, so two consumers (or two processes) never answer one chat out of order. A failure
stops the sender's chain; the rest wait behind it.

Exactly once: a row is closed only after its replies are delivered. The assistant's replies are
written to the row's outbox first, so a platform failure retries the delivery, not the assistant.

Recovery: at start and every ``reconcile_interval_seconds`` the reconciler takes over stream
entries a dead consumer never acknowledged (XAUTOCLAIM) and queues again the open rows SQL knows
about, which covers a Redis flush. Duplicated queue entries are harmless: closed rows are skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from integrations.gateway.catalogue import Catalogue
from integrations.gateway.intake import NOTICE_FOR_KIND
from integrations.gateway.keys import GatewayKeys
from integrations.gateway.options import GatewayOptions
from integrations.gateway.queue import InboundQueue, QueueEntry, QueueLost
from integrations.rasa_client import RasaClient, RasaReply, RasaUnavailable, parse_reply
from lapor_aman.storage.inbox import InboxItem, InboxStatus, InboxStore, utcnow

logger = logging.getLogger(__name__)

RECONCILE_BATCH = 500


class DeliveryRetryable(Exception):
    """The platform could not take the message now (network, 5xx, rate limit): try again later."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ChannelAdapter(Protocol):
    """What a channel does for the worker; everything else is shared."""

    async def before_forward(self, item: InboxItem) -> None:
        """Acknowledge the message on the platform (answer a button press, mark as read)."""

    async def deliver(self, item: InboxItem, reply: RasaReply) -> None:
        """Send one reply; raise DeliveryRetryable for transient failures, swallow permanent ones."""

    async def send_notice(self, item: InboxItem, text: str) -> None:
        """Send a catalogue text now (the apology when Rasa is down)."""


def is_deliverable(reply: RasaReply) -> bool:
    return bool(reply.text or reply.buttons or reply.erases_chat)


def rasa_metadata(item: InboxItem) -> dict[str, Any]:
    """What Rasa may know about the message besides its text: no raw ids, no content."""
    metadata: dict[str, Any] = {
        "channel": item.channel,
        "message_kind": item.kind,
        "sent_at": item.sent_at.isoformat(),
    }
    if item.media:
        metadata["media_type"] = item.media.get("media_type")
    return metadata


class InboxWorker:
    def __init__(
        self,
        channel: str,
        adapter: ChannelAdapter,
        store: InboxStore,
        queue: InboundQueue,
        redis: Redis,
        keys: GatewayKeys,
        rasa: RasaClient,
        catalogue: Catalogue,
        options: GatewayOptions,
    ) -> None:
        self._channel = channel
        self._adapter = adapter
        self._store = store
        self._queue = queue
        self._redis = redis
        self._keys = keys
        self._rasa = rasa
        self._catalogue = catalogue
        self._options = options
        self._consumer_base = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._wake_reconciler = asyncio.Event()
        self._full_reconcile = False

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping.clear()
        try:
            await self._queue.ensure_group()
            await self.reconcile(include_unattempted=True)
        except Exception as error:
            # Redis or SQL unreachable: consumers and the reconciler keep retrying.
            logger.error(
                "worker_start_degraded",
                extra={"channel": self._channel, "error": type(error).__name__},
            )
            self._full_reconcile = True
        for number in range(self._options.worker_concurrency):
            consumer = f"{self._consumer_base}-{number}"
            self._tasks.append(asyncio.create_task(self._consume(consumer), name=consumer))
        self._tasks.append(asyncio.create_task(self._reconcile_loop(), name="reconciler"))
        logger.info(
            "worker_started",
            extra={"channel": self._channel, "consumers": self._options.worker_concurrency},
        )

    async def stop(self) -> None:
        """Let in-flight messages finish (bounded), then cancel."""
        self._stopping.set()
        self._wake_reconciler.set()
        tasks, self._tasks = self._tasks, []
        if not tasks:
            return
        _, still_running = await asyncio.wait(tasks, timeout=self._options.stop_grace_seconds)
        for task in still_running:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for number in range(self._options.worker_concurrency):
            with contextlib.suppress(RedisError):
                await self._queue.forget_consumer(f"{self._consumer_base}-{number}")
        logger.info("worker_stopped", extra={"channel": self._channel})

    # --- consuming -----------------------------------------------------------------------

    async def _consume(self, consumer: str) -> None:
        while not self._stopping.is_set():
            try:
                entries = await self._queue.read(consumer, self._options.read_block_ms)
            except QueueLost:
                self._request_full_reconcile()
                continue
            except Exception as error:
                logger.warning(
                    "queue_read_failed",
                    extra={"channel": self._channel, "error": type(error).__name__},
                )
                await self._pause(1.0)
                continue
            for entry in entries:
                await self._handle_and_ack(entry)

    async def _handle_and_ack(self, entry: QueueEntry) -> None:
        try:
            await self.handle(entry)
        except Exception as error:
            # The row is still open in SQL: the reconciler queues it again.
            logger.error(
                "entry_failed",
                extra={
                    "channel": self._channel,
                    "inbox_id": entry.inbox_id,
                    "error": type(error).__name__,
                },
            )
        with contextlib.suppress(RedisError):
            await self._queue.ack(entry.entry_id)

    async def handle(self, entry: QueueEntry) -> None:
        lock = self._redis.lock(
            self._keys.sender_lock(entry.sender_key),
            timeout=self._options.sender_lock_seconds,
            blocking_timeout=self._options.sender_lock_seconds,
            thread_local=False,
        )
        if not await lock.acquire():
            logger.warning(
                "sender_busy", extra={"channel": self._channel, "sender": entry.sender_key}
            )
            return
        try:
            await self.drain(entry.sender_key, lock.reacquire)
        finally:
            with contextlib.suppress(LockError, RedisError):
                await lock.release()

    async def drain(
        self, sender_key: str, keep_lock: Callable[[], Awaitable[Any]] | None = None
    ) -> None:
        """Handle every open message of one sender, oldest first; stop at the first failure."""
        items = await asyncio.to_thread(self._store.open_for_sender, self._channel, sender_key)
        for index, item in enumerate(items):
            if keep_lock is not None:
                await keep_lock()
            if self._too_old(item):
                await asyncio.to_thread(self._store.finish, item.id, InboxStatus.EXPIRED)
                logger.warning("inbound_expired", extra=self._log_fields(item))
                continue
            try:
                await self._process(item)
            except RasaUnavailable as error:
                await self._fail(items[index:], error.reason, apologise=True)
                return
            except DeliveryRetryable as error:
                await self._fail(items[index:], error.code, apologise=False)
                return
            except Exception as error:
                # No traceback: database errors quote statement parameters, i.e. message text.
                logger.error(
                    "inbound_failed",
                    extra={**self._log_fields(item), "error": type(error).__name__},
                )
                await self._fail(items[index:], "internal_error", apologise=False)
                return

    # --- one message ---------------------------------------------------------------------

    async def _process(self, item: InboxItem) -> None:
        if item.status == InboxStatus.PENDING.value:
            if item.attempts == 0:
                await self._before_forward(item)
            outbox = await self._answer(item)
            await asyncio.to_thread(self._store.record_answer, item.id, outbox)
        else:
            outbox = list(item.outbox or [])
        while outbox:
            await self._adapter.deliver(item, parse_reply(outbox[0]))
            outbox = outbox[1:]
            await asyncio.to_thread(self._store.update_outbox, item.id, outbox)
        await asyncio.to_thread(self._store.finish, item.id)
        logger.info("inbound_done", extra=self._log_fields(item))

    async def _before_forward(self, item: InboxItem) -> None:
        try:
            await self._adapter.before_forward(item)
        except Exception:
            logger.warning("before_forward_failed", extra=self._log_fields(item))

    async def _answer(self, item: InboxItem) -> list[dict[str, Any]]:
        """The replies to deliver: from the catalogue for notices, else from the assistant."""
        notice_key = NOTICE_FOR_KIND.get(item.kind)
        if notice_key is not None:
            return [{"text": self._catalogue.bilingual(notice_key)}]
        replies: list[RasaReply] = []
        if item.text:
            replies = await self._rasa.send(item.sender_key, item.text, rasa_metadata(item))
        deliverable = [reply for reply in replies if is_deliverable(reply)]
        if not deliverable:
            logger.info("assistant_silent", extra=self._log_fields(item))
            return [{"text": self._catalogue.bilingual("not_understood")}]
        return [reply.to_json() for reply in deliverable]

    async def _fail(self, items: Sequence[InboxItem], code: str, apologise: bool) -> None:
        """Record the failure on the head of the chain and hold the rest behind it."""
        head, rest = items[0], items[1:]
        retry_at = utcnow() + timedelta(seconds=self._options.retry_delay(head.attempts + 1))
        apology_sent = False
        if apologise and any(not item.apology_sent for item in items):
            try:
                await self._adapter.send_notice(
                    head, self._catalogue.bilingual("assistant_unavailable")
                )
                apology_sent = True
            except Exception:
                logger.warning("apology_failed", extra=self._log_fields(head))
        await asyncio.to_thread(self._store.record_failure, head.id, code, retry_at, apology_sent)
        await asyncio.to_thread(self._store.postpone, [item.id for item in rest], retry_at)
        if apology_sent:
            await asyncio.to_thread(self._store.mark_apology_sent, [item.id for item in rest])
        logger.warning("inbound_retry_later", extra={**self._log_fields(head), "error": code})

    def _too_old(self, item: InboxItem) -> bool:
        age = utcnow() - item.received_at
        return age > timedelta(seconds=self._options.max_pending_age_seconds)

    def _log_fields(self, item: InboxItem) -> dict[str, Any]:
        return {
            "channel": self._channel,
            "inbox_id": item.id,
            "sender": item.sender_key,
            "kind": item.kind,
        }

    # --- reconciling ---------------------------------------------------------------------

    async def reconcile(self, include_unattempted: bool = False) -> int:
        """Queue again what may have been lost; returns how many senders were queued."""
        await self._queue.requeue_stale(
            f"{self._consumer_base}-reconciler", self._options.claim_idle_ms
        )
        now = utcnow()
        items = await asyncio.to_thread(
            self._store.due, self._channel, now, RECONCILE_BATCH, include_unattempted
        )
        first_per_sender: dict[str, InboxItem] = {}
        for item in items:
            first_per_sender.setdefault(item.sender_key, item)
        for item in first_per_sender.values():
            await self._queue.enqueue(item.id, item.sender_key)
        later = now + timedelta(seconds=self._options.requeue_after_seconds)
        await asyncio.to_thread(self._store.postpone, [item.id for item in items], later)
        if first_per_sender:
            logger.info(
                "inbound_requeued",
                extra={"channel": self._channel, "senders": len(first_per_sender)},
            )
        return len(first_per_sender)

    async def _reconcile_loop(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake_reconciler.wait(), timeout=self._options.reconcile_interval_seconds
                )
            self._wake_reconciler.clear()
            if self._stopping.is_set():
                return
            full, self._full_reconcile = self._full_reconcile, False
            try:
                if full:
                    await self._queue.ensure_group()
                await self.reconcile(include_unattempted=full)
            except Exception as error:
                self._full_reconcile = self._full_reconcile or full
                logger.error(
                    "reconcile_failed",
                    extra={"channel": self._channel, "error": type(error).__name__},
                )

    def _request_full_reconcile(self) -> None:
        self._full_reconcile = True
        self._wake_reconciler.set()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
