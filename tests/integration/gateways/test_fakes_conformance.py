"""The fakes speak the real protocols: python-telegram-bot and httpx work against them unchanged."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, InvalidToken

from tests.fakes import FakeGraphAPI, FakeTelegramBotAPI

pytestmark = pytest.mark.integration

CHAT = 700_000_101


def bot_for(fake: FakeTelegramBotAPI, token: str | None = None) -> Bot:
    return Bot(token or fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)


async def test_python_telegram_bot_runs_against_the_fake(fake_telegram: FakeTelegramBotAPI) -> None:
    fake_telegram.text_update(CHAT, "halo")  # message 1, from the user
    async with bot_for(fake_telegram) as bot:
        assert (await bot.get_me()).username == "catatan_test_bot"
        assert await bot.set_webhook(
            "https://lapor.example.test/telegram/webhook", secret_token="s3cret"
        )
        info = await bot.get_webhook_info()
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="/affirm")]])
        sent = await bot.send_message(CHAT, "Apakah aman?", reply_markup=keyboard)
        await bot.edit_message_reply_markup(chat_id=CHAT, message_id=sent.message_id)
        assert await bot.answer_callback_query("cbq-77")
        assert await bot.delete_messages(CHAT, [1, sent.message_id, 999])
        with pytest.raises(BadRequest):
            await bot.delete_message(CHAT, sent.message_id)

    assert info.url == "https://lapor.example.test/telegram/webhook"
    assert sent.message_id == 2 and sent.chat.id == CHAT and sent.text == "Apakah aman?"
    assert fake_telegram.deleted_message_ids(CHAT) == {1, 2}
    assert fake_telegram.webhook["secret_token"] == "s3cret"


async def test_files_can_be_fetched_like_on_telegram(fake_telegram: FakeTelegramBotAPI) -> None:
    update = fake_telegram.photo_update(CHAT)
    file_id = update["message"]["photo"][-1]["file_id"]
    async with bot_for(fake_telegram) as bot:
        telegram_file = await bot.get_file(file_id)
        content = await telegram_file.download_as_bytearray()

    assert bytes(content).startswith(b"\xff\xd8")


async def test_a_wrong_token_is_refused_like_telegram(fake_telegram: FakeTelegramBotAPI) -> None:
    with pytest.raises(InvalidToken):
        await bot_for(fake_telegram, token="999:wrong").get_me()


async def test_callback_data_over_64_bytes_is_refused(fake_telegram: FakeTelegramBotAPI) -> None:
    async with bot_for(fake_telegram) as bot:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="/" + "a" * 64)]])
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(CHAT, "pilih", reply_markup=keyboard)


async def test_the_graph_fake_checks_token_and_whatsapp_limits(fake_graph: FakeGraphAPI) -> None:
    url = f"{fake_graph.graph_base_url}/{fake_graph.phone_number_id}/messages"
    auth = {"Authorization": f"Bearer {fake_graph.access_token}"}
    four_buttons = {
        "messaging_product": "whatsapp",
        "to": "6281200009999",
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Pilih"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": f"/b{n}", "title": f"B{n}"}} for n in range(4)
                ]
            },
        },
    }
    async with httpx.AsyncClient() as client:
        unauthorised = await client.post(url, json={"messaging_product": "whatsapp"})
        too_many = await client.post(url, json=four_buttons, headers=auth)
        ok = await client.post(
            url,
            json={
                "messaging_product": "whatsapp",
                "to": "6281200009999",
                "type": "text",
                "text": {"body": "halo"},
            },
            headers=auth,
        )

    assert unauthorised.status_code == 401 and unauthorised.json()["error"]["code"] == 190
    assert too_many.status_code == 400
    assert ok.json()["messages"][0]["id"].startswith("wamid.")
