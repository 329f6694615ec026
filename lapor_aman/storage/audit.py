"""Audit log (jejak audit): who read or changed which ticket, and when.

Rows hold codes only (action names, references, status values), never personal data, so the
log can be kept longer than the tickets it points to and shown to supervisors freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lapor_aman.storage.db import Base
from lapor_aman.storage.types import UTCDateTime, utcnow


class AuditAction(StrEnum):
    TICKET_READ = "ticket.read"
    TICKET_LIST = "ticket.list"
    TICKET_ACKNOWLEDGE = "ticket.acknowledge"
    TICKET_STATUS = "ticket.status"
    ALERT_ACKNOWLEDGE = "alert.acknowledge"
    STAFF_CREATE = "staff.create"
    STAFF_UPDATE = "staff.update"
    STAFF_ROTATE_TOKEN = "staff.rotate_token"


class ActorKind(StrEnum):
    """Who acted: a staff account, the bootstrap admin token, or the service itself."""

    STAFF = "staff"
    BOOTSTRAP_ADMIN = "bootstrap_admin"
    SYSTEM = "system"


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(24))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))
    ticket_reference: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    # A short code such as "new>acknowledged" or "staff:12"; never free text.
    detail: Mapped[str | None] = mapped_column(String(64), nullable=True)


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: ActorKind
    staff_id: int | None
    action: str
    ticket_reference: str | None
    detail: str | None


def record(
    session: Session,
    action: AuditAction,
    actor: ActorKind,
    staff_id: int | None = None,
    ticket_reference: str | None = None,
    detail: str | None = None,
) -> None:
    """Add an audit row to the caller's unit of work (committed with what it records)."""
    session.add(
        AuditEntry(
            at=utcnow(),
            actor=actor.value,
            staff_id=staff_id,
            action=action.value,
            ticket_reference=ticket_reference,
            detail=detail[:64] if detail else None,
        )
    )


def entries(
    session: Session,
    ticket_reference: str | None = None,
    staff_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRecord]:
    """Newest first, optionally for one ticket or one staff member."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    if ticket_reference is not None:
        query = query.where(AuditEntry.ticket_reference == ticket_reference)
    if staff_id is not None:
        query = query.where(AuditEntry.staff_id == staff_id)
    return [
        AuditRecord(
            id=row.id,
            at=row.at,
            actor=ActorKind(row.actor),
            staff_id=row.staff_id,
            action=row.action,
            ticket_reference=row.ticket_reference,
            detail=row.detail,
        )
        for row in session.scalars(query)
    ]
