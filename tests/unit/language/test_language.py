"""Language detection: Indonesian, English, or unsure."""

from __future__ import annotations

import pytest

from lapor_aman.language import detect_language, mentions_a_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("saya mau lapor", "id"),
        ("tolong kak suami saya mukul lagi", "id"),
        ("sy gak aman skrg", "id"),
        ("aku dipukul", "id"),
        ("halo kak", "id"),
        ("tolong", "id"),
        ("abdi sieun pisan, salaki mawa bedog", "id"),
        ("kemarin malam", "id"),
        ("I want to report", "en"),
        ("he has a knife", "en"),
        ("my husband hits me", "en"),
        ("help", "en"),
        ("thank you", "en"),
        ("I'm not safe at home", "en"),
        ("ok", None),
        ("15", None),
        ("Bekasi", None),
        ("Jakarta Selatan", None),
        ("Kota Bandung", None),
        ("iya", None),
        ("yes", None),
        ("", None),
        ("0812-0000-1234", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pakai bahasa inggris aja", True),
        ("english please", True),
        ("can we speak bahasa", True),
        ("bhs indo aja kak", True),
        ("anggrek", False),
        ("melati putih", False),
        ("ok", False),
    ],
)
def test_a_switch_request_names_a_language(text: str, expected: bool) -> None:
    assert mentions_a_language(text) is expected
