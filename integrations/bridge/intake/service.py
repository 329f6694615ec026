"""Intake: store a submitted report as a ticket, announce it, and escalate what cannot wait."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from sqlalchemy.exc import IntegrityError

from integrations.bridge.context import BridgeContext
from integrations.bridge.intake.schemas import (
    AlertReceipt,
    AlertRequest,
    AnonymousCountRequest,
    IntakeReceipt,
)
from integrations.bridge.oncall import needs_escalation
from lapor_aman.hours import next_opening
from lapor_aman.routing import Unit
from lapor_aman.storage import anonymous_counts
from lapor_aman.storage.alerts import AlertRepository, AlertView
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.tickets import TicketRepository, TicketSummary
from lapor_aman.tickets.reference import new_reference
from lapor_aman.tickets.schema import ConsentBasis, IntakeSubmission, Ticket
from lapor_aman.tickets.service import build_ticket

# How long the intake request waits for the on-call message before answering (the retry loop
# keeps trying afterwards).
INLINE_ESCALATION_TIMEOUT_SECONDS: Final = 8.0
# Repeated danger signals of one conversation within this window are one alert.
ALERT_MERGE_WINDOW: Final = timedelta(minutes=30)
STORE_ATTEMPTS: Final = 3


class ConsentMissing(ValueError):
    """A report without consent to record may only be counted, not stored."""


def submission_fingerprint(submission: IntakeSubmission) -> str:
    """A default submission id: the same facts sent twice are the same submission."""
    return hashlib.sha256(submission.model_dump_json().encode("utf-8")).hexdigest()


def may_record(submission: IntakeSubmission) -> bool:
    """Consent to record, or the vital-interest basis (someone in danger)."""
    return submission.consent.record or submission.consent.basis is ConsentBasis.VITAL_INTEREST


def prepared_ticket(ticket: Ticket) -> Ticket:
    """The ticket as stored: ``escalated_at`` is set only once the on-call person is reached."""
    return ticket.model_copy(update={"risk": ticket.risk.model_copy(update={"escalated_at": None})})


@dataclass(frozen=True)
class Stored:
    summary: TicketSummary
    created: bool


class IntakeService:
    def __init__(self, context: BridgeContext) -> None:
        self._context = context

    # --- tickets -------------------------------------------------------------------------------

    async def submit(
        self, submission: IntakeSubmission, submission_id: str | None
    ) -> IntakeReceipt:
        if not may_record(submission):
            raise ConsentMissing("the reporter did not agree to recording: send an anonymous count")
        context = self._context
        submission_id = submission_id or submission_fingerprint(submission)
        now = context.clock()
        existing = await asyncio.to_thread(self._find, submission.conversation_id, submission_id)
        if existing is not None:
            return self._receipt(
                existing, on_call_alerted=existing.escalated_at is not None, created=False
            )
        ticket = prepared_ticket(build_ticket(submission, now=now, units=context.units))
        stored = await asyncio.to_thread(self._store, ticket, submission_id)
        if not stored.created:
            alerted = stored.summary.escalated_at is not None
            return self._receipt(stored.summary, on_call_alerted=alerted, created=False)
        await context.handoff.publish(stored.summary)
        alerted = False
        if needs_escalation(stored.summary, context.units):
            try:
                alerted = await asyncio.wait_for(
                    context.escalator.escalate_ticket(stored.summary),
                    INLINE_ESCALATION_TIMEOUT_SECONDS,
                )
            except TimeoutError:
                alerted = False
        return self._receipt(stored.summary, on_call_alerted=alerted, created=True)

    def _find(self, conversation_id: str, submission_id: str) -> TicketSummary | None:
        with session_scope(self._context.session_factory) as session:
            return TicketRepository(session, self._context.cipher).find_submission(
                conversation_id, submission_id
            )

    def _store(self, ticket: Ticket, submission_id: str) -> Stored:
        """Insert once; a concurrent retry or (very rarely) a reference clash is resolved here."""
        for _ in range(STORE_ATTEMPTS):
            try:
                with session_scope(self._context.session_factory) as session:
                    tickets = TicketRepository(session, self._context.cipher)
                    existing = tickets.find_submission(ticket.conversation_id, submission_id)
                    if existing is not None:
                        return Stored(existing, created=False)
                    summary = tickets.add(ticket, submission_id)
                    AlertRepository(session).link_conversation(
                        ticket.conversation_id, tickets.id_of(summary.reference)
                    )
                    return Stored(summary, created=True)
            except IntegrityError:
                existing = self._find(ticket.conversation_id, submission_id)
                if existing is not None:
                    return Stored(existing, created=False)
                ticket = ticket.model_copy(update={"reference": new_reference()})
        raise RuntimeError("could not store the ticket")

    def _receipt(
        self, summary: TicketSummary, on_call_alerted: bool, created: bool
    ) -> IntakeReceipt:
        unit = self._unit(summary.unit_id)
        return IntakeReceipt(
            reference=summary.reference,
            risk_level=summary.risk_level,
            due_by=summary.due_by.astimezone(unit.hours.zone),
            unit_id=unit.id,
            unit_name=unit.name,
            on_call_alerted=on_call_alerted,
            next_opening=next_opening(unit, self._context.clock()),
            call_center_phone=unit.call_center_phone,
            created=created,
        )

    # --- alerts --------------------------------------------------------------------------------

    async def raise_alert(self, request: AlertRequest) -> AlertReceipt:
        unit = self._alert_unit(request)
        alert = await asyncio.to_thread(self._store_alert, request, unit)
        alerted = alert.notified_at is not None
        if not alerted:
            try:
                alerted = await asyncio.wait_for(
                    self._context.escalator.notify_alert(alert), INLINE_ESCALATION_TIMEOUT_SECONDS
                )
            except TimeoutError:
                alerted = False
        return AlertReceipt(
            alert_id=alert.id,
            alerted=alerted,
            unit_id=unit.id,
            unit_name=unit.name,
            call_center_phone=unit.call_center_phone,
        )

    def _alert_unit(self, request: AlertRequest) -> Unit:
        units = self._context.units
        if request.unit_id and request.unit_id in units.units:
            return units.get(request.unit_id)
        if request.region:
            city = request.region if len(request.region) == 5 else None
            return units.route(request.region[:2], city)
        return self._unit(self._context.settings.default_unit_id)

    def _store_alert(self, request: AlertRequest, unit: Unit) -> AlertView:
        with session_scope(self._context.session_factory) as session:
            ticket_id = TicketRepository(session, self._context.cipher).latest_id_of_conversation(
                request.conversation_id
            )
            return AlertRepository(session).raise_or_merge(
                conversation_id=request.conversation_id,
                signals=[s.value for s in request.signals],
                channel=request.channel.value,
                language=request.language.value,
                unit_id=unit.id,
                region_code=request.region,
                since=self._context.clock() - ALERT_MERGE_WINDOW,
                ticket_id=ticket_id,
            )

    # --- anonymous counts ----------------------------------------------------------------------

    async def count_anonymous(self, request: AnonymousCountRequest) -> None:
        unit = self._unit(request.unit_id or self._context.settings.default_unit_id)
        day = self._context.clock().astimezone(unit.hours.zone).date()
        await asyncio.to_thread(
            anonymous_counts.increment,
            self._context.session_factory,
            day,
            request.channel.value,
            request.language.value,
            unit.id,
        )

    def _unit(self, unit_id: str) -> Unit:
        units = self._context.units
        return units.units.get(unit_id) or units.national
