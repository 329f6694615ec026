"""Pure parts of the gateways: translation of platform payloads, texts, limits, signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Update

from integrations.gateway.catalogue import LANGUAGES, load_catalogue
from integrations.gateway.identity import Pseudonymizer, sender_secret
from integrations.gateway.intake import InboundKind
from integrations.gateway.options import GatewayOptions
from integrations.gateway.text import split_text
from integrations.telegram.inbound import command_name, load_commands, translate_update
from integrations.whatsapp.gateway import signature_matches
from integrations.whatsapp.inbound import translate_webhook
from integrations.whatsapp.outbound import service_window_open, unique_titles
from lapor_aman.config import Settings
from tests.fakes import FakeTelegramBotAPI
from tests.fakes.graph_api import text_message, webhook_payload

EMERGENCY_NUMBERS = ("112", "110", "119", "129")


def test_every_catalogue_text_exists_in_both_languages() -> None:
    catalogue = load_catalogue()
    for key, versions in catalogue.texts.items():
        assert set(versions) == set(LANGUAGES), key
        assert all(versions[language].strip() for language in LANGUAGES), key


@pytest.mark.parametrize("key", ["assistant_unavailable", "not_understood", "rate_limited"])
def test_safety_texts_carry_the_emergency_numbers_in_both_languages(key: str) -> None:
    catalogue = load_catalogue()
    for language in LANGUAGES:
        assert all(number in catalogue.text(key, language) for number in EMERGENCY_NUMBERS)
    indonesian, english = catalogue.bilingual(key).split("\n\n")
    assert "polisi" in indonesian and "police" in english


def test_sender_keys_are_stable_per_channel_and_hide_the_id() -> None:
    pseudonymizer = Pseudonymizer(b"secret")

    key = pseudonymizer.sender_key("wa", "6281200001234")

    assert key == pseudonymizer.sender_key("wa", "6281200001234")
    assert key != pseudonymizer.sender_key("tg", "6281200001234")
    assert key.startswith("wa:") and "6281200001234" not in key
    assert key != Pseudonymizer(b"other").sender_key("wa", "6281200001234")


def test_the_sender_secret_comes_from_settings_unless_given() -> None:
    settings = Settings(sender_id_secret="from-settings")  # type: ignore[arg-type]

    assert sender_secret(settings) == b"from-settings"
    assert sender_secret(settings, "explicit") == b"explicit"


def test_long_texts_are_split_at_line_or_word_boundaries() -> None:
    text = ("kalimat pendek. " * 50).strip() + "\n" + "x" * 30

    chunks = split_text(text, 100)

    assert all(len(chunk) <= 100 for chunk in chunks)
    assert " ".join(chunks).split() == text.split()


def test_retry_delay_grows_and_is_capped() -> None:
    options = GatewayOptions(retry_base_seconds=5, retry_max_seconds=60)

    assert [options.retry_delay(n) for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 40, 60]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", "start"),
        ("/start@CatatanBot abc", "start"),
        ("/HAPUS", "hapus"),
        ("halo", None),
        ("/", None),
    ],
)
def test_command_names(text: str, expected: str | None) -> None:
    assert command_name(text) == expected


def test_telegram_commands_map_to_intents() -> None:
    commands = load_commands()

    assert (
        commands["start"] == "/greet"
        and commands["hapus"] == "/stop"
        and commands["stop"] == "/stop"
    )


def test_group_chats_and_edited_messages_are_not_taken_in() -> None:
    fake = FakeTelegramBotAPI()
    group = fake.text_update(-100123, "halo")
    group["message"]["chat"] = {"id": -100123, "type": "group", "title": "Grup"}
    edited = fake.text_update(700_000_201, "halo")
    edited["edited_message"] = edited.pop("message")

    assert translate_update(Update.de_json(group, None), load_commands()) == []
    assert translate_update(Update.de_json(edited, None), load_commands()) == []


def test_an_unknown_command_is_forwarded_as_text() -> None:
    fake = FakeTelegramBotAPI()
    update = Update.de_json(fake.text_update(700_000_202, "/affirm"), None)

    [draft] = translate_update(update, load_commands())

    assert (draft.kind, draft.text) == (InboundKind.TEXT, "/affirm")


def test_a_shared_contact_keeps_no_phone_number() -> None:
    fake = FakeTelegramBotAPI()
    update = fake.text_update(700_000_203, "x")
    del update["message"]["text"]
    update["message"]["contact"] = {"phone_number": "+6281200007777", "first_name": "Teman"}

    [draft] = translate_update(Update.de_json(update, None), load_commands())

    assert draft.media == {"media_type": "contact"}
    assert "6281200007777" not in json.dumps([draft.text, draft.media, draft.routing])


def test_whatsapp_messages_for_another_number_or_of_no_interest_are_skipped() -> None:
    elsewhere = webhook_payload([text_message("6281200001111", "halo")], phone_number_id="999")
    reaction = webhook_payload(
        [
            {
                "from": "6281200001111",
                "id": "wamid.x",
                "timestamp": "1",
                "type": "reaction",
                "reaction": {"emoji": "👍"},
            }
        ]
    )
    unsupported = webhook_payload(
        [{"from": "6281200001111", "id": "wamid.y", "timestamp": "1", "type": "unsupported"}]
    )

    assert translate_webhook(elsewhere, "100000000000001") == []
    assert translate_webhook(reaction, "100000000000001") == []
    [draft] = translate_webhook(unsupported, "100000000000001")
    assert draft.text == '/shared_media{"media_type":"other"}'


def test_the_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    good = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()

    assert signature_matches("app-secret", body, good)
    assert not signature_matches("app-secret", body + b" ", good)
    assert not signature_matches("app-secret", body, good.removeprefix("sha256="))
    assert not signature_matches("", body, good)
    assert not signature_matches("app-secret", body, None)


def test_button_titles_are_shortened_and_kept_unique() -> None:
    titles = unique_titles(["Tidak aman sekarang ini", "Tidak aman sekarang itu", "Ya"], 20)

    assert all(len(title) <= 20 for title in titles)
    assert len(set(titles)) == 3 and titles[2] == "Ya"


def test_the_service_window_closes_before_24_hours() -> None:
    now = datetime(2026, 1, 5, 21, 0, tzinfo=UTC)

    assert service_window_open(now - timedelta(hours=23), now)
    assert not service_window_open(now - timedelta(hours=23, minutes=59), now)
    assert not service_window_open(now - timedelta(hours=25), now)
