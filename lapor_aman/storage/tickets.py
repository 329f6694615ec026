"""Tickets (tiket pengaduan) and their status history, the system of record for the bridge.

Staff sort and filter on clear columns (status, risk, due time, unit, channel...). The complete
ticket document holds sensitive personal data (UU 27/2022: health, sexual life, children), so it
is stored only as AES-256-GCM ciphertext (:mod:`lapor_aman.crypto`) and is validated as
:class:`~lapor_aman.tickets.schema.Ticket` on every write and every read. Staff notes on status
changes are encrypted the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    case,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from lapor_aman.crypto import DataCipher, Sealed
from lapor_aman.storage.db import Base
from lapor_aman.storage.types import UTCDateTime, utcnow
from lapor_aman.tickets.schema import RiskLevel, Ticket, TicketStatus
from lapor_aman.tickets.status import can_transition

# Queue order: the most urgent level first (the enum lists them in that order).
RISK_ORDER: Final = {level.value: rank for rank, level in enumerate(RiskLevel)}


class TicketRecord(Base):
    """One ticket: clear columns for the queue, the full document sealed."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint(
            "conversation_id", "submission_id", name="uq_tickets_conversation_submission"
        ),
        Index("ix_tickets_queue", "unit_id", "status", "due_by"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # Opaque conversation id (never a phone number or chat id) and the client's submission id:
    # together they make intake idempotent.
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    submission_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    risk_level: Mapped[str] = mapped_column(String(16), index=True)
    due_by: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    on_call_unit_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    language: Mapped[str] = mapped_column(String(8), index=True)
    received_outside_hours: Mapped[bool] = mapped_column(Boolean, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    handoff_published_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    assigned_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id"), nullable=True, index=True
    )
    schema_version: Mapped[str] = mapped_column(String(8))
    document_key_id: Mapped[str] = mapped_column(String(16))
    document: Mapped[bytes] = mapped_column(LargeBinary)


class TicketStatusChange(Base):
    """Riwayat status: who moved a ticket from which status to which, when, with an optional note."""

    __tablename__ = "ticket_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "staff", "bootstrap_admin" or "system" (see lapor_aman.storage.audit.ActorKind).
    actor: Mapped[str] = mapped_column(String(24))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    # Staff notes can name people, so they are sealed like the ticket document.
    note_key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class TicketNotFound(LookupError):
    """No ticket with that reference is visible to the caller."""


class TransitionNotAllowed(ValueError):
    def __init__(self, current: TicketStatus, requested: TicketStatus) -> None:
        super().__init__(f"cannot move a ticket from {current.value} to {requested.value}")
        self.current = current
        self.requested = requested


@dataclass(frozen=True)
class TicketSummary:
    """The clear columns of a ticket: what the queue shows, no personal data."""

    reference: str
    status: TicketStatus
    risk_level: RiskLevel
    due_by: datetime
    unit_id: str
    on_call_unit_id: str | None
    channel: str
    language: str
    received_outside_hours: bool
    created_at: datetime
    updated_at: datetime
    escalated_at: datetime | None
    handoff_published_at: datetime | None
    acknowledged_at: datetime | None
    assigned_staff_id: int | None
    conversation_id: str


@dataclass(frozen=True)
class StoredTicket:
    summary: TicketSummary
    ticket: Ticket


@dataclass(frozen=True)
class StatusChange:
    from_status: TicketStatus | None
    to_status: TicketStatus
    at: datetime
    actor: str
    staff_id: int | None
    note: str | None


@dataclass(frozen=True)
class TicketFilters:
    """Queue filters; empty collections mean "any"."""

    statuses: Collection[TicketStatus] = ()
    risk_levels: Collection[RiskLevel] = ()
    unit_id: str | None = None
    received_outside_hours: bool | None = None
    reference_query: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who makes a change: ``kind`` is an audit ActorKind value; ``staff_id`` when a staff account."""

    kind: str
    staff_id: int | None = None


SYSTEM_ACTOR: Final = Actor(kind="system")


def document_aad(reference: str) -> str:
    return f"ticket:{reference}"


def note_aad(reference: str) -> str:
    return f"ticket-note:{reference}"


def seal_ticket(ticket: Ticket, cipher: DataCipher) -> Sealed:
    """Validate a ticket as the contract and encrypt its JSON document."""
    document = Ticket.model_validate_json(ticket.model_dump_json()).model_dump_json()
    return cipher.seal_text(document, document_aad(ticket.reference))


def open_ticket(row: TicketRecord, cipher: DataCipher) -> Ticket:
    """Decrypt and validate the document of a row."""
    sealed = Sealed(key_id=row.document_key_id, blob=row.document)
    return Ticket.model_validate_json(cipher.open_text(sealed, document_aad(row.reference)))


def summary_of(row: TicketRecord) -> TicketSummary:
    return TicketSummary(
        reference=row.reference,
        status=TicketStatus(row.status),
        risk_level=RiskLevel(row.risk_level),
        due_by=row.due_by,
        unit_id=row.unit_id,
        on_call_unit_id=row.on_call_unit_id,
        channel=row.channel,
        language=row.language,
        received_outside_hours=row.received_outside_hours,
        created_at=row.created_at,
        updated_at=row.updated_at,
        escalated_at=row.escalated_at,
        handoff_published_at=row.handoff_published_at,
        acknowledged_at=row.acknowledged_at,
        assigned_staff_id=row.assigned_staff_id,
        conversation_id=row.conversation_id,
    )


def urgency_order() -> ColumnElement[int]:
    """Emergency first, then high, medium, low (an SQL CASE over the risk level)."""
    return case(RISK_ORDER, value=TicketRecord.risk_level, else_=len(RISK_ORDER))


def _write_document(row: TicketRecord, ticket: Ticket, cipher: DataCipher) -> None:
    sealed = seal_ticket(ticket, cipher)
    row.document, row.document_key_id = sealed.blob, sealed.key_id
    row.schema_version = ticket.schema_version


def _clear_columns(ticket: Ticket) -> dict[str, object]:
    """The clear columns, always derived from the document so the two cannot disagree."""
    return {
        "reference": ticket.reference,
        "conversation_id": ticket.conversation_id,
        "status": ticket.status.value,
        "risk_level": ticket.risk.level.value,
        "due_by": ticket.risk.due_by,
        "unit_id": ticket.routing.unit_id,
        "on_call_unit_id": ticket.routing.on_call_unit_id,
        "channel": ticket.channel.value,
        "language": ticket.language.value,
        "received_outside_hours": ticket.received_outside_hours,
        "escalated_at": ticket.risk.escalated_at,
    }


class TicketRepository:
    """Ticket queries inside one unit of work (the caller owns the session and commits)."""

    def __init__(self, session: Session, cipher: DataCipher) -> None:
        self._session = session
        self._cipher = cipher

    # --- intake ------------------------------------------------------------------------------

    def add(self, ticket: Ticket, submission_id: str) -> TicketSummary:
        """Store a new ticket and its first history row (``None → new``)."""
        now = utcnow()
        row = TicketRecord(
            submission_id=submission_id,
            created_at=ticket.created_at,
            updated_at=now,
            **_clear_columns(ticket),
        )
        _write_document(row, ticket, self._cipher)
        self._session.add(row)
        self._session.flush()
        self._session.add(
            TicketStatusChange(
                ticket_id=row.id,
                from_status=None,
                to_status=ticket.status.value,
                at=now,
                actor=SYSTEM_ACTOR.kind,
            )
        )
        self._session.flush()
        return summary_of(row)

    def find_submission(self, conversation_id: str, submission_id: str) -> TicketSummary | None:
        row = self._session.scalar(
            select(TicketRecord).where(
                TicketRecord.conversation_id == conversation_id,
                TicketRecord.submission_id == submission_id,
            )
        )
        return summary_of(row) if row else None

    def id_of(self, reference: str) -> int:
        """The row id of a ticket (alerts link to it)."""
        return self._row(reference, None).id

    def latest_id_of_conversation(self, conversation_id: str) -> int | None:
        return self._session.scalar(
            select(TicketRecord.id)
            .where(TicketRecord.conversation_id == conversation_id)
            .order_by(TicketRecord.id.desc())
            .limit(1)
        )

    def reference_of_conversation(self, conversation_id: str) -> str | None:
        """The newest ticket of a conversation (alerts link to it)."""
        return self._session.scalar(
            select(TicketRecord.reference)
            .where(TicketRecord.conversation_id == conversation_id)
            .order_by(TicketRecord.id.desc())
            .limit(1)
        )

    # --- staff reads -------------------------------------------------------------------------

    def get(self, reference: str, visible_units: Collection[str] | None = None) -> StoredTicket:
        row = self._row(reference, visible_units)
        return StoredTicket(summary=summary_of(row), ticket=open_ticket(row, self._cipher))

    def summary(
        self, reference: str, visible_units: Collection[str] | None = None
    ) -> TicketSummary:
        return summary_of(self._row(reference, visible_units))

    def queue(
        self,
        filters: TicketFilters,
        visible_units: Collection[str] | None,
        limit: int,
        offset: int,
    ) -> tuple[list[TicketSummary], int]:
        """One page of the queue, most urgent first, and the total matching count."""
        conditions: list[ColumnElement[bool]] = []
        if visible_units is not None:
            conditions.append(TicketRecord.unit_id.in_(list(visible_units)))
        if filters.statuses:
            conditions.append(TicketRecord.status.in_([s.value for s in filters.statuses]))
        if filters.risk_levels:
            conditions.append(TicketRecord.risk_level.in_([r.value for r in filters.risk_levels]))
        if filters.unit_id is not None:
            conditions.append(TicketRecord.unit_id == filters.unit_id)
        if filters.received_outside_hours is not None:
            conditions.append(
                TicketRecord.received_outside_hours.is_(filters.received_outside_hours)
            )
        if filters.reference_query:
            conditions.append(
                TicketRecord.reference.contains(filters.reference_query, autoescape=True)
            )
        total = self._session.scalar(select(func.count(TicketRecord.id)).where(*conditions)) or 0
        rows = self._session.scalars(
            select(TicketRecord)
            .where(*conditions)
            .order_by(urgency_order(), TicketRecord.due_by, TicketRecord.id)
            .limit(limit)
            .offset(offset)
        )
        return [summary_of(row) for row in rows], total

    def history(self, reference: str) -> list[StatusChange]:
        row = self._row(reference, None)
        changes = self._session.scalars(
            select(TicketStatusChange)
            .where(TicketStatusChange.ticket_id == row.id)
            .order_by(TicketStatusChange.id)
        )
        return [self._change(reference, change) for change in changes]

    # --- staff changes -----------------------------------------------------------------------

    def change_status(
        self,
        reference: str,
        to: TicketStatus,
        actor: Actor,
        note: str | None = None,
        visible_units: Collection[str] | None = None,
        assign_to_actor: bool = False,
    ) -> StoredTicket:
        """Move a ticket along an allowed transition and record it (row locked meanwhile)."""
        row = self._row(reference, visible_units, lock=True)
        current = TicketStatus(row.status)
        if not can_transition(current, to):
            raise TransitionNotAllowed(current, to)
        now = utcnow()
        ticket = open_ticket(row, self._cipher).model_copy(update={"status": to})
        _write_document(row, ticket, self._cipher)
        row.status, row.updated_at = to.value, now
        if to is TicketStatus.ACKNOWLEDGED:
            row.acknowledged_at = now
        if assign_to_actor or to is TicketStatus.ACKNOWLEDGED:
            row.assigned_staff_id = actor.staff_id
        sealed_note = self._cipher.seal_text(note, note_aad(reference)) if note else None
        self._session.add(
            TicketStatusChange(
                ticket_id=row.id,
                from_status=current.value,
                to_status=to.value,
                at=now,
                actor=actor.kind,
                staff_id=actor.staff_id,
                note_key_id=sealed_note.key_id if sealed_note else None,
                note=sealed_note.blob if sealed_note else None,
            )
        )
        self._session.flush()
        return StoredTicket(summary=summary_of(row), ticket=ticket)

    # --- handoff and escalation --------------------------------------------------------------

    def unpublished(self, limit: int = 100) -> list[TicketSummary]:
        """Tickets whose handoff event never reached Redis, oldest first."""
        rows = self._session.scalars(
            select(TicketRecord)
            .where(TicketRecord.handoff_published_at.is_(None))
            .order_by(TicketRecord.id)
            .limit(limit)
        )
        return [summary_of(row) for row in rows]

    def with_status(self, status: TicketStatus, limit: int = 10_000) -> list[TicketSummary]:
        rows = self._session.scalars(
            select(TicketRecord)
            .where(TicketRecord.status == status.value)
            .order_by(TicketRecord.id)
            .limit(limit)
        )
        return [summary_of(row) for row in rows]

    def mark_published(self, references: Sequence[str], at: datetime) -> None:
        if references:
            self._session.execute(
                update(TicketRecord)
                .where(TicketRecord.reference.in_(list(references)))
                .values(handoff_published_at=at)
            )

    def mark_escalated(self, reference: str, at: datetime) -> None:
        """Record that the on-call person was reached, in the column and in the document."""
        row = self._row(reference, None, lock=True)
        ticket = open_ticket(row, self._cipher)
        ticket = ticket.model_copy(
            update={"risk": ticket.risk.model_copy(update={"escalated_at": at})}
        )
        _write_document(row, ticket, self._cipher)
        row.escalated_at, row.updated_at = at, utcnow()
        self._session.flush()

    def awaiting_escalation(
        self, since: datetime, risk_levels: Collection[RiskLevel]
    ) -> list[TicketSummary]:
        """New tickets of these risk levels created since ``since`` whose on-call alert never went out."""
        rows = self._session.scalars(
            select(TicketRecord)
            .where(
                TicketRecord.escalated_at.is_(None),
                TicketRecord.status == TicketStatus.NEW.value,
                TicketRecord.created_at >= since,
                TicketRecord.risk_level.in_([r.value for r in risk_levels]),
            )
            .order_by(TicketRecord.id)
        )
        return [summary_of(row) for row in rows]

    # --- key rotation ------------------------------------------------------------------------

    def reencrypt_all(self, batch_size: int = 200) -> int:
        """Re-seal every document and note not sealed with the current key; returns rows changed."""
        current = self._cipher.current_key_id
        changed = 0
        while True:
            rows = list(
                self._session.scalars(
                    select(TicketRecord)
                    .where(TicketRecord.document_key_id != current)
                    .limit(batch_size)
                )
            )
            if not rows:
                break
            for row in rows:
                _write_document(row, open_ticket(row, self._cipher), self._cipher)
                changed += 1
            self._session.flush()
        notes = self._session.execute(
            select(TicketStatusChange, TicketRecord.reference)
            .join(TicketRecord, TicketRecord.id == TicketStatusChange.ticket_id)
            .where(TicketStatusChange.note.is_not(None), TicketStatusChange.note_key_id != current)
        )
        for change, reference in notes:
            text = self._open_note(reference, change)
            if text is not None:
                sealed = self._cipher.seal_text(text, note_aad(reference))
                change.note, change.note_key_id = sealed.blob, sealed.key_id
                changed += 1
        self._session.flush()
        return changed

    # --- helpers -----------------------------------------------------------------------------

    def _row(
        self, reference: str, visible_units: Collection[str] | None, lock: bool = False
    ) -> TicketRecord:
        query = select(TicketRecord).where(TicketRecord.reference == reference)
        if visible_units is not None:
            query = query.where(TicketRecord.unit_id.in_(list(visible_units)))
        if lock:
            query = query.with_for_update()
        row = self._session.scalar(query)
        if row is None:
            raise TicketNotFound(reference)
        return row

    def _open_note(self, reference: str, change: TicketStatusChange) -> str | None:
        if change.note is None or change.note_key_id is None:
            return None
        return self._cipher.open_text(Sealed(change.note_key_id, change.note), note_aad(reference))

    def _change(self, reference: str, change: TicketStatusChange) -> StatusChange:
        return StatusChange(
            from_status=TicketStatus(change.from_status) if change.from_status else None,
            to_status=TicketStatus(change.to_status),
            at=change.at,
            actor=change.actor,
            staff_id=change.staff_id,
            note=self._open_note(reference, change),
        )
