"""Telegram gateway against the fake Bot API, a fake Rasa, real Redis and SQLite."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from integrations.gateway.keys import GatewayKeys
from integrations.gateway.options import GatewayOptions
from integrations.gateway.queue import GROUP
from integrations.rasa_client import RasaClient
from integrations.telegram import TelegramGateway
from lapor_aman.config import Settings
from lapor_aman.storage.inbox import InboxStatus
from tests.fakes import FakeRasa, FakeTelegramBotAPI
from tests.fakes.telegram_bot_api import send_update

from .conftest import FAST_OPTIONS, TELEGRAM_SECRET, flush_prefix
from .helpers import eventually, inbox_rows

pytestmark = pytest.mark.integration

CHAT = 700_000_001
OTHER_CHAT = 700_000_002
EMERGENCY_NUMBERS = ("112", "110", "119", "129")
LONG_PAYLOAD = '/inform{"contact_channel":"sms","safe_times":"weekdays after 20:00 only"}'

MakeGateway = Callable[..., TelegramGateway]


@pytest.fixture
async def make_gateway(
    settings: Settings,
    redis: Redis,
    session_factory: sessionmaker[Session],
    rasa: RasaClient,
) -> AsyncIterator[MakeGateway]:
    made: list[TelegramGateway] = []

    def make(options: GatewayOptions = FAST_OPTIONS, **settings_changes: Any) -> TelegramGateway:
        chosen = settings.model_copy(update=settings_changes) if settings_changes else settings
        gateway = TelegramGateway(chosen, redis, session_factory, rasa, options=options)
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        await gateway.stop()


@pytest.fixture
async def running(
    make_gateway: MakeGateway, serve: Callable[..., Any]
) -> tuple[TelegramGateway, str]:
    gateway = make_gateway()
    served = await serve(gateway.router)
    await gateway.start()
    return gateway, served.url


async def post(url: str, update: dict[str, Any]) -> httpx.Response:
    return await send_update(url, update, TELEGRAM_SECRET)


async def test_webhook_rejects_a_wrong_or_missing_secret(
    make_gateway: MakeGateway,
    serve: Callable[..., Any],
    fake_telegram: FakeTelegramBotAPI,
    session_factory: sessionmaker[Session],
) -> None:
    served = await serve(make_gateway().router)
    update = fake_telegram.text_update(CHAT, "halo")

    wrong = await send_update(served.url, update, "not-the-secret")
    missing = await send_update(served.url, update, None)

    assert (wrong.status_code, missing.status_code) == (403, 403)
    assert inbox_rows(session_factory) == []


async def test_text_is_answered_and_erased_from_the_inbox(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
    session_factory: sessionmaker[Session],
) -> None:
    _, url = running
    response = await post(url, fake_telegram.text_update(CHAT, "saya butuh bantuan"))

    assert response.status_code == 200
    await eventually(lambda: fake_telegram.sent_texts(CHAT) == ["echo: saya butuh bantuan"])
    [call] = fake_rasa.calls()
    assert call.sender.startswith("tg:") and str(CHAT) not in call.sender
    assert call.metadata["channel"] == "telegram"
    await eventually(lambda: inbox_rows(session_factory)[0].status == InboxStatus.DONE.value)
    [row] = inbox_rows(session_factory)
    assert (row.text, row.routing, row.outbox) == (None, None, None)
    assert row.sender_key == call.sender and row.processed_at is not None


async def test_a_redelivered_update_is_processed_once(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
    session_factory: sessionmaker[Session],
) -> None:
    _, url = running
    update = fake_telegram.text_update(CHAT, "sekali saja")

    first = await post(url, update)
    concurrent = await asyncio.gather(*(post(url, update) for _ in range(3)))

    assert {first.status_code, *(r.status_code for r in concurrent)} == {200}
    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 1)
    await asyncio.sleep(0.5)
    assert fake_rasa.messages() == ["sekali saja"]
    assert len(inbox_rows(session_factory)) == 1


async def test_an_update_survives_a_crash_between_200_and_processing(
    make_gateway: MakeGateway,
    serve: Callable[..., Any],
    redis: Redis,
    settings: Settings,
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
    session_factory: sessionmaker[Session],
) -> None:
    # Gateway A answers the webhook but its workers never run (it "crashes" after the 200)...
    crashed = make_gateway()
    served = await serve(crashed.router)
    assert (
        await post(served.url, fake_telegram.text_update(CHAT, "jangan hilang"))
    ).status_code == 200
    # ...and a consumer of A had even read the entry without acknowledging it.
    stream = GatewayKeys(settings.redis_prefix, "telegram").stream
    await redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
    read = await redis.xreadgroup(GROUP, "dead-consumer", {stream: ">"}, count=10)
    assert read and fake_rasa.calls() == []
    assert inbox_rows(session_factory)[0].status == InboxStatus.PENDING.value

    restarted = make_gateway()
    await restarted.start()
    await eventually(lambda: fake_telegram.sent_texts(CHAT) == ["echo: jangan hilang"])
    await restarted.stop()
    again = make_gateway()
    await again.start()
    await asyncio.sleep(0.6)

    assert fake_rasa.messages() == ["jangan hilang"]
    assert fake_telegram.sent_texts(CHAT) == ["echo: jangan hilang"]
    assert inbox_rows(session_factory)[0].status == InboxStatus.DONE.value


async def test_a_redis_flush_while_a_message_is_pending_is_replayed_from_sql(
    running: tuple[TelegramGateway, str],
    redis: Redis,
    settings: Settings,
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
    session_factory: sessionmaker[Session],
) -> None:
    _, url = running
    fake_rasa.down()
    await post(url, fake_telegram.text_update(CHAT, "tolong"))
    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 1)  # the apology

    assert await flush_prefix(redis, settings.redis_prefix) > 0
    fake_rasa.up()

    await eventually(lambda: "echo: tolong" in fake_telegram.sent_texts(CHAT), timeout=8.0)
    await asyncio.sleep(0.5)
    assert fake_rasa.messages() == ["tolong"]
    assert fake_telegram.sent_texts(CHAT).count("echo: tolong") == 1
    assert inbox_rows(session_factory)[0].status == InboxStatus.DONE.value


async def test_buttons_map_to_inline_keyboards_and_back_to_payloads(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
) -> None:
    def script(sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        if message == "/greet":
            return [
                {
                    "recipient_id": sender,
                    "text": "Apakah sekarang aman?",
                    "buttons": [
                        {"title": "Ya, aman", "payload": "/affirm"},
                        {"title": "Hubungi lewat SMS", "payload": LONG_PAYLOAD},
                    ],
                }
            ]
        return [{"recipient_id": sender, "text": "Terima kasih."}]

    fake_rasa.responder = script
    _, url = running
    await post(url, fake_telegram.text_update(CHAT, "/start"))
    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 1)

    sent = fake_telegram.calls("sendMessage")[0].params
    buttons = [row[0] for row in sent["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in buttons] == ["Ya, aman", "Hubungi lewat SMS"]
    assert buttons[0]["callback_data"] == "/affirm"
    assert buttons[1]["callback_data"].startswith("k:")
    assert len(buttons[1]["callback_data"].encode()) <= 64

    await post(url, fake_telegram.callback_update(CHAT, buttons[1]["callback_data"]))
    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 2)

    assert fake_rasa.messages() == ["/greet", LONG_PAYLOAD]
    assert fake_rasa.calls()[1].metadata["message_kind"] == "button"
    assert [c.params["callback_query_id"] for c in fake_telegram.calls("answerCallbackQuery")] == [
        "cbq-1"
    ]
    keyboard_message = fake_telegram.calls("editMessageReplyMarkup")[0].params["message_id"]
    assert "reply_markup" not in fake_telegram.message(CHAT, keyboard_message)


async def test_a_button_whose_payload_expired_asks_the_user_to_type(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
) -> None:
    _, url = running
    await post(url, fake_telegram.text_update(CHAT, "halo"))
    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 1)
    fake_telegram._api_editMessageReplyMarkup(  # give the bot message a keyboard to press
        {
            "chat_id": CHAT,
            "message_id": 2,
            "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": "k:gone"}]]},
        }
    )

    await post(url, fake_telegram.callback_update(CHAT, "k:gone"))

    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 2)
    assert "Pilihan ini sudah tidak berlaku" in fake_telegram.sent_texts(CHAT)[1]
    assert fake_rasa.messages() == ["halo"]


async def test_media_is_forwarded_as_shared_media_without_downloading(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
    session_factory: sessionmaker[Session],
) -> None:
    _, url = running
    photo = fake_telegram.photo_update(CHAT, caption="ini buktinya", file_size=51_000)
    await post(url, photo)
    await post(url, fake_telegram.voice_update(CHAT))
    await post(url, fake_telegram.location_update(CHAT))

    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 4)
    assert fake_rasa.messages() == [
        '/shared_media{"media_type":"photo"}',
        "ini buktinya",
        '/shared_media{"media_type":"voice"}',
        '/shared_media{"media_type":"location"}',
    ]
    assert fake_telegram.calls("getFile") == [] and fake_telegram.calls("download") == []
    rows = inbox_rows(session_factory)
    largest = photo["message"]["photo"][-1]
    assert rows[0].media == {
        "media_type": "photo",
        "file_id": largest["file_id"],
        "file_unique_id": largest["file_unique_id"],
        "file_size": 51_000,
        "width": 1280,
        "height": 853,
    }
    assert rows[2].media is not None and rows[2].media["media_type"] == "voice"
    assert rows[3].media == {"media_type": "location"}  # never the coordinates


async def test_erase_chat_deletes_every_tracked_message(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
) -> None:
    def script(sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        if message == "/stop":
            return [
                {"recipient_id": sender, "text": "Percakapan dihapus."},
                {"recipient_id": sender, "custom": {"erase_chat": True}},
            ]
        return [{"recipient_id": sender, "text": "Saya mendengarkan."}]

    fake_rasa.responder = script
    _, url = running
    await post(url, fake_telegram.text_update(CHAT, "suami saya memukul saya"))
    await post(url, fake_telegram.text_update(CHAT, "dia masih di rumah"))
    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 2)

    await post(url, fake_telegram.text_update(CHAT, "/hapus"))

    await eventually(lambda: fake_telegram.visible_message_ids(CHAT) == set(), timeout=5.0)
    assert fake_rasa.messages()[-1] == "/stop"
    assert fake_telegram.deleted_message_ids(CHAT) == fake_telegram.message_ids(CHAT)
    assert len(fake_telegram.message_ids(CHAT)) == 6  # 3 from the user, 3 from the bot
    assert fake_telegram.calls("deleteMessages")


async def test_over_the_rate_limit_the_sender_is_told_not_ignored(
    make_gateway: MakeGateway,
    serve: Callable[..., Any],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
) -> None:
    gateway = make_gateway(replace(FAST_OPTIONS, rate_limit_per_minute=3))
    served = await serve(gateway.router)
    await gateway.start()

    for number in range(6):
        await post(served.url, fake_telegram.text_update(CHAT, f"pesan {number}"))

    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 4)
    await asyncio.sleep(0.3)
    texts = fake_telegram.sent_texts(CHAT)
    assert fake_rasa.messages() == ["pesan 0", "pesan 1", "pesan 2"]
    assert texts[:3] == ["echo: pesan 0", "echo: pesan 1", "echo: pesan 2"]
    assert "terlalu cepat" in texts[3] and "too fast" in texts[3]
    assert all(number in texts[3] for number in EMERGENCY_NUMBERS)


async def test_when_rasa_is_down_the_user_gets_the_apology_and_the_message_is_retried(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
    session_factory: sessionmaker[Session],
) -> None:
    _, url = running
    fake_rasa.down()
    await post(url, fake_telegram.text_update(CHAT, "saya takut"))

    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 1)
    apology = fake_telegram.sent_texts(CHAT)[0]
    assert all(number in apology for number in EMERGENCY_NUMBERS)
    assert "Maaf" in apology and "Sorry" in apology
    await eventually(lambda: inbox_rows(session_factory)[0].attempts == 1)
    row = inbox_rows(session_factory)[0]
    assert row.status == InboxStatus.PENDING.value and row.text == "saya takut"
    assert row.apology_sent and row.last_error == "rasa_http_503"

    fake_rasa.up()
    await eventually(lambda: "echo: saya takut" in fake_telegram.sent_texts(CHAT), timeout=5.0)
    assert len(fake_telegram.sent_texts(CHAT)) == 2  # one apology, one answer
    await eventually(lambda: inbox_rows(session_factory)[0].text is None)


async def test_an_empty_answer_never_leaves_the_user_with_nothing(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
) -> None:
    fake_rasa.responder = lambda sender, message, metadata: []
    _, url = running
    await post(url, fake_telegram.text_update(CHAT, "asdfgh"))

    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 1)
    text = fake_telegram.sent_texts(CHAT)[0]
    assert "belum menangkap" in text and "didn't catch" in text
    assert all(number in text for number in EMERGENCY_NUMBERS)


async def test_messages_of_one_chat_are_answered_in_order(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
) -> None:
    _, url = running
    # Earlier messages are slower, so any parallelism within a chat would reorder the answers.
    fake_rasa.delays = {f"m{n}": 0.05 * (5 - n) for n in range(5)}
    for number in range(5):
        await post(url, fake_telegram.text_update(CHAT, f"m{number}"))
        await post(url, fake_telegram.text_update(OTHER_CHAT, f"other {number}"))

    await eventually(lambda: len(fake_telegram.sent_texts(CHAT)) == 5, timeout=8.0)
    await eventually(lambda: len(fake_telegram.sent_texts(OTHER_CHAT)) == 5, timeout=8.0)
    expected = [f"m{n}" for n in range(5)]
    assert fake_telegram.sent_texts(CHAT) == [f"echo: {m}" for m in expected]
    sender = fake_rasa.calls()[0].sender
    assert fake_rasa.messages(sender) == expected


async def test_a_failed_send_is_retried_without_asking_rasa_again(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
) -> None:
    _, url = running
    fake_telegram.fail("sendMessage", times=1, status=502, description="Bad Gateway")
    await post(url, fake_telegram.text_update(CHAT, "coba lagi"))

    await eventually(lambda: fake_telegram.sent_texts(CHAT).count("echo: coba lagi") == 2)
    await asyncio.sleep(0.3)
    assert fake_rasa.messages() == ["coba lagi"]
    assert len(fake_telegram.sent_texts(CHAT)) == 2  # the failed attempt and the delivered one


async def test_start_registers_the_webhook_keeping_pending_updates(
    make_gateway: MakeGateway, fake_telegram: FakeTelegramBotAPI
) -> None:
    gateway = make_gateway(public_base_url="https://lapor.example.test/")
    await gateway.start()

    await eventually(lambda: bool(fake_telegram.webhook))
    webhook = fake_telegram.webhook
    assert webhook["url"] == "https://lapor.example.test/telegram/webhook"
    assert webhook["secret_token"] == TELEGRAM_SECRET
    assert webhook["allowed_updates"] == ["message", "callback_query"]
    assert webhook.get("drop_pending_updates", False) is False


async def test_logs_hold_no_message_text_and_no_chat_id(
    running: tuple[TelegramGateway, str],
    fake_telegram: FakeTelegramBotAPI,
    fake_rasa: FakeRasa,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_rasa.fail(times=2)  # exercise the retry and apology paths too
    _, url = running
    await post(url, fake_telegram.text_update(CHAT, "rahasia-sekali-xyz"))

    await eventually(lambda: any("echo" in t for t in fake_telegram.sent_texts(CHAT)), timeout=5.0)
    logged = json.dumps(
        [[r.getMessage(), {k: str(v) for k, v in r.__dict__.items()}] for r in caplog.records]
    )
    assert "rahasia-sekali-xyz" not in logged
    assert str(CHAT) not in logged
    assert fake_telegram.token not in logged
