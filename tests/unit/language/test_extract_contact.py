"""Contact channel, phone number (E.164) and safe contact times."""

from __future__ import annotations

import pytest

from lapor_aman.extract import parse_contact_channel, parse_phone, parse_safe_times
from lapor_aman.extract.contact import WEEK, WEEKEND, WORKING_DAYS


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("lewat chat ini aja", "this_chat"),
        ("chat", "this_chat"),
        ("di sini saja", "this_chat"),
        ("wa ini", "this_chat"),
        ("this chat", "this_chat"),
        ("telepon", "phone_call"),
        ("ditelpon aja", "phone_call"),
        ("boleh nelpon", "phone_call"),
        ("call me", "phone_call"),
        ("sms", "sms"),
        ("sms aja", "sms"),
        ("text message", "sms"),
        ("jangan hubungi saya", "none"),
        ("tidak usah dihubungi", "none"),
        ("don't contact me", "none"),
        ("jangan telepon, chat saja", "this_chat"),
        ("jangan telepon", None),
        ("halo", None),
    ],
)
def test_parse_contact_channel(text: str, channel: str | None) -> None:
    assert parse_contact_channel(text) == channel


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("0812-0000-1234", "+6281200001234"),
        ("081200001234", "+6281200001234"),
        ("+62 812-0000-1234", "+6281200001234"),
        ("6281200001234", "+6281200001234"),
        ("nomor saya 0812 0000 1234 kak", "+6281200001234"),
        ("hp: 0857-0000-5678", "+6285700005678"),
        ("umur 15", None),
        ("jam 9-12", None),
        ("halo", None),
    ],
)
def test_parse_phone(text: str, phone: str | None) -> None:
    assert parse_phone(text) == phone


def _window(days: tuple[str, ...], start: str, end: str) -> dict[str, object]:
    return {"days": list(days), "start": start, "end": end}


@pytest.mark.parametrize(
    ("text", "windows"),
    [
        ("malam di atas jam 9", [_window(WEEK, "21:00", "23:59")]),
        ("siang jam 10-12", [_window(WEEK, "10:00", "12:00")]),
        ("hari kerja jam 8 sampai 3 sore", [_window(WORKING_DAYS, "08:00", "15:00")]),
        ("kapan saja", [_window(WEEK, "00:00", "23:59")]),
        ("weekend pagi", [_window(WEEKEND, "06:00", "11:00")]),
        ("setelah jam 9 malam", [_window(WEEK, "21:00", "23:59")]),
        ("jam 21.00 - 22.30", [_window(WEEK, "21:00", "22:30")]),
        ("sebelum jam 7 pagi", [_window(WEEK, "06:00", "07:00")]),
        ("senin dan rabu jam 10-12", [_window(("mon", "wed"), "10:00", "12:00")]),
        ("sabtu minggu", [_window(WEEKEND, "00:00", "23:59")]),
        (
            "pagi jam 7-8 atau malam setelah jam 10",
            [_window(WEEK, "07:00", "08:00"), _window(WEEK, "22:00", "23:59")],
        ),
        ("sore", [_window(WEEK, "15:00", "18:00")]),
        ("after 9pm", [_window(WEEK, "21:00", "23:59")]),
        ("weekdays 9am to 11am", [_window(WORKING_DAYS, "09:00", "11:00")]),
        ("anytime", [_window(WEEK, "00:00", "23:59")]),
        ("jam 1 siang", [_window(WEEK, "13:00", "14:00")]),
        ("halo", []),
        ("2 minggu lalu", []),
    ],
)
def test_parse_safe_times(text: str, windows: list[dict[str, object]]) -> None:
    assert parse_safe_times(text) == windows
