"""Fixtures for the channel gateway tests: real Redis (own db and prefix), SQLite temp file,
fake Telegram / Graph / Rasa servers on loopback, and the gateway served by uvicorn."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import APIRouter, FastAPI
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from integrations.gateway.options import GatewayOptions
from integrations.rasa_client import RasaClient, RetryPolicy
from lapor_aman.config import Settings
from lapor_aman.storage.db import make_engine, make_session_factory
from lapor_aman.storage.inbox import InboxMessage
from tests.fakes import FakeGraphAPI, FakeRasa, FakeTelegramBotAPI

from .helpers import eventually

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"
TELEGRAM_SECRET = "test-webhook-secret_0123456789"
WHATSAPP_APP_SECRET = "test-app-secret-abcdef"
WHATSAPP_VERIFY_TOKEN = "test-verify-token"

pytestmark = pytest.mark.integration

# Fast timings so retries and recovery happen within a test's few seconds.
FAST_OPTIONS = GatewayOptions(
    worker_concurrency=4,
    rate_limit_per_minute=20,
    rate_notice_interval_seconds=10.0,
    requeue_after_seconds=0.5,
    reconcile_interval_seconds=0.2,
    claim_idle_ms=100,
    retry_base_seconds=0.2,
    retry_max_seconds=0.5,
    read_block_ms=50,
    sender_lock_seconds=10.0,
    stop_grace_seconds=3.0,
)


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegramBotAPI]:
    with FakeTelegramBotAPI() as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_graph() -> Iterator[FakeGraphAPI]:
    with FakeGraphAPI() as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_rasa() -> Iterator[FakeRasa]:
    with FakeRasa() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _fresh_fakes(
    fake_telegram: FakeTelegramBotAPI, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa
) -> None:
    fake_telegram.reset()
    fake_graph.reset()
    fake_rasa.reset()


@pytest.fixture
def redis_prefix() -> str:
    return f"test-gw-{uuid.uuid4().hex[:10]}:"


@pytest.fixture
async def redis(redis_prefix: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_TEST_URL)
    yield client
    await flush_prefix(client, redis_prefix)
    await client.aclose()


async def flush_prefix(client: Redis, prefix: str) -> int:
    """Delete only this test's keys (the "Redis flush" of the recovery tests)."""
    keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
    if keys:
        await client.delete(*keys)
    return len(keys)


@pytest.fixture
def session_factory(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'gateways.db'}")
    InboxMessage.metadata.create_all(engine, tables=[InboxMessage.__table__])  # type: ignore[list-item]
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def settings(
    redis_prefix: str,
    fake_telegram: FakeTelegramBotAPI,
    fake_graph: FakeGraphAPI,
    fake_rasa: FakeRasa,
) -> Settings:
    return Settings(
        redis_prefix=redis_prefix,
        rasa_url=fake_rasa.url,
        public_base_url="",
        internal_token=SecretStr("test-internal-token"),
        telegram_bot_token=SecretStr(fake_telegram.token),
        telegram_api_base_url=fake_telegram.base_url,
        telegram_api_file_url=fake_telegram.base_file_url,
        telegram_webhook_secret=SecretStr(TELEGRAM_SECRET),
        whatsapp_access_token=SecretStr(fake_graph.access_token),
        whatsapp_app_secret=SecretStr(WHATSAPP_APP_SECRET),
        whatsapp_verify_token=SecretStr(WHATSAPP_VERIFY_TOKEN),
        whatsapp_phone_number_id=fake_graph.phone_number_id,
        whatsapp_graph_base_url=fake_graph.graph_base_url,
    )


@pytest.fixture
async def rasa(fake_rasa: FakeRasa) -> AsyncIterator[RasaClient]:
    client = RasaClient(fake_rasa.url, retry=RetryPolicy(attempts=2, backoff_seconds=0.05))
    yield client
    await client.aclose()


@dataclass
class ServedApp:
    url: str


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Awaitable[ServedApp]]]:
    """Serve routers with uvicorn on 127.0.0.1 in the test's event loop."""
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []

    async def start(*routers: APIRouter) -> ServedApp:
        app = FastAPI()
        for router in routers:
            app.include_router(router)
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", access_log=False, lifespan="off"
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        servers.append((server, task))
        await eventually(lambda: server.started, timeout=5.0)
        port = server.servers[0].sockets[0].getsockname()[1]
        return ServedApp(url=f"http://127.0.0.1:{port}")

    yield start
    for server, task in servers:
        # The test is over: no need to wait for idle keep-alive connections.
        server.should_exit = server.force_exit = True
        await asyncio.wait_for(task, timeout=5.0)
