"""Response and request bodies of the staff ticket API."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from lapor_aman.tickets.schema import Channel, Language, RiskLevel, Ticket, TicketStatus


class TicketListItem(BaseModel):
    """One row of the queue: clear columns only, no personal data."""

    reference: str
    status: TicketStatus
    risk_level: RiskLevel
    due_by: AwareDatetime
    overdue: bool = Field(description="Still new and past its due time.")
    unit_id: str
    unit_name: str
    channel: Channel
    language: Language
    received_outside_hours: bool
    created_at: AwareDatetime
    updated_at: AwareDatetime
    escalated_at: AwareDatetime | None
    acknowledged_at: AwareDatetime | None
    assigned_staff_id: int | None


class TicketPage(BaseModel):
    items: list[TicketListItem]
    total: int
    limit: int
    offset: int


class StatusChangeView(BaseModel):
    from_status: TicketStatus | None
    to_status: TicketStatus
    at: AwareDatetime
    actor: str = Field(description="staff, bootstrap_admin or system")
    staff_id: int | None
    staff_name: str | None
    note: str | None


class TicketDetail(BaseModel):
    """A full ticket for its case manager (every read is audited)."""

    summary: TicketListItem
    ticket: Ticket
    history: list[StatusChangeView]
    allowed_next: list[TicketStatus]
    assigned_staff_name: str | None


class StatusChangeRequest(BaseModel):
    to: TicketStatus
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class AcknowledgeRequest(BaseModel):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
