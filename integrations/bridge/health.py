"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response, status
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from integrations.bridge.context import BridgeContext
from integrations.bridge.deps import ContextDep
from lapor_aman.storage.db import session_scope

router = APIRouter(tags=["health"])
PROBE_TIMEOUT_SECONDS = 2.0


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _database_ok(context: BridgeContext) -> bool:
    try:
        with session_scope(context.session_factory) as session:
            session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


async def _redis_ok(context: BridgeContext) -> bool:
    try:
        return bool(await asyncio.wait_for(context.redis.ping(), PROBE_TIMEOUT_SECONDS))
    except (RedisError, OSError, TimeoutError):
        return False


@router.get("/readyz", summary="Readiness: the database and Redis answer")
async def readyz(context: ContextDep, response: Response) -> dict[str, str]:
    database = await asyncio.to_thread(_database_ok, context)
    redis = await _redis_ok(context)
    ready = database and redis
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {
        "status": "ok" if ready else "unavailable",
        "database": "ok" if database else "unavailable",
        "redis": "ok" if redis else "unavailable",
    }
