"""Language detection: Indonesian, English, or unsure."""

from __future__ import annotations

import pytest

from lapor_aman.language import detect_language


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
