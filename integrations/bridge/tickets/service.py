"""The staff side of tickets: queue, full reads (audited), status moves (audited)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy.orm import Session

from integrations.bridge.context import BridgeContext
from integrations.bridge.staff.auth import Caller, visible_units
from integrations.bridge.tickets.schemas import (
    StatusChangeView,
    TicketDetail,
    TicketListItem,
    TicketPage,
)
from lapor_aman.storage import audit
from lapor_aman.storage.audit import AuditAction
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.staff import StaffRepository
from lapor_aman.storage.tickets import (
    StatusChange,
    TicketFilters,
    TicketRepository,
    TicketSummary,
)
from lapor_aman.tickets.reference import normalise_reference
from lapor_aman.tickets.schema import Channel, Language, TicketStatus
from lapor_aman.tickets.status import next_statuses


def reference_query(text: str | None) -> str | None:
    """What to search for in references: the canonical form when complete, else the typed part."""
    if not text or not text.strip():
        return None
    full = normalise_reference(text)
    return full or text.strip().upper().replace(" ", "")


def list_item(summary: TicketSummary, context: BridgeContext, now: datetime) -> TicketListItem:
    unit = context.units.units.get(summary.unit_id)
    return TicketListItem(
        reference=summary.reference,
        status=summary.status,
        risk_level=summary.risk_level,
        due_by=summary.due_by,
        overdue=summary.status is TicketStatus.NEW and summary.due_by < now,
        unit_id=summary.unit_id,
        unit_name=unit.name if unit else summary.unit_id,
        channel=Channel(summary.channel),
        language=Language(summary.language),
        received_outside_hours=summary.received_outside_hours,
        created_at=summary.created_at,
        updated_at=summary.updated_at,
        escalated_at=summary.escalated_at,
        acknowledged_at=summary.acknowledged_at,
        assigned_staff_id=summary.assigned_staff_id,
    )


class TicketService:
    def __init__(self, context: BridgeContext, caller: Caller) -> None:
        self._context = context
        self._caller = caller
        self._visible = visible_units(caller, context.units)

    async def queue(self, filters: TicketFilters, limit: int, offset: int) -> TicketPage:
        return await asyncio.to_thread(self._queue, filters, limit, offset)

    async def detail(self, reference: str) -> TicketDetail:
        return await asyncio.to_thread(self._detail, reference)

    async def change_status(
        self, reference: str, to: TicketStatus, note: str | None, action: AuditAction
    ) -> TicketDetail:
        return await asyncio.to_thread(self._change_status, reference, to, note, action)

    def _queue(self, filters: TicketFilters, limit: int, offset: int) -> TicketPage:
        with session_scope(self._context.session_factory) as session:
            items, total = TicketRepository(session, self._context.cipher).queue(
                filters, self._visible, limit, offset
            )
            audit.record(
                session,
                AuditAction.TICKET_LIST,
                self._caller.actor_kind,
                staff_id=self._caller.staff_id,
                detail=f"n={len(items)}",
            )
        now = self._context.clock()
        return TicketPage(
            items=[list_item(s, self._context, now) for s in items],
            total=total,
            limit=limit,
            offset=offset,
        )

    def _detail(self, reference: str) -> TicketDetail:
        with session_scope(self._context.session_factory) as session:
            tickets = TicketRepository(session, self._context.cipher)
            stored = tickets.get(reference, self._visible)
            history = tickets.history(reference)
            audit.record(
                session,
                AuditAction.TICKET_READ,
                self._caller.actor_kind,
                staff_id=self._caller.staff_id,
                ticket_reference=reference,
            )
            names = self._staff_names(session, history, stored.summary.assigned_staff_id)
        now = self._context.clock()
        return TicketDetail(
            summary=list_item(stored.summary, self._context, now),
            ticket=stored.ticket,
            history=[self._change_view(change, names) for change in history],
            allowed_next=sorted(next_statuses(stored.summary.status), key=list(TicketStatus).index),
            assigned_staff_name=names.get(stored.summary.assigned_staff_id)
            if stored.summary.assigned_staff_id
            else None,
        )

    def _change_status(
        self, reference: str, to: TicketStatus, note: str | None, action: AuditAction
    ) -> TicketDetail:
        with session_scope(self._context.session_factory) as session:
            TicketRepository(session, self._context.cipher).change_status(
                reference, to, self._caller.actor, note, self._visible
            )
            audit.record(
                session,
                action,
                self._caller.actor_kind,
                staff_id=self._caller.staff_id,
                ticket_reference=reference,
                detail=f"to={to.value}",
            )
        return self._detail(reference)

    @staticmethod
    def _staff_names(
        session: Session, history: list[StatusChange], assigned: int | None
    ) -> dict[int, str]:
        repository = StaffRepository(session)
        ids = {c.staff_id for c in history if c.staff_id is not None} | (
            {assigned} if assigned else set()
        )
        names: dict[int, str] = {}
        for staff_id in ids:
            account = repository.get(staff_id)
            if account is not None:
                names[staff_id] = account.name
        return names

    @staticmethod
    def _change_view(change: StatusChange, names: dict[int, str]) -> StatusChangeView:
        return StatusChangeView(
            from_status=change.from_status,
            to_status=change.to_status,
            at=change.at,
            actor=change.actor,
            staff_id=change.staff_id,
            staff_name=names.get(change.staff_id) if change.staff_id else None,
            note=change.note,
        )
