"""Request dependencies: the bridge context, the caller, and their permissions.

Missing or unknown token: 401. Known caller without the right: 403.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from integrations.bridge.context import BridgeContext
from integrations.bridge.staff.auth import Caller, CallerKind, identify
from lapor_aman.storage.staff import StaffRole

CONTEXT_STATE_KEY = "lapor_bridge"
bearer = HTTPBearer(auto_error=False, description="Staff API token, internal token or admin token.")


def context_binder(context: BridgeContext) -> Callable[[Request], None]:
    """A router-level dependency that hands ``context`` to the request's other dependencies."""

    def bind(request: Request) -> None:
        setattr(request.state, CONTEXT_STATE_KEY, context)

    return bind


def get_context(request: Request) -> BridgeContext:
    context: BridgeContext = getattr(request.state, CONTEXT_STATE_KEY)
    return context


ContextDep = Annotated[BridgeContext, Depends(get_context)]


def unauthorized() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail="missing or invalid token",
        headers={"WWW-Authenticate": "Bearer"},
    )


def forbidden(detail: str = "not allowed for this caller") -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail=detail)


async def _caller_for(context: BridgeContext, token: str | None) -> Caller:
    if not token:
        raise unauthorized()
    caller = await asyncio.to_thread(identify, context, token)
    if caller is None:
        raise unauthorized()
    return caller


async def current_caller(
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    return await _caller_for(context, credentials.credentials if credentials else None)


async def internal_caller(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
    if caller.kind is not CallerKind.INTERNAL:
        raise forbidden("only the action server may call this")
    return caller


async def staff_caller(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
    if caller.kind is CallerKind.INTERNAL:
        raise forbidden("the internal token cannot read or change tickets")
    return caller


def require_roles(*roles: StaffRole) -> Callable[[Caller], Coroutine[Any, Any, Caller]]:
    async def check(caller: Annotated[Caller, Depends(staff_caller)]) -> Caller:
        if caller.role not in roles:
            raise forbidden(f"needs role {' or '.join(r.value for r in roles)}")
        return caller

    return check


async def stream_caller(
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    access_token: Annotated[
        str | None, Query(description="Staff token, for clients that cannot set headers.")
    ] = None,
) -> Caller:
    """Like the staff check, but also accepts ``?access_token=`` (browser EventSource)."""
    caller = await _caller_for(context, credentials.credentials if credentials else access_token)
    if caller.kind is CallerKind.INTERNAL:
        raise forbidden("the internal token cannot read tickets")
    return caller


InternalCaller = Annotated[Caller, Depends(internal_caller)]
StaffCaller = Annotated[Caller, Depends(staff_caller)]
AdminCaller = Annotated[Caller, Depends(require_roles(StaffRole.ADMIN))]
ManagerCaller = Annotated[Caller, Depends(require_roles(StaffRole.ADMIN, StaffRole.SUPERVISOR))]
StreamCaller = Annotated[Caller, Depends(stream_caller)]
