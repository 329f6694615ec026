"""Answers found wrongly parsed by the end-to-end conversation tests."""

from __future__ import annotations

import pytest

from lapor_aman.extract import parse_relation, parse_safe_times


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("weekdays 10-12", ("10:00", "12:00")),
        ("evenings after 9", ("21:00", "23:59")),
        ("jam 10 sampai 12", ("10:00", "12:00")),
    ],
)
def test_bare_ranges_and_after_hours_are_clock_times(text: str, window: tuple[str, str]) -> None:
    parsed = parse_safe_times(text)
    assert parsed and (parsed[0]["start"], parsed[0]["end"]) == window


def test_weekdays_range_keeps_the_weekdays() -> None:
    assert parse_safe_times("weekdays 10-12")[0]["days"] == ["mon", "tue", "wed", "thu", "fri"]


@pytest.mark.parametrize(
    "text", ["anaknya sendiri", "anak kandungnya", "menantunya", "cucunya", "her son"]
)
def test_the_victims_own_children_and_in_laws_are_family(text: str) -> None:
    assert parse_relation(text) == "other_family"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("saya sudah menelan semua obat tidur di rumah", True),
        ("pngn mti aj rsanya", True),
        ("do you have emergency housing?", False),
        ("di Palu ada anak yatim yang disuruh kerja terus sama walinya", False),
        ("tiap hari saya direndahkan suami di depan keluarga besarnya", False),
        ("dia bawa palu mau mukul saya", True),
    ],
)
def test_safety_net_cases_found_on_the_heldout_set(text: str, expected: bool) -> None:
    from lapor_aman.safety import detect_emergency

    assert detect_emergency(text).is_emergency is expected
