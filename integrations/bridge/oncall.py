"""On-call escalation (eskalasi piket): reach the person on call when a case cannot wait.

Emergencies (and high-risk cases at night where the unit's on-call person takes those) are sent
to every active staff member with the ``on_call`` flag in the first unit of the chain: the unit
named by routing for on-call duty, the serving unit, then the national unit. The message carries
no personal data: the reference, the risk level, the unit and a link to the console. Delivery is
retried; a ticket's ``escalated_at`` (and an alert's ``notified_at``) is set only once someone
was actually reached, and a background loop keeps trying the ones that were not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, LinkPreviewOptions
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest

from lapor_aman.crypto import DataCipher
from lapor_aman.labels import label
from lapor_aman.routing import UnitDirectory
from lapor_aman.storage.alerts import AlertRepository, AlertView
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.staff import StaffAccount, StaffRepository
from lapor_aman.storage.tickets import TicketRepository, TicketSummary
from lapor_aman.tickets.schema import RiskLevel

logger = logging.getLogger(__name__)

# How far back the retry loop looks: an alert older than this is stale for an on-call call.
TICKET_RETRY_WINDOW: Final = timedelta(hours=24)
ALERT_RETRY_WINDOW: Final = timedelta(hours=6)
MAX_RETRY_AFTER_SECONDS: Final = 10.0


class NotificationFailed(Exception):
    """A message could not be delivered; ``permanent`` when retrying cannot help (blocked bot)."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Notifier(Protocol):
    """Sends a short text to a staff member's chat."""

    async def send(self, chat_id: str, text: str) -> None: ...

    async def close(self) -> None: ...


class DisabledNotifier:
    """Used when no bot token is configured: every escalation reports "not reached"."""

    async def send(self, chat_id: str, text: str) -> None:
        raise NotificationFailed("no notifier configured", permanent=True)

    async def close(self) -> None:
        return None


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


class TelegramNotifier:
    """Telegram Bot API ``sendMessage`` with retries (python-telegram-bot's ``Bot``)."""

    def __init__(
        self,
        bot_token: str,
        base_url: str,
        attempts: int = 3,
        backoff_seconds: float = 0.5,
        timeout_seconds: float = 5.0,
    ) -> None:
        request = HTTPXRequest(
            connect_timeout=timeout_seconds,
            read_timeout=timeout_seconds,
            write_timeout=timeout_seconds,
        )
        self._bot = Bot(token=bot_token, base_url=base_url, request=request)
        self._attempts = attempts
        self._backoff = backoff_seconds

    async def send(self, chat_id: str, text: str) -> None:
        for attempt in range(1, self._attempts + 1):
            try:
                await self._bot.send_message(
                    chat_id=chat_id,
                    text=text,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
                return
            except (Forbidden, BadRequest, InvalidToken) as error:
                raise NotificationFailed(type(error).__name__, permanent=True) from None
            except RetryAfter as error:
                delay = min(_seconds(error.retry_after), MAX_RETRY_AFTER_SECONDS)
                reason = "RetryAfter"
            except (NetworkError, TelegramError) as error:
                delay = self._backoff * 2 ** (attempt - 1)
                reason = type(error).__name__
            if attempt < self._attempts:
                await asyncio.sleep(delay)
        raise NotificationFailed(reason)

    async def close(self) -> None:
        await self._bot.shutdown()


@dataclass(frozen=True)
class EscalationResult:
    reached: int
    unit_id: str | None


def needs_escalation(summary: TicketSummary, units: UnitDirectory) -> bool:
    """Emergencies always; high risk at night when the on-call unit takes high-risk cases."""
    if summary.risk_level is RiskLevel.EMERGENCY:
        return True
    if summary.risk_level is RiskLevel.HIGH and summary.received_outside_hours:
        unit = units.units.get(summary.on_call_unit_id or summary.unit_id)
        return bool(unit and unit.on_call_takes_high)
    return False


def escalation_chain(unit_ids: Iterable[str | None], units: UnitDirectory) -> list[str]:
    """Units to try in order, each once, ending with the national unit."""
    chain: list[str] = []
    for unit_id in (*unit_ids, units.national.id):
        if unit_id and unit_id not in chain:
            chain.append(unit_id)
    return chain


def ticket_message(summary: TicketSummary, unit_name: str, console_url: str) -> str:
    """The on-call text for a ticket, Indonesian then English; no personal data."""
    values = {
        "reference": summary.reference,
        "risk_id": label("risk_level", summary.risk_level.value, "id"),
        "risk_en": label("risk_level", summary.risk_level.value, "en"),
        "unit": unit_name,
        "url": f"{console_url}#{summary.reference}",
    }
    return "\n\n".join(
        label("oncall_message", "ticket", language).format(**values) for language in ("id", "en")
    )


def alert_message(unit_name: str, console_url: str) -> str:
    """The on-call text for a conversation in danger before any ticket exists."""
    values = {"unit": unit_name, "url": f"{console_url}#alerts"}
    return "\n\n".join(
        label("oncall_message", "alert", language).format(**values) for language in ("id", "en")
    )


class OnCallEscalator:
    """Finds who is on call and reaches them; records who was reached and when."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        cipher: DataCipher,
        units: UnitDirectory,
        notifier: Notifier,
        console_url: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._session_factory = session_factory
        self._cipher = cipher
        self._units = units
        self.notifier = notifier
        self._console_url = console_url
        self._clock = clock
        self._in_flight: set[str] = set()

    def unit_name(self, unit_id: str) -> str:
        unit = self._units.units.get(unit_id)
        return unit.name if unit else unit_id

    async def escalate_ticket(self, summary: TicketSummary) -> bool:
        """Reach the on-call person for a ticket; True when at least one person got the message."""
        key = f"ticket:{summary.reference}"
        if key in self._in_flight:
            return False
        self._in_flight.add(key)
        try:
            chain = escalation_chain((summary.on_call_unit_id, summary.unit_id), self._units)
            text = ticket_message(summary, self.unit_name(summary.unit_id), self._console_url)
            result = await self._reach_first(chain, text, key)
            if result.reached:
                await asyncio.to_thread(self._mark_ticket, summary.reference)
            return result.reached > 0
        finally:
            self._in_flight.discard(key)

    async def notify_alert(self, alert: AlertView) -> bool:
        """Reach the on-call person for a mid-conversation emergency."""
        key = f"alert:{alert.id}"
        if key in self._in_flight:
            return False
        self._in_flight.add(key)
        try:
            unit = self._units.units.get(alert.unit_id)
            backup = self._units.on_call_for(unit).id if unit else None
            chain = escalation_chain((alert.unit_id, backup), self._units)
            result = await self._reach_first(
                chain, alert_message(self.unit_name(alert.unit_id), self._console_url), key
            )
            if result.reached:
                await asyncio.to_thread(self._mark_alert, alert.id)
            return result.reached > 0
        finally:
            self._in_flight.discard(key)

    def has_on_call(self, unit_ids: Sequence[str]) -> bool:
        """Someone reachable is on call in one of these units (blocking)."""
        with session_scope(self._session_factory) as session:
            repository = StaffRepository(session)
            return any(repository.on_call_for_unit(unit_id) for unit_id in unit_ids)

    async def retry_pending(self) -> int:
        """Try again for tickets and alerts whose on-call message never got through."""
        tickets, alerts = await asyncio.to_thread(self._pending)
        reached = 0
        for summary in tickets:
            if needs_escalation(summary, self._units) and await self.escalate_ticket(summary):
                reached += 1
        for alert in alerts:
            if await self.notify_alert(alert):
                reached += 1
        return reached

    async def run(self, interval_seconds: float) -> None:
        """The escalation retry loop (a background task of the bridge)."""
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.retry_pending()
            except Exception:
                logger.exception("on-call retry crashed")

    async def _reach_first(self, chain: list[str], text: str, key: str) -> EscalationResult:
        for unit_id in chain:
            staff = await asyncio.to_thread(self._on_call, unit_id)
            if not staff:
                continue
            reached = await self._send_all(staff, text, key)
            if reached:
                logger.info(
                    "on-call reached",
                    extra={"subject": key, "unit_id": unit_id, "reached": reached},
                )
                return EscalationResult(reached, unit_id)
        logger.warning("on-call not reached", extra={"subject": key, "chain": chain})
        return EscalationResult(0, None)

    async def _send_all(self, staff: list[StaffAccount], text: str, key: str) -> int:
        async def one(member: StaffAccount) -> bool:
            try:
                await self.notifier.send(member.telegram_chat_id or "", text)
                return True
            except NotificationFailed as error:
                logger.warning(
                    "on-call message failed",
                    extra={"subject": key, "staff_id": member.id, "reason": error.reason},
                )
                return False

        results = await asyncio.gather(*(one(member) for member in staff))
        return sum(results)

    def _on_call(self, unit_id: str) -> list[StaffAccount]:
        with session_scope(self._session_factory) as session:
            return StaffRepository(session).on_call_for_unit(unit_id)

    def _mark_ticket(self, reference: str) -> None:
        with session_scope(self._session_factory) as session:
            TicketRepository(session, self._cipher).mark_escalated(reference, self._clock())

    def _mark_alert(self, alert_id: int) -> None:
        with session_scope(self._session_factory) as session:
            AlertRepository(session).mark_notified(alert_id, self._clock())

    def _pending(self) -> tuple[list[TicketSummary], list[AlertView]]:
        now = self._clock()
        with session_scope(self._session_factory) as session:
            tickets = TicketRepository(session, self._cipher).awaiting_escalation(
                now - TICKET_RETRY_WINDOW, (RiskLevel.EMERGENCY, RiskLevel.HIGH)
            )
            alerts = AlertRepository(session).awaiting_notification(now - ALERT_RETRY_WINDOW)
        return tickets, alerts
