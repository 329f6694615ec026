"""Shared wiring of a queued channel gateway (Telegram, WhatsApp): intake, worker, lifecycle."""

from __future__ import annotations

from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from integrations.gateway.catalogue import Catalogue, load_catalogue
from integrations.gateway.dedup import Deduplicator
from integrations.gateway.identity import Pseudonymizer, sender_secret
from integrations.gateway.intake import Intake
from integrations.gateway.keys import GatewayKeys
from integrations.gateway.options import GatewayOptions
from integrations.gateway.payloads import PayloadShortener
from integrations.gateway.queue import InboundQueue
from integrations.gateway.rate_limit import RateLimiter
from integrations.gateway.worker import ChannelAdapter, InboxWorker
from integrations.rasa_client import RasaClient
from lapor_aman.config import Settings
from lapor_aman.storage.inbox import InboxStore


class GatewayCore:
    """Everything a queued gateway shares; the channel adds its router and its adapter."""

    def __init__(
        self,
        channel: str,
        settings: Settings,
        redis: Redis,
        session_factory: sessionmaker[Session],
        rasa: RasaClient,
        options: GatewayOptions | None = None,
        catalogue: Catalogue | None = None,
        secret: str | bytes | None = None,
    ) -> None:
        self.channel = channel
        self.settings = settings
        self.redis = redis
        self.rasa = rasa
        self.options = options or GatewayOptions.from_settings(settings)
        self.catalogue = catalogue or load_catalogue()
        self.keys = GatewayKeys(settings.redis_prefix, channel)
        self.pseudonymizer = Pseudonymizer(sender_secret(settings, secret))
        self.store = InboxStore(session_factory)
        self.queue = InboundQueue(redis, self.keys)
        self.payloads = PayloadShortener(redis, self.keys, self.options.payload_ttl_seconds)
        self.intake = Intake(
            channel=channel,
            pseudonymizer=self.pseudonymizer,
            deduplicator=Deduplicator(redis, self.keys, self.options.dedup_ttl_seconds),
            rate_limiter=RateLimiter(
                redis,
                self.keys,
                self.options.rate_limit_per_minute,
                self.options.rate_notice_interval_seconds,
            ),
            store=self.store,
            queue=self.queue,
            requeue_after=timedelta(seconds=self.options.requeue_after_seconds),
        )
        self._worker: InboxWorker | None = None

    async def start_worker(self, adapter: ChannelAdapter) -> None:
        if self._worker is not None:
            return
        self._worker = InboxWorker(
            channel=self.channel,
            adapter=adapter,
            store=self.store,
            queue=self.queue,
            redis=self.redis,
            keys=self.keys,
            rasa=self.rasa,
            catalogue=self.catalogue,
            options=self.options,
        )
        await self._worker.start()

    async def stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            await worker.stop()
