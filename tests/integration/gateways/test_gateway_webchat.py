"""Web chat: the neutral page and the JSON endpoint, against a fake Rasa and real Redis."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from integrations.rasa_client import RasaClient
from integrations.webchat import WebChatGateway
from lapor_aman.config import Settings
from tests.fakes import FakeRasa

from .conftest import FAST_OPTIONS

pytestmark = pytest.mark.integration

EMERGENCY_NUMBERS = ("112", "110", "119", "129")


@pytest.fixture
async def client(
    settings: Settings,
    redis: Redis,
    session_factory: sessionmaker[Session],
    rasa: RasaClient,
    serve: Callable[..., Any],
) -> AsyncIterator[httpx.AsyncClient]:
    gateway = WebChatGateway(
        settings,
        redis,
        session_factory,
        rasa,
        options=replace(FAST_OPTIONS, rate_limit_per_minute=3),
        exit_url="https://www.example.org/cuaca",
    )
    served = await serve(gateway.router)
    await gateway.start()
    async with httpx.AsyncClient(base_url=served.url, timeout=10.0) as http:
        yield http
    await gateway.stop()


def token() -> str:
    return secrets.token_urlsafe(18)


async def test_the_page_is_neutral_self_contained_and_has_a_quick_exit(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/chat")

    assert page.status_code == 200
    assert "<title>Catatan</title>" in page.text
    assert "Keluar cepat" in page.text and "Quick exit" in page.text
    assert 'data-exit-url="https://www.example.org/cuaca"' in page.text
    # No request may leave this server: every src/href is local (or an inline data: URL).
    references = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert references and all(ref.startswith(("/chat/", "data:")) for ref in references)
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    script = await client.get("/chat/app.js")
    assert script.status_code == 200
    assert "location.replace" in script.text and "sessionStorage.clear" in script.text
    assert "http" not in script.text.replace("https://", "")  # no external endpoint in the script
    assert (await client.get("/chat/app.css")).status_code == 200


async def test_a_message_is_answered_with_buttons(
    client: httpx.AsyncClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = lambda sender, message, metadata: [
        {
            "recipient_id": sender,
            "text": "Apakah aman?",
            "buttons": [{"title": "Ya", "payload": "/affirm"}],
        },
        {"recipient_id": sender, "image": "https://example.org/x.png"},
    ]
    session = token()

    response = await client.post(
        "/api/v1/chat/messages",
        json={"session_id": session, "client_message_id": token(), "text": "/greet"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "messages": [
            {
                "text": "Apakah aman?",
                "buttons": [{"title": "Ya", "payload": "/affirm"}],
                "erase_chat": False,
            }
        ]
    }
    [call] = fake_rasa.calls()
    assert call.sender.startswith("web:") and session not in call.sender


async def test_a_retried_request_gets_the_same_answer_without_a_second_turn(
    client: httpx.AsyncClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.delays = {"halo": 0.3}
    body = {"session_id": token(), "client_message_id": token(), "text": "halo"}

    first, retried = await asyncio.gather(
        client.post("/api/v1/chat/messages", json=body),
        client.post("/api/v1/chat/messages", json=body),
    )
    later = await client.post("/api/v1/chat/messages", json=body)

    assert first.json() == retried.json() == later.json()
    assert fake_rasa.messages() == ["halo"]


async def test_erase_chat_reaches_the_page(client: httpx.AsyncClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.responder = lambda sender, message, metadata: [
        {"recipient_id": sender, "custom": {"erase_chat": True}},
        {"recipient_id": sender, "text": "Sampai jumpa."},
    ]
    response = await client.post(
        "/api/v1/chat/messages",
        json={"session_id": token(), "client_message_id": token(), "text": "stop"},
    )

    assert [m["erase_chat"] for m in response.json()["messages"]] == [True, False]


async def test_over_the_rate_limit_the_page_shows_a_notice(
    client: httpx.AsyncClient, fake_rasa: FakeRasa
) -> None:
    session = token()
    answers = []
    for number in range(4):
        body = {"session_id": session, "client_message_id": token(), "text": f"pesan {number}"}
        answers.append((await client.post("/api/v1/chat/messages", json=body)).json())

    assert fake_rasa.messages() == ["pesan 0", "pesan 1", "pesan 2"]
    notice = answers[3]["messages"][0]["text"]
    assert "terlalu cepat" in notice and all(number in notice for number in EMERGENCY_NUMBERS)


async def test_when_rasa_is_down_the_answer_is_the_apology_and_a_retry_is_not_cached(
    client: httpx.AsyncClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.down()
    body = {"session_id": token(), "client_message_id": token(), "text": "tolong"}

    down = await client.post("/api/v1/chat/messages", json=body)
    fake_rasa.up()
    retried = await client.post("/api/v1/chat/messages", json=body)

    assert down.status_code == 200
    assert all(number in down.json()["messages"][0]["text"] for number in EMERGENCY_NUMBERS)
    assert retried.json()["messages"][0]["text"] == "echo: tolong"


async def test_an_empty_answer_becomes_the_didnt_catch_that_text(
    client: httpx.AsyncClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = lambda sender, message, metadata: []
    body = {"session_id": token(), "client_message_id": token(), "text": "???"}

    text = (await client.post("/api/v1/chat/messages", json=body)).json()["messages"][0]["text"]

    assert "belum menangkap" in text and all(number in text for number in EMERGENCY_NUMBERS)


@pytest.mark.parametrize(
    "body",
    [
        {"session_id": "short", "client_message_id": "a" * 20, "text": "halo"},
        {"session_id": "a" * 20, "client_message_id": "../../etc", "text": "halo"},
        {"session_id": "a" * 20, "client_message_id": "b" * 20, "text": "   "},
        {"session_id": "a" * 20, "client_message_id": "b" * 20, "text": "x" * 2001},
    ],
)
async def test_malformed_requests_are_refused(
    client: httpx.AsyncClient, fake_rasa: FakeRasa, body: dict[str, str]
) -> None:
    response = await client.post("/api/v1/chat/messages", json=body)

    assert response.status_code == 422
    assert fake_rasa.calls() == []
