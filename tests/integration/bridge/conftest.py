"""Fixtures for the bridge tests: real SQLite and PostgreSQL (migrated with Alembic), real Redis
(db 13, a unique key prefix per test), and the fake Telegram Bot API on loopback."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from integrations.bridge import Bridge
from integrations.bridge.oncall import TelegramNotifier
from lapor_aman.config import Settings
from lapor_aman.crypto import generate_key
from lapor_aman.storage.db import make_engine, make_session_factory, session_scope
from lapor_aman.storage.migrate import load_models, upgrade_to_head
from lapor_aman.storage.staff import StaffRepository, StaffRole
from tests.fakes import FakeTelegramBotAPI

pytestmark = pytest.mark.integration

REDIS_TEST_URL = "redis://127.0.0.1:6379/13"
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
INTERNAL_TOKEN = "test-internal-token-0123456789"
ADMIN_TOKEN = "test-admin-token-0123456789"
ENCRYPTION_KEY = generate_key()


def create_postgres_database(prefix: str) -> str:
    """A throwaway database on the local server; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_postgres_database(name: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_url(name: str) -> str:
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One migrated database per backend for the whole session (tables are emptied per test)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('bridge') / 'bridge.db'}"
        upgrade_to_head(url)
        yield url
        return
    name = create_postgres_database("lapor_bridge_test")
    try:
        url = postgres_url(name)
        upgrade_to_head(url)
        yield url
    finally:
        drop_postgres_database(name)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    factory = make_session_factory(engine)
    yield factory
    tables = [table.name for table in reversed(load_models().sorted_tables)]
    with session_scope(factory) as session:
        for table in tables:
            session.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegramBotAPI]:
    with FakeTelegramBotAPI() as fake:
        yield fake


@pytest.fixture
def telegram(fake_telegram: FakeTelegramBotAPI) -> FakeTelegramBotAPI:
    fake_telegram.reset()
    return fake_telegram


@pytest.fixture
def redis_prefix() -> str:
    return f"lapor-test-{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def redis(redis_prefix: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_TEST_URL, socket_timeout=5)
    yield client
    async for key in client.scan_iter(match=f"{redis_prefix}*"):
        await client.delete(key)
    await client.aclose()


@pytest.fixture
def settings(database_url: str, redis_prefix: str, fake_telegram: FakeTelegramBotAPI) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_TEST_URL,
        redis_prefix=redis_prefix,
        internal_token=SecretStr(INTERNAL_TOKEN),
        admin_token=SecretStr(ADMIN_TOKEN),
        data_encryption_key=SecretStr(ENCRYPTION_KEY),
        telegram_bot_token=SecretStr(fake_telegram.token),
        telegram_api_base_url=fake_telegram.base_url,
        public_base_url="https://lapor.example.test",
        default_unit_id="sapa129",
    )


@dataclass
class BridgeHarness:
    bridge: Bridge
    app: FastAPI
    client: httpx.AsyncClient
    session_factory: sessionmaker[Session]
    settings: Settings

    def staff(
        self,
        role: StaffRole = StaffRole.CASE_MANAGER,
        unit_id: str = "uptd-ppa-kota-samarinda",
        on_call: bool = False,
        chat_id: str | None = None,
        name: str = "Petugas Uji",
    ) -> tuple[int, dict[str, str]]:
        """A staff account and the headers that authenticate as it."""
        with session_scope(self.session_factory) as session:
            account, token = StaffRepository(session).create(name, role, unit_id, on_call, chat_id)
        return account.id, {"Authorization": f"Bearer {token}"}


def internal_headers(submission_id: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {INTERNAL_TOKEN}"}
    if submission_id:
        headers["Idempotency-Key"] = submission_id
    return headers


ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def build_app(bridge: Bridge) -> FastAPI:
    app = FastAPI(title="Lapor Aman bridge (test)")
    for router in bridge.routers:
        app.include_router(router)
    return app


@pytest.fixture
async def harness(
    settings: Settings,
    session_factory: sessionmaker[Session],
    redis: Redis,
    telegram: FakeTelegramBotAPI,
) -> AsyncIterator[BridgeHarness]:
    notifier = TelegramNotifier(
        telegram.token, telegram.base_url, attempts=3, backoff_seconds=0.05, timeout_seconds=5
    )
    bridge = Bridge(settings, session_factory, redis, notifier=notifier, migrate_on_start=False)
    app = build_app(bridge)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bridge.test") as client:
        yield BridgeHarness(bridge, app, client, session_factory, settings)
    await notifier.close()


# --- synthetic reports ----------------------------------------------------------------------

# Saturday 2025-03-15 22:40 WITA: outside office hours everywhere.
SATURDAY_NIGHT = datetime(2025, 3, 15, 14, 40, tzinfo=UTC)


def submission(
    conversation_id: str | None = None,
    *,
    city: tuple[str, str] | None = ("64.72", "Kota Samarinda"),
    signals: list[str] | None = None,
    violence: list[str] | None = None,
    narrative: str = "Saya dipukul suami tadi malam, sekarang saya di rumah tetangga.",
    reported_at: datetime = SATURDAY_NIGHT,
    consent_record: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """An IntakeSubmission body (synthetic data only)."""
    victim: dict[str, Any] = {"age": 29, "sex": "female"}
    if city is not None:
        victim["province"] = {"code": city[0][:2], "name": "Kalimantan Timur"}
        victim["city"] = {"code": city[0], "name": city[1]}
    body: dict[str, Any] = {
        "conversation_id": conversation_id or f"tg:{uuid.uuid4().hex}",
        "channel": "telegram",
        "language": "id",
        "reported_at": reported_at.isoformat(),
        "reporter": {"role": "victim", "name_or_alias": "Mawar"},
        "contact": {
            "allowed": True,
            "channel": "phone_call",
            "phone": "+62 812-0000-0042",
            "safe_times": [{"days": ["senin", "selasa"], "start": "09:00", "end": "11:00"}],
            "code_word": "melati",
            "shared_device": False,
        },
        "victim": victim,
        "incident": {
            "violence_types": violence or ["physical"],
            "perpetrator_relation": "partner",
            "perpetrator_lives_with_victim": True,
            "ongoing": True,
            "occurred": "last_72h",
            "location_type": "home",
        },
        "needs": ["medical", "shelter"],
        "narrative": narrative,
        "consent": {
            "record": consent_record,
            "contact": True,
            "text_version": "consent-v1",
            "given_at": reported_at.isoformat(),
        },
        "risk_signals": signals or [],
    }
    body.update(extra)
    return body


SubmitFn = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def submit(harness: BridgeHarness) -> SubmitFn:
    async def post(body: dict[str, Any], submission_id: str | None = None) -> httpx.Response:
        return await harness.client.post(
            "/api/v1/intake/tickets", json=body, headers=internal_headers(submission_id)
        )

    return post


@pytest.fixture
def tmp_sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.db'}"
