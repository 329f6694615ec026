"""Pre-filling the complaint form from free text, and corrections."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lapor_aman.extract import extract_facts, parse_correction


def test_opener_prefills_only_what_was_said(now: datetime) -> None:
    facts = extract_facts("tolong kak suami saya mukul lagi, anak2 nangis", now)

    assert facts == {"violence_types": ["physical"], "relation": "partner", "ongoing": True}


def test_reporter_and_perpetrator_are_told_apart(now: datetime) -> None:
    facts = extract_facts("saya ibunya, anak saya dipukul ayahnya kemarin malam di rumah", now)

    assert facts["reporter_role"] == "family"
    assert facts["relation"] == "parent"
    assert facts["violence_types"] == ["physical"]
    assert facts["occurred"] == "last_72h"
    assert facts["occurred_on"] == date(2025, 3, 9)
    assert facts["location_type"] == "home"


def test_child_victim_report(now: datetime) -> None:
    facts = extract_facts("anak perempuan saya umur 12 dicabuli tetangga 2 minggu lalu", now)

    assert facts == {
        "age": 12,
        "age_group": "child",
        "sex": "female",
        "reporter_role": "family",
        "relation": "neighbor_or_acquaintance",
        "violence_types": ["sexual"],
        "occurred": "within_month",
        "occurred_on": date(2025, 2, 24),
    }


def test_english_report(now: datetime) -> None:
    facts = extract_facts(
        "My husband hit me yesterday and we still live together. I need a doctor.", now
    )

    assert facts["relation"] == "partner"
    assert facts["reporter_role"] == "victim"
    assert facts["violence_types"] == ["physical"]
    assert facts["lives_with"] is True
    assert facts["occurred_on"] == date(2025, 3, 9)
    assert facts["needs"] == ["medical"]


def test_contact_details_are_read_only_in_a_contact_context(now: datetime) -> None:
    assert "safe_times" not in extract_facts("dia pulang jam 9 malam terus mukul", now)
    facts = extract_facts(
        "hubungi saya lewat chat ini malam di atas jam 9, nomor 0812-0000-1234", now
    )

    assert facts["contact_channel"] == "this_chat"
    assert facts["safe_times"] == [
        {
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "start": "21:00",
            "end": "23:59",
        }
    ]
    assert facts["phone"] == "+6281200001234"


def test_durations_and_housewife_are_not_age_or_place(now: datetime) -> None:
    facts = extract_facts("saya ibu rumah tangga, sudah 10 tahun menikah dan sering dipukul", now)

    assert "age" not in facts
    assert "location_type" not in facts
    assert facts["ongoing"] is True


def test_place_is_kept_as_written(now: datetime) -> None:
    assert (
        extract_facts("saya tinggal di Kota Bekasi, suami sering mukul", now)["place"]
        == "Kota Bekasi"
    )


def test_greeting_has_no_facts(now: datetime) -> None:
    assert extract_facts("halo kak", now) == {}


@pytest.mark.parametrize(
    ("text", "correction"),
    [
        ("eh salah, umurnya 15", ("age", 15)),
        ("ralat, umurnya 15 tahun", ("age", 15)),
        ("maaf salah ketik, usianya 9", ("age", 9)),
        ("ralat, tinggalnya di Bekasi", ("place", "Bekasi")),
        ("koreksi, domisili Kota Bandung", ("place", "Kota Bandung")),
        ("maksudnya pelakunya om nya", ("relation", "other_family")),
        ("maksud saya pelakunya ayah tiri", ("relation", "step_parent")),
        ("eh bukan suami tapi mantan suami", ("relation", "former_partner")),
        ("bukan laki laki tapi perempuan", ("sex", "female")),
        ("salah, korbannya cowok", ("sex", "male")),
        ("ralat nomor saya 0812-0000-9999", ("phone", "+6281200009999")),
        ("sorry I meant she is 14", ("age", 14)),
        ("correction: I live in Makassar", ("place", "Makassar")),
        ("yang benar di sekolah", ("location_type", "school")),
    ],
)
def test_parse_correction(text: str, correction: tuple[str, object]) -> None:
    assert parse_correction(text) == correction


@pytest.mark.parametrize("text", ["umurnya 15", "suami saya mukul", "halo", "salah paham saja kak"])
def test_not_a_correction(text: str) -> None:
    assert parse_correction(text) is None


@pytest.mark.parametrize(
    ("parser", "value"),
    [
        ("parse_relation", "other_family"),
        ("parse_relation", "partner"),
        ("parse_sex", "female"),
        ("parse_reporter_role", "companion"),
        ("parse_age_group", "elderly"),
        ("parse_location_type", "public"),
        ("parse_contact_channel", "phone_call"),
    ],
)
def test_parsers_accept_their_own_values(parser: str, value: str) -> None:
    """A correction's value can be fed back to the field's parser unchanged."""
    import lapor_aman.extract as extract

    assert getattr(extract, parser)(value) == value


def test_list_parsers_accept_their_own_values() -> None:
    from lapor_aman.extract import parse_needs, parse_violence_types

    assert parse_violence_types("exploitation") == ["exploitation"]
    assert parse_needs("forensic_exam") == ["forensic_exam"]
