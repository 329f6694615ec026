"""The action server's client of the bridge API (the only way a ticket leaves the assistant)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from lapor_aman.config import get_settings
from lapor_aman.tickets.schema import IntakeSubmission

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.2, 0.8, 2.0)


class BridgeUnavailable(RuntimeError):
    """The bridge did not accept the request after retries; the caller tells the user."""


async def _post(
    path: str, payload: dict[str, Any], *, idempotency_key: str | None = None
) -> dict[str, Any]:
    settings = get_settings()
    headers = {"Authorization": f"Bearer {settings.internal_token.get_secret_value()}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    last_error: Exception | None = None
    async with httpx.AsyncClient(base_url=settings.bridge_url, timeout=10.0) as client:
        for delay in (0.0, *RETRY_DELAYS):
            if delay:
                await asyncio.sleep(delay)
            try:
                response = await client.post(path, json=payload, headers=headers)
            except httpx.HTTPError as error:
                last_error = error
                continue
            if response.status_code < 500:
                response.raise_for_status()
                return dict(response.json())
            last_error = httpx.HTTPStatusError(
                "bridge error", request=response.request, response=response
            )
    log.warning("bridge unavailable", extra={"path": path, "error": type(last_error).__name__})
    raise BridgeUnavailable(path) from last_error


async def submit_ticket(submission: IntakeSubmission, *, idempotency_key: str) -> dict[str, Any]:
    return await _post(
        "/api/v1/intake/tickets",
        submission.model_dump(mode="json"),
        idempotency_key=idempotency_key,
    )


async def raise_alert(payload: dict[str, Any]) -> dict[str, Any]:
    return await _post("/api/v1/intake/alerts", payload)


async def count_anonymous(payload: dict[str, Any]) -> dict[str, Any]:
    return await _post("/api/v1/intake/anonymous-counts", payload)
