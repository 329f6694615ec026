"""Staff endpoints: who am I, managing accounts and on-call duty, reading the audit log."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from integrations.bridge.context import BridgeContext
from integrations.bridge.deps import AdminCaller, ContextDep, ManagerCaller, StaffCaller
from integrations.bridge.staff.auth import Caller, CallerKind, can_see_unit, visible_units
from integrations.bridge.staff.schemas import (
    AuditView,
    StaffCreate,
    StaffCreated,
    StaffUpdate,
    StaffView,
    TokenIssued,
    staff_view,
)
from lapor_aman.storage import audit
from lapor_aman.storage.audit import AuditAction
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.staff import StaffAccount, StaffRepository, StaffRole
from lapor_aman.storage.tickets import TicketNotFound, TicketRepository

router = APIRouter(tags=["staff"])


def unit_name(context: BridgeContext, unit_id: str) -> str:
    unit = context.units.units.get(unit_id)
    return unit.name if unit else unit_id


def _view(context: BridgeContext, account: StaffAccount) -> StaffView:
    return staff_view(account, unit_name(context, account.unit_id))


@router.get("/api/v1/staff/me", response_model=StaffView, summary="The signed-in staff member")
async def me(context: ContextDep, caller: StaffCaller) -> StaffView:
    if caller.staff is None:
        national = context.units.national
        return StaffView(
            id=None,
            name="bootstrap admin",
            role=StaffRole.ADMIN,
            unit_id=national.id,
            unit_name=national.name,
            active=True,
            on_call=False,
            telegram_chat_id=None,
            bootstrap=True,
        )
    return _view(context, caller.staff)


@router.post(
    "/api/v1/staff",
    response_model=StaffCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create a staff account (admin); the token is returned once",
)
async def create_staff(body: StaffCreate, context: ContextDep, caller: AdminCaller) -> StaffCreated:
    if body.unit_id not in context.units.units:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"unknown unit {body.unit_id}"
        )

    def create() -> tuple[StaffAccount, str]:
        with session_scope(context.session_factory) as session:
            account, token = StaffRepository(session).create(
                body.name, body.role, body.unit_id, body.on_call, body.telegram_chat_id
            )
            audit.record(
                session,
                AuditAction.STAFF_CREATE,
                caller.actor_kind,
                staff_id=caller.staff_id,
                detail=f"staff:{account.id}",
            )
            return account, token

    account, token = await asyncio.to_thread(create)
    return StaffCreated(staff=_view(context, account), token=token)


@router.get(
    "/api/v1/staff", response_model=list[StaffView], summary="Staff of the units you oversee"
)
async def list_staff(context: ContextDep, caller: ManagerCaller) -> list[StaffView]:
    visible = visible_units(caller, context.units)

    def load() -> list[StaffAccount]:
        with session_scope(context.session_factory) as session:
            return StaffRepository(session).list_accounts()

    accounts = await asyncio.to_thread(load)
    return [_view(context, a) for a in accounts if visible is None or a.unit_id in visible]


@router.patch(
    "/api/v1/staff/{staff_id}",
    response_model=StaffView,
    summary="Change on-call duty, active flag, role or Telegram chat (admin; supervisor for their units)",
)
async def update_staff(
    staff_id: int, body: StaffUpdate, context: ContextDep, caller: ManagerCaller
) -> StaffView:
    if body.role is not None and caller.role is not StaffRole.ADMIN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only an admin changes roles")

    def update() -> StaffAccount | None:
        with session_scope(context.session_factory) as session:
            repository = StaffRepository(session)
            current = repository.get(staff_id)
            if current is None or not _may_manage(caller, current, context):
                return None
            account = repository.update(
                staff_id,
                on_call=body.on_call,
                active=body.active,
                telegram_chat_id=body.telegram_chat_id,
                role=body.role,
            )
            audit.record(
                session,
                AuditAction.STAFF_UPDATE,
                caller.actor_kind,
                staff_id=caller.staff_id,
                detail=f"staff:{staff_id}",
            )
            return account

    account = await asyncio.to_thread(update)
    if account is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such staff member for you")
    return _view(context, account)


@router.post(
    "/api/v1/staff/me/token",
    response_model=TokenIssued,
    summary="Replace your own token (the old one stops working)",
)
async def rotate_own_token(context: ContextDep, caller: StaffCaller) -> TokenIssued:
    if caller.kind is not CallerKind.STAFF or caller.staff_id is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="the bootstrap token is rotated in the settings"
        )
    staff_id = caller.staff_id

    def rotate() -> str | None:
        with session_scope(context.session_factory) as session:
            token = StaffRepository(session).rotate_token(staff_id)
            audit.record(
                session, AuditAction.STAFF_ROTATE_TOKEN, caller.actor_kind, staff_id=staff_id
            )
            return token

    token = await asyncio.to_thread(rotate)
    if token is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return TokenIssued(token=token)


@router.get("/api/v1/audit", response_model=list[AuditView], summary="Audit log, newest first")
async def audit_log(
    context: ContextDep,
    caller: ManagerCaller,
    reference: Annotated[str | None, Query(max_length=16)] = None,
    staff_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[AuditView]:
    visible = visible_units(caller, context.units)
    restricted = caller.role is not StaffRole.ADMIN and visible is not None
    if restricted and reference is None:
        # A supervisor of a regional unit reads the log of their own tickets, one at a time.
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="give a ticket reference")

    def load() -> list[audit.AuditRecord] | None:
        with session_scope(context.session_factory) as session:
            if restricted and reference is not None:
                try:
                    TicketRepository(session, context.cipher).summary(reference, visible)
                except TicketNotFound:
                    return None
            return audit.entries(session, reference, staff_id, limit, offset)

    entries = await asyncio.to_thread(load)
    if entries is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no ticket {reference} for you")
    return [AuditView(**vars(entry)) for entry in entries]


def _may_manage(caller: Caller, target: StaffAccount, context: BridgeContext) -> bool:
    if caller.role is StaffRole.ADMIN:
        return True
    return can_see_unit(caller, target.unit_id, context.units)
