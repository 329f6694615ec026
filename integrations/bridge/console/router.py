"""Serves the console page and its two assets, and the label catalogue it displays."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from lapor_aman.labels import catalogue

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
ASSETS: Final = {
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}
# The page loads nothing from elsewhere and may not be framed; the token never leaves this origin.
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["console"])


@router.get("/console", include_in_schema=False)
async def console_page() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS
    )


@router.get("/console/{asset}", include_in_schema=False)
async def console_asset(asset: str) -> FileResponse:
    if asset not in ASSETS:
        raise HTTPException(404)
    return FileResponse(STATIC_DIR / asset, media_type=ASSETS[asset], headers=SECURITY_HEADERS)


@router.get(
    "/api/v1/labels",
    tags=["labels"],
    summary="Indonesian and English labels of every coded value (lapor_aman/data/labels.yml)",
)
async def labels() -> dict[str, Any]:
    return catalogue()
