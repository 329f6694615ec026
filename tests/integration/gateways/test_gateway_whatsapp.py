"""WhatsApp gateway against the fake Graph API, a fake Rasa, real Redis and SQLite."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from integrations.rasa_client import RasaClient
from integrations.whatsapp import WhatsAppGateway
from lapor_aman.config import Settings
from lapor_aman.storage.inbox import InboxStatus
from tests.fakes import FakeGraphAPI, FakeRasa
from tests.fakes.graph_api import (
    button_reply,
    document_message,
    image_message,
    list_reply,
    location_message,
    send_webhook,
    status_update,
    text_message,
    voice_message,
    webhook_payload,
)

from .conftest import FAST_OPTIONS, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN
from .helpers import eventually, inbox_rows

pytestmark = pytest.mark.integration

WA_ID = "6281200001234"
EMERGENCY_NUMBERS = ("112", "110", "119", "129")


@pytest.fixture
async def gateway(
    settings: Settings,
    redis: Redis,
    session_factory: sessionmaker[Session],
    rasa: RasaClient,
) -> AsyncIterator[WhatsAppGateway]:
    gateway = WhatsAppGateway(settings, redis, session_factory, rasa, options=FAST_OPTIONS)
    yield gateway
    await gateway.stop()


@pytest.fixture
async def url(gateway: WhatsAppGateway, serve: Callable[..., Any]) -> str:
    served = await serve(gateway.router)
    await gateway.start()
    return str(served.url)


async def deliver(url: str, *messages: dict[str, Any]) -> httpx.Response:
    return await send_webhook(url, webhook_payload(messages), WHATSAPP_APP_SECRET)


def texts(fake_graph: FakeGraphAPI) -> list[str]:
    return [body["text"]["body"] for body in fake_graph.sent(WA_ID) if body["type"] == "text"]


def buttons_script(count: int) -> Callable[[str, str, dict[str, Any]], list[dict[str, Any]]]:
    def script(sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        if message != "pilih":
            return [{"recipient_id": sender, "text": f"echo: {message}"}]
        buttons = [
            {"title": f"Pilihan nomor {n} yang panjang", "payload": f'/inform{{"choice":"{n}"}}'}
            for n in range(1, count + 1)
        ]
        return [{"recipient_id": sender, "text": "Silakan pilih", "buttons": buttons}]

    return script


async def test_subscription_check_echoes_the_challenge_only_for_our_token(
    gateway: WhatsAppGateway, serve: Callable[..., Any]
) -> None:
    served = await serve(gateway.router)
    async with httpx.AsyncClient(base_url=served.url) as client:
        good = await client.get(
            "/whatsapp/webhook",
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": WHATSAPP_VERIFY_TOKEN,
                "hub.challenge": "1158201444",
            },
        )
        bad = await client.get(
            "/whatsapp/webhook",
            params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
        )

    assert (good.status_code, good.text) == (200, "1158201444")
    assert bad.status_code == 403


async def test_a_bad_or_missing_signature_is_rejected(
    url: str, session_factory: sessionmaker[Session], fake_rasa: FakeRasa
) -> None:
    payload = webhook_payload([text_message(WA_ID, "halo")])

    forged = await send_webhook(url, payload, "wrong-secret")
    unsigned = await send_webhook(url, payload, None)

    assert (forged.status_code, unsigned.status_code) == (403, 403)
    await asyncio.sleep(0.2)
    assert inbox_rows(session_factory) == [] and fake_rasa.calls() == []


async def test_text_is_answered_marked_read_and_pseudonymised(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa, session_factory: sessionmaker[Session]
) -> None:
    message = text_message(WA_ID, "saya perlu bantuan")
    assert (await deliver(url, message)).status_code == 200

    await eventually(lambda: texts(fake_graph) == ["echo: saya perlu bantuan"])
    [call] = fake_rasa.calls()
    assert call.sender.startswith("wa:") and WA_ID not in call.sender
    assert fake_graph.read_receipts() == [message["id"]]
    await eventually(lambda: inbox_rows(session_factory)[0].status == InboxStatus.DONE.value)
    row = inbox_rows(session_factory)[0]
    assert (row.text, row.routing) == (None, None)
    assert message["id"] not in row.dedup_key  # the wamid encodes the phone number


async def test_status_receipts_are_accepted_and_ignored(
    url: str, session_factory: sessionmaker[Session]
) -> None:
    payload = webhook_payload(
        statuses=[status_update(WA_ID, "delivered"), status_update(WA_ID, "read")]
    )

    response = await send_webhook(url, payload, WHATSAPP_APP_SECRET)

    assert response.status_code == 200
    assert inbox_rows(session_factory) == []


async def test_a_redelivered_message_is_processed_once(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa
) -> None:
    message = text_message(WA_ID, "sekali")

    responses = await asyncio.gather(*(deliver(url, message) for _ in range(3)))

    assert {r.status_code for r in responses} == {200}
    await eventually(lambda: len(texts(fake_graph)) == 1)
    await asyncio.sleep(0.4)
    assert fake_rasa.messages() == ["sekali"]


async def test_several_messages_in_one_notification_are_all_kept_in_order(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa
) -> None:
    await deliver(url, *(text_message(WA_ID, f"bagian {n}") for n in range(4)))

    await eventually(lambda: len(texts(fake_graph)) == 4)
    assert fake_rasa.messages() == [f"bagian {n}" for n in range(4)]
    assert texts(fake_graph) == [f"echo: bagian {n}" for n in range(4)]


async def test_up_to_three_choices_are_reply_buttons_and_come_back_as_payloads(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = buttons_script(3)
    await deliver(url, text_message(WA_ID, "pilih"))
    await eventually(lambda: len(fake_graph.sent(WA_ID)) == 1)

    interactive = fake_graph.sent(WA_ID)[0]["interactive"]
    assert interactive["type"] == "button"
    buttons = [b["reply"] for b in interactive["action"]["buttons"]]
    assert all(len(b["title"]) <= 20 for b in buttons)
    await deliver(url, button_reply(WA_ID, buttons[1]["id"], buttons[1]["title"]))

    await eventually(lambda: len(fake_rasa.messages()) == 2)
    assert fake_rasa.messages()[1] == '/inform{"choice":"2"}'


async def test_four_to_ten_choices_are_a_list(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = buttons_script(7)
    await deliver(url, text_message(WA_ID, "pilih"))
    await eventually(lambda: len(fake_graph.sent(WA_ID)) == 1)

    interactive = fake_graph.sent(WA_ID)[0]["interactive"]
    rows = interactive["action"]["sections"][0]["rows"]
    assert interactive["type"] == "list" and len(rows) == 7
    assert rows[0]["description"] == "Pilihan nomor 1 yang panjang"  # the full title stays readable
    await deliver(url, list_reply(WA_ID, rows[6]["id"], rows[6]["title"]))

    await eventually(lambda: len(fake_rasa.messages()) == 2)
    assert fake_rasa.messages()[1] == '/inform{"choice":"7"}'


async def test_more_than_ten_choices_are_numbered_and_a_number_picks_one(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = buttons_script(12)
    await deliver(url, text_message(WA_ID, "pilih"))
    await eventually(lambda: len(texts(fake_graph)) == 1)

    numbered = texts(fake_graph)[0]
    assert "1. Pilihan nomor 1 yang panjang" in numbered and "12. Pilihan nomor 12" in numbered
    await deliver(url, text_message(WA_ID, "11"))
    await eventually(lambda: len(fake_rasa.messages()) == 2)
    assert fake_rasa.messages()[1] == '/inform{"choice":"11"}'

    # Once the bot has said something else, "3" is just text again.
    await eventually(lambda: len(texts(fake_graph)) == 2)
    await deliver(url, text_message(WA_ID, "3"))
    await eventually(lambda: len(fake_rasa.messages()) == 3)
    assert fake_rasa.messages()[2] == "3"


async def test_media_is_forwarded_as_shared_media(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa, session_factory: sessionmaker[Session]
) -> None:
    image = image_message(WA_ID, caption="foto luka")
    await deliver(
        url, image, voice_message(WA_ID), document_message(WA_ID), location_message(WA_ID)
    )

    await eventually(lambda: len(fake_rasa.messages()) == 5)
    assert fake_rasa.messages() == [
        '/shared_media{"media_type":"photo"}',
        "foto luka",
        '/shared_media{"media_type":"voice"}',
        '/shared_media{"media_type":"document"}',
        '/shared_media{"media_type":"location"}',
    ]
    rows = inbox_rows(session_factory)
    assert rows[0].media == {
        "media_type": "photo",
        "file_id": image["image"]["id"],
        "mime_type": "image/jpeg",
    }
    assert rows[4].media == {"media_type": "location"}


async def test_erase_chat_sends_instructions_because_whatsapp_cannot_delete(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = lambda sender, message, metadata: [
        {"recipient_id": sender, "custom": {"erase_chat": True}}
    ]
    await deliver(url, text_message(WA_ID, "stop"))

    await eventually(lambda: len(texts(fake_graph)) == 1)
    assert "Hapus chat" in texts(fake_graph)[0] and "Delete chat" in texts(fake_graph)[0]


async def test_nothing_is_sent_outside_the_24_hour_window(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa, session_factory: sessionmaker[Session]
) -> None:
    old = int(time.time()) - 25 * 3600
    await deliver(url, text_message(WA_ID, "pesan lama", timestamp=old))

    await eventually(
        lambda: (
            bool(inbox_rows(session_factory))
            and inbox_rows(session_factory)[0].status == InboxStatus.DONE.value
        )
    )
    assert fake_rasa.messages() == ["pesan lama"]
    assert fake_graph.sent(WA_ID) == []


async def test_when_rasa_is_down_the_user_gets_the_apology(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa
) -> None:
    fake_rasa.down()
    await deliver(url, text_message(WA_ID, "tolong saya"))

    await eventually(lambda: len(texts(fake_graph)) == 1)
    assert all(number in texts(fake_graph)[0] for number in EMERGENCY_NUMBERS)
    fake_rasa.up()
    await eventually(lambda: "echo: tolong saya" in texts(fake_graph), timeout=5.0)


async def test_a_graph_outage_is_retried_without_asking_rasa_again(
    url: str, fake_graph: FakeGraphAPI, fake_rasa: FakeRasa
) -> None:
    fake_graph.fail(times=2, status=503)  # the read receipt, then the first send
    await deliver(url, text_message(WA_ID, "halo"))

    await eventually(lambda: texts(fake_graph) == ["echo: halo"], timeout=5.0)
    assert fake_rasa.messages() == ["halo"]
    assert [call.status for call in fake_graph.calls()] == [503, 503, 200]
