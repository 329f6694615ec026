"""The bridge between the assistant and the human case managers (FastAPI).

``Bridge(settings, session_factory, redis)`` holds everything the bridge needs; the application
(``integrations/main.py``) includes ``bridge.routers`` and calls ``await bridge.start()`` /
``await bridge.stop()`` in its lifespan. ``start`` applies database migrations (unless told not
to), then runs two background tasks: the handoff republisher and the on-call retry loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Depends
from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from integrations.bridge import handoff
from integrations.bridge.alerts.router import router as alerts_router
from integrations.bridge.console.router import router as console_router
from integrations.bridge.context import BridgeContext
from integrations.bridge.deps import context_binder
from integrations.bridge.handoff import HandoffStream
from integrations.bridge.health import router as health_router
from integrations.bridge.intake.router import router as intake_router
from integrations.bridge.oncall import DisabledNotifier, Notifier, OnCallEscalator, TelegramNotifier
from integrations.bridge.staff.router import router as staff_router
from integrations.bridge.tickets.router import router as tickets_router
from lapor_aman.config import Settings
from lapor_aman.crypto import DataCipher
from lapor_aman.routing import UnitDirectory, get_units
from lapor_aman.storage.migrate import upgrade_to_head
from lapor_aman.storage.staff import TokenVerifier
from lapor_aman.storage.types import utcnow

__all__ = ["Bridge", "BridgeContext"]

logger = logging.getLogger(__name__)

REPUBLISH_INTERVAL_SECONDS = 15.0
ESCALATION_RETRY_INTERVAL_SECONDS = 30.0


def default_notifier(settings: Settings) -> Notifier:
    token = settings.telegram_bot_token.get_secret_value()
    if not token:
        logger.warning("no Telegram bot token: on-call escalation is disabled")
        return DisabledNotifier()
    return TelegramNotifier(token, settings.telegram_api_base_url)


def console_url(settings: Settings) -> str:
    return (settings.public_base_url or settings.bridge_url).rstrip("/") + "/console"


class Bridge:
    """The bridge's routers and background tasks over one database and one Redis."""

    def __init__(
        self,
        settings: Settings,
        session_factory: sessionmaker[Session],
        redis: Redis,
        *,
        notifier: Notifier | None = None,
        units: UnitDirectory | None = None,
        clock: Callable[[], datetime] = utcnow,
        migrate_on_start: bool = True,
        republish_interval: float = REPUBLISH_INTERVAL_SECONDS,
        escalation_retry_interval: float = ESCALATION_RETRY_INTERVAL_SECONDS,
    ) -> None:
        units = units or get_units()
        cipher = DataCipher.from_setting(settings.data_encryption_key.get_secret_value())
        self.context = BridgeContext(
            settings=settings,
            session_factory=session_factory,
            redis=redis,
            cipher=cipher,
            units=units,
            verifier=TokenVerifier(),
            handoff=HandoffStream(redis, settings.redis_prefix, session_factory, clock),
            escalator=OnCallEscalator(
                session_factory,
                cipher,
                units,
                notifier or default_notifier(settings),
                console_url(settings),
                clock,
            ),
            clock=clock,
        )
        self._migrate_on_start = migrate_on_start
        self._republish_interval = republish_interval
        self._escalation_retry_interval = escalation_retry_interval
        self._tasks: list[asyncio.Task[None]] = []
        self.routers: list[APIRouter] = self._build_routers()

    def _build_routers(self) -> list[APIRouter]:
        bind = Depends(context_binder(self.context))
        routers = []
        for router in (
            intake_router,
            tickets_router,
            alerts_router,
            staff_router,
            handoff.build_router(),
            health_router,
            console_router,
        ):
            # Each bridge gets its own copy of the routes, bound to its own context.
            bound = APIRouter(dependencies=[bind])
            bound.include_router(router)
            routers.append(bound)
        return routers

    async def start(self) -> None:
        if self._migrate_on_start:
            await asyncio.to_thread(upgrade_to_head, self.context.settings.database_url)
        self._tasks = [
            asyncio.create_task(
                self.context.handoff.run(self._republish_interval), name="handoff-republisher"
            ),
            asyncio.create_task(
                self.context.escalator.run(self._escalation_retry_interval), name="oncall-retry"
            ),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.context.escalator.notifier.close()
