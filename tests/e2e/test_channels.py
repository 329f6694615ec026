"""End to end through each channel's real wire protocol: Telegram updates with the webhook secret
(fake Bot API on loopback), WhatsApp webhooks signed like Meta (fake Graph API on loopback), and
the web chat endpoint. Each conversation ends with a ticket found through the staff API.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import REFERENCE, RunningStack
from tests.fakes.graph_api import text_message, webhook_payload

pytestmark = pytest.mark.e2e

# A short complete intake: the opener already says what happened and who did it (and is not an
# emergency: nobody is in danger right now), so the triage is the plain "violence reported" level.
INTAKE = [
    "saya mau lapor, suami saya sering mukul saya",
    "iya aman",
    "tidak",
    "boleh",
    "29",
    "perempuan",
    "Balikpapan",
    "masih serumah",
    "kemarin malam",
    "di rumah",
    "tidak",
    "lewati",
    "konseling",
    "lewati",
    "tidak",
    "tidak",
    "ya",
]


async def wait_for_replies(count_replies: Any, before: int, timeout: float = 60.0) -> int:
    """Waits until the bot has sent something new and then stays quiet for a moment."""
    deadline = time.monotonic() + timeout
    seen = before
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        now_count = count_replies()
        if now_count != seen:
            seen, quiet_since = now_count, time.monotonic()
        elif seen > before and time.monotonic() - quiet_since > 0.6:
            return seen
        await asyncio.sleep(0.1)
    raise AssertionError(f"no reply within {timeout}s (had {before}, now {seen})")


def assert_ticket(stack: RunningStack, texts: list[str], channel: str) -> dict[str, Any]:
    references = REFERENCE.findall("\n".join(texts))
    assert references, "\n".join(texts[-6:])
    ticket = stack.ticket(references[-1])
    assert ticket["channel"] == channel
    assert ticket["incident"]["perpetrator_relation"] == "partner"
    assert "physical" in ticket["incident"]["violence_types"]
    assert ticket["victim"]["city"]["code"] == "64.71"  # Kota Balikpapan
    assert ticket["routing"]["unit_id"]
    listed = stack.staff_get("/api/v1/tickets", q=references[-1]).json()
    assert any(item["reference"] == references[-1] for item in listed["items"])
    return ticket


async def test_telegram_conversation_creates_a_ticket(stack: RunningStack) -> None:
    telegram = stack.telegram
    chat_id = random.randint(10**8, 10**9)
    sent = 0
    for text in INTAKE:
        update = telegram.text_update(chat_id, text)
        response = await telegram.send_update(stack.bridge_url, update, stack.telegram_secret)
        assert response.status_code == 200
        sent = await wait_for_replies(lambda: len(telegram.sent_texts(chat_id)), sent)
    ticket = assert_ticket(stack, telegram.sent_texts(chat_id), "telegram")
    assert ticket["risk"]["level"] == "medium"
    assert ticket["received_outside_hours"] in (True, False)
    assert ticket["consent"]["record"] is True


async def test_telegram_buttons_are_inline_keyboards_and_presses_answer(
    stack: RunningStack,
) -> None:
    telegram = stack.telegram
    chat_id = random.randint(10**8, 10**9)
    await telegram.send_update(
        stack.bridge_url, telegram.text_update(chat_id, "halo"), stack.telegram_secret
    )
    await wait_for_replies(lambda: len(telegram.sent_texts(chat_id)), 0)
    keyboards = [
        call.params.get("reply_markup")
        for call in telegram.calls("sendMessage")
        if int(call.params.get("chat_id", 0)) == chat_id and call.params.get("reply_markup")
    ]
    assert keyboards, "the safety question should come with buttons"
    before = len(telegram.sent_texts(chat_id))
    press = telegram.callback_update(chat_id, _callback_data(keyboards[-1], 0))
    response = await telegram.send_update(stack.bridge_url, press, stack.telegram_secret)
    assert response.status_code == 200
    await wait_for_replies(lambda: len(telegram.sent_texts(chat_id)), before)
    assert telegram.calls("answerCallbackQuery"), "a button press must be acknowledged"
    assert (
        "orang lain" in telegram.sent_texts(chat_id)[-1]
    )  # next question: who else reads the phone


def _callback_data(markup: Any, index: int) -> str:
    import json

    data = json.loads(markup) if isinstance(markup, str) else markup
    return str(data["inline_keyboard"][index][0]["callback_data"])


async def test_telegram_rejects_a_wrong_secret(stack: RunningStack) -> None:
    update = stack.telegram.text_update(123456789, "halo")
    response = await stack.telegram.send_update(stack.bridge_url, update, "not-the-secret")
    assert response.status_code == 403


async def test_telegram_stop_erases_the_chat(stack: RunningStack) -> None:
    telegram = stack.telegram
    chat_id = random.randint(10**8, 10**9)
    sent = 0
    for text in ("halo", "iya aman", "stop"):
        await telegram.send_update(
            stack.bridge_url, telegram.text_update(chat_id, text), stack.telegram_secret
        )
        sent = await wait_for_replies(lambda: len(telegram.sent_texts(chat_id)), sent)
    await asyncio.sleep(1.0)
    deleted = telegram.deleted_message_ids(chat_id)
    assert deleted, "stop must delete the conversation from the chat"
    assert telegram.visible_message_ids(chat_id) <= set(telegram.message_ids(chat_id)) - deleted


async def test_whatsapp_conversation_creates_a_ticket(stack: RunningStack) -> None:
    whatsapp = stack.whatsapp
    wa_id = f"62812000{random.randint(10000, 99999)}"

    def replies() -> list[str]:
        texts = []
        for body in whatsapp.sent(to=wa_id):
            if body.get("type") == "text":
                texts.append(body["text"]["body"])
            elif body.get("type") == "interactive":
                texts.append(body["interactive"]["body"]["text"])
        return texts

    sent = 0
    for text in INTAKE:
        payload = webhook_payload(
            [text_message(wa_id, text)], phone_number_id=whatsapp.phone_number_id
        )
        response = await whatsapp.send_webhook(stack.bridge_url, payload, stack.whatsapp_app_secret)
        assert response.status_code == 200
        sent = await wait_for_replies(lambda: len(replies()), sent)
    assert_ticket(stack, replies(), "whatsapp")


async def test_whatsapp_rejects_an_unsigned_webhook(stack: RunningStack) -> None:
    payload = webhook_payload(
        [text_message("6281200000001", "halo")], phone_number_id=stack.whatsapp.phone_number_id
    )
    response = await stack.whatsapp.send_webhook(stack.bridge_url, payload, "wrong-secret")
    assert response.status_code == 403


def test_web_chat_conversation_creates_a_ticket(stack: RunningStack) -> None:
    session = uuid.uuid4().hex
    texts: list[str] = []
    for text in INTAKE:
        messages = stack.chat(session, text)
        assert messages, f"silent after {text!r}"
        texts += [m.get("text") or "" for m in messages]
    assert_ticket(stack, texts, "web")


def test_tickets_api_requires_a_token(stack: RunningStack) -> None:
    response = httpx.get(f"{stack.bridge_url}/api/v1/tickets", timeout=10)
    assert response.status_code == 401


def test_openapi_publishes_the_ticket_schema(stack: RunningStack) -> None:
    schema = httpx.get(f"{stack.bridge_url}/openapi.json", timeout=10).json()
    components = schema["components"]["schemas"]
    assert "Ticket" in components
    assert "risk" in components["Ticket"]["properties"]
