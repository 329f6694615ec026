"""Staff ticket endpoints: the queue, a full ticket, acknowledging and moving it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response, status

from integrations.bridge.deps import ContextDep, StaffCaller
from integrations.bridge.tickets.schemas import (
    AcknowledgeRequest,
    StatusChangeRequest,
    TicketDetail,
    TicketPage,
)
from integrations.bridge.tickets.service import TicketService, reference_query
from lapor_aman.storage.audit import AuditAction
from lapor_aman.storage.tickets import TicketFilters, TicketNotFound, TransitionNotAllowed
from lapor_aman.tickets.schema import RiskLevel, TicketStatus

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])

ReferencePath = Annotated[str, Path(max_length=16, description="e.g. LA-7K3M-Q9XP")]
NO_STORE = {"Cache-Control": "no-store"}


def not_found(reference: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no ticket {reference} for you")


@router.get("", response_model=TicketPage, summary="The queue, most urgent first")
async def list_tickets(
    context: ContextDep,
    caller: StaffCaller,
    response: Response,
    status_: Annotated[list[TicketStatus] | None, Query(alias="status")] = None,
    risk_level: Annotated[list[RiskLevel] | None, Query()] = None,
    unit_id: Annotated[str | None, Query(max_length=64)] = None,
    outside_hours: Annotated[
        bool | None, Query(description="Received outside office hours.")
    ] = None,
    q: Annotated[str | None, Query(max_length=20, description="Part of a reference.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TicketPage:
    filters = TicketFilters(
        statuses=tuple(status_ or ()),
        risk_levels=tuple(risk_level or ()),
        unit_id=unit_id,
        received_outside_hours=outside_hours,
        reference_query=reference_query(q),
    )
    response.headers.update(NO_STORE)
    return await TicketService(context, caller).queue(filters, limit, offset)


@router.get("/{reference}", response_model=TicketDetail, summary="A full ticket (audited)")
async def get_ticket(
    reference: ReferencePath, context: ContextDep, caller: StaffCaller, response: Response
) -> TicketDetail:
    response.headers.update(NO_STORE)
    try:
        return await TicketService(context, caller).detail(reference)
    except TicketNotFound:
        raise not_found(reference) from None


@router.post(
    "/{reference}/status",
    response_model=TicketDetail,
    summary="Move a ticket to another status (allowed transitions only, else 409)",
    responses={409: {"description": "The transition is not allowed from the current status."}},
)
async def change_status(
    reference: ReferencePath,
    body: StatusChangeRequest,
    context: ContextDep,
    caller: StaffCaller,
    response: Response,
) -> TicketDetail:
    action = (
        AuditAction.TICKET_ACKNOWLEDGE
        if body.to is TicketStatus.ACKNOWLEDGED
        else AuditAction.TICKET_STATUS
    )
    return await _move(context, caller, response, reference, body.to, body.note, action)


@router.post(
    "/{reference}/acknowledge",
    response_model=TicketDetail,
    summary="Take a new ticket: new → acknowledged, assigned to the caller",
    responses={409: {"description": "The ticket is no longer new."}},
)
async def acknowledge(
    reference: ReferencePath,
    context: ContextDep,
    caller: StaffCaller,
    response: Response,
    body: AcknowledgeRequest | None = None,
) -> TicketDetail:
    note = body.note if body else None
    return await _move(
        context,
        caller,
        response,
        reference,
        TicketStatus.ACKNOWLEDGED,
        note,
        AuditAction.TICKET_ACKNOWLEDGE,
    )


async def _move(
    context: ContextDep,
    caller: StaffCaller,
    response: Response,
    reference: str,
    to: TicketStatus,
    note: str | None,
    action: AuditAction,
) -> TicketDetail:
    response.headers.update(NO_STORE)
    try:
        return await TicketService(context, caller).change_status(reference, to, note, action)
    except TicketNotFound:
        raise not_found(reference) from None
    except TransitionNotAllowed as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail={
                "message": str(error),
                "current": error.current.value,
                "requested": error.requested.value,
            },
        ) from None
