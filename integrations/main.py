"""The ASGI app: the bridge API and staff console, and the three channel gateways, in one process.

Each part is built from the one Settings object and shares the SQL engine, the Redis client and
the Rasa client; background workers start and stop with the app's lifespan.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from redis.asyncio import Redis

from integrations.bridge import Bridge
from integrations.rasa_client import RasaClient
from integrations.telegram import TelegramGateway
from integrations.webchat import WebChatGateway
from integrations.whatsapp import WhatsAppGateway
from lapor_aman.config import Settings, get_settings
from lapor_aman.storage.db import make_engine, make_session_factory
from lapor_aman.tickets.schema import Ticket

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    redis: Redis = Redis.from_url(settings.redis_url)
    rasa = RasaClient(settings.rasa_url)
    bridge = Bridge(settings, session_factory, redis)
    gateways: list[Any] = [
        TelegramGateway(settings, redis, session_factory, rasa),
        WhatsAppGateway(settings, redis, session_factory, rasa),
        WebChatGateway(settings, redis, session_factory, rasa),
    ]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await bridge.start()
        for gateway in gateways:
            await gateway.start()
        try:
            yield
        finally:
            for gateway in reversed(gateways):
                await gateway.stop()
            await bridge.stop()
            await rasa.aclose()
            await redis.aclose()
            engine.dispose()

    app = FastAPI(
        title="Lapor Aman bridge",
        version="0.1.0",
        summary="After-hours intake for violence-against-women-and-children hotlines: tickets for case managers.",
        lifespan=lifespan,
    )
    for router in bridge.routers:
        app.include_router(router)
    for gateway in gateways:
        app.include_router(gateway.router)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/chat")

    _publish_ticket_schema(app)
    return app


def _publish_ticket_schema(app: FastAPI) -> None:
    """The ticket contract appears in OpenAPI even where a route returns a narrower view."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        definitions = Ticket.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in definitions.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("Ticket", definitions)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


app = create_app()
