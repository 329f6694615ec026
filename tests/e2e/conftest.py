"""End-to-end fixtures: the real stack (Rasa engine, action server, bridge with its gateways)
started as separate processes on free loopback ports, against real Redis (own db and prefix) and
a fresh SQLite database, with a fake Telegram Bot API and a fake WhatsApp Graph API on loopback.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.fakes import FakeGraphAPI, FakeTelegramBotAPI

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from stack import Stack, free_port  # noqa: E402

E2E_REDIS_URL = "redis://127.0.0.1:6379/12"
REFERENCE = re.compile(r"\bLA-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")


@dataclass
class RunningStack:
    bridge_url: str
    rasa_url: str
    admin_token: str
    telegram: FakeTelegramBotAPI
    telegram_secret: str
    whatsapp: FakeGraphAPI
    whatsapp_app_secret: str
    redis_prefix: str
    database_path: Path

    def chat(self, session_id: str, text: str) -> list[dict[str, Any]]:
        """One web chat turn; returns the bot messages."""
        response = httpx.post(
            f"{self.bridge_url}/api/v1/chat/messages",
            json={"session_id": session_id, "client_message_id": uuid.uuid4().hex, "text": text},
            timeout=60,
        )
        response.raise_for_status()
        return list(response.json()["messages"])

    def rasa_turn(self, sender: str, message: str) -> list[dict[str, Any]]:
        """One turn on Rasa's own REST channel, with no gateway in between."""
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=120,
        )
        response.raise_for_status()
        return list(response.json())

    def staff_get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(
            f"{self.bridge_url}{path}",
            params=params,
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=30,
        )

    def ticket(self, reference: str) -> dict[str, Any]:
        """The full ticket (the contract), as a case manager reads it."""
        response = self.staff_get(f"/api/v1/tickets/{reference}")
        response.raise_for_status()
        return dict(response.json()["ticket"])


def _model_path() -> Path:
    # For iterating on tests against an already trained model; CI always uses the cached/trained one.
    if os.environ.get("LAPOR_E2E_MODEL"):
        return Path(os.environ["LAPOR_E2E_MODEL"])
    out = subprocess.run(
        [str(ROOT / "scripts" / "train.sh")], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return ROOT / out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    if not (ROOT / ".venv" / "engine" / "bin" / "rasa").exists():
        pytest.fail("engine environment missing: run `make install` (make test does it)")
    model = _model_path()
    tmp = tmp_path_factory.mktemp("e2e")
    prefix = f"e2e{secrets.token_hex(4)}"
    admin_token = secrets.token_urlsafe(24)
    telegram_secret = secrets.token_urlsafe(16)
    whatsapp_app_secret = secrets.token_hex(16)
    telegram = FakeTelegramBotAPI().start()
    whatsapp = FakeGraphAPI().start()
    database_path = tmp / "lapor.db"
    env = {
        "DATABASE_URL": f"sqlite:///{database_path}",
        "REDIS_URL": E2E_REDIS_URL,
        "LAPOR_REDIS_PREFIX": f"{prefix}:",
        "LAPOR_ADMIN_TOKEN": admin_token,
        "LAPOR_INTERNAL_TOKEN": secrets.token_urlsafe(24),
        # The tests answer instantly; a person cannot type 30 messages a minute.
        "LAPOR_GATEWAY_RATE_LIMIT_PER_MINUTE": "100000",
        "LAPOR_SENDER_ID_SECRET": secrets.token_urlsafe(24),
        "LAPOR_DATA_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "LAPOR_TELEGRAM_BOT_TOKEN": telegram.token,
        "LAPOR_TELEGRAM_API_BASE_URL": telegram.base_url,
        "LAPOR_TELEGRAM_API_FILE_URL": telegram.base_file_url,
        "LAPOR_TELEGRAM_WEBHOOK_SECRET": telegram_secret,
        "LAPOR_WHATSAPP_ACCESS_TOKEN": whatsapp.access_token,
        "LAPOR_WHATSAPP_APP_SECRET": whatsapp_app_secret,
        "LAPOR_WHATSAPP_VERIFY_TOKEN": "e2e-verify",
        "LAPOR_WHATSAPP_PHONE_NUMBER_ID": whatsapp.phone_number_id,
        "LAPOR_WHATSAPP_GRAPH_BASE_URL": whatsapp.graph_base_url,
    }
    running = Stack(
        model=model,
        rasa_port=free_port(),
        actions_port=free_port(),
        bridge_port=free_port(),
        env_overrides=env,
        log_dir=tmp / "logs",
    )
    try:
        running.start(timeout=240)
    except Exception:
        for log in sorted((tmp / "logs").glob("*.log")):
            sys.stderr.write(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}\n")
        telegram.stop()
        whatsapp.stop()
        raise
    try:
        yield RunningStack(
            bridge_url=f"http://127.0.0.1:{running.bridge_port}",
            rasa_url=f"http://127.0.0.1:{running.rasa_port}",
            admin_token=admin_token,
            telegram=telegram,
            telegram_secret=telegram_secret,
            whatsapp=whatsapp,
            whatsapp_app_secret=whatsapp_app_secret,
            redis_prefix=prefix,
            database_path=database_path,
        )
    finally:
        running.stop()
        telegram.stop()
        whatsapp.stop()
        client = redis.Redis.from_url(E2E_REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}*", count=500):
            client.delete(key)
        client.close()
        if os.environ.get("LAPOR_E2E_KEEP_LOGS"):
            sys.stderr.write(f"e2e logs kept in {tmp / 'logs'}\n")
