"""The intake flow as pure functions: which question comes next, and what an answer fills."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actions import flow

NOW = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)


def answered(**slots: object) -> dict[str, object]:
    return dict(slots)


def test_first_question_is_whether_it_is_safe_to_write() -> None:
    assert flow.next_question({}) == "safe_to_talk"


def test_not_safe_ends_the_form_before_any_other_question() -> None:
    assert flow.required_slots({"safe_to_talk": False}) == ["safe_to_talk"]
    assert flow.next_question({"safe_to_talk": False}) is None


def test_shared_device_is_asked_before_consent() -> None:
    assert flow.next_question({"safe_to_talk": True}) == "shared_device"
    assert flow.next_question({"safe_to_talk": True, "shared_device": False}) == "consent_record"


def test_refusing_to_be_recorded_asks_nothing_more() -> None:
    slots = {"safe_to_talk": True, "shared_device": False, "consent_record": False}
    assert flow.next_question(slots) is None
    assert "reporter_role" not in flow.required_slots(slots)


def test_facts_already_given_are_not_asked_again() -> None:
    slots = {
        "safe_to_talk": True,
        "shared_device": False,
        "consent_record": True,
        "reporter_role": "victim",
        "victim_age": 34,
        "victim_sex": "female",
        "place": "Samarinda",
        "violence_types": ["physical"],
        "perpetrator_relation": "partner",
    }
    assert flow.next_question(slots) == "perpetrator_lives_with_victim"


def test_skipped_questions_count_as_answered() -> None:
    slots = {"safe_to_talk": True, "shared_device": flow.SKIPPED, "consent_record": True}
    assert flow.next_question(slots) == "reporter_role"


def test_contact_details_only_when_contact_is_allowed() -> None:
    base = {slot: flow.SKIPPED for slot in flow.FACT_SLOTS}
    base.update({"safe_to_talk": True, "shared_device": False, "consent_record": True})
    no_contact = {**base, "contact_allowed": False}
    assert "contact_phone" not in flow.required_slots(no_contact)
    assert flow.next_question(no_contact) == "consent_share"
    by_chat = {**base, "contact_allowed": True, "contact_channel": "this_chat"}
    assert "contact_phone" not in flow.required_slots(by_chat)
    assert flow.next_question(by_chat) == "safe_times"
    by_phone = {**base, "contact_allowed": True, "contact_channel": "phone_call"}
    assert flow.next_question(by_phone) == "contact_phone"


def test_confirmation_is_the_last_question() -> None:
    slots = {slot: flow.SKIPPED for slot in flow.FACT_SLOTS}
    slots.update(
        {
            "safe_to_talk": True,
            "shared_device": False,
            "consent_record": True,
            "contact_allowed": False,
            "consent_share": [],
        }
    )
    assert flow.next_question(slots) == "confirmed"


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("safe_to_talk", "iya aman kok", True),
        ("safe_to_talk", "gak", False),
        ("consent_record", "boleh", True),
        ("victim_age", "umurnya 15 tahun", 15),
        ("victim_age", "masih anak SD", "child"),
        ("victim_sex", "perempuan", "female"),
        ("perpetrator_relation", "ayah tirinya", "step_parent"),
        ("location_type", "di sekolah", "school"),
        ("contact_channel", "lewat sms aja", "sms"),
        ("contact_phone", "0812 0000 1234", "+6281200001234"),
        ("narrative", "dia mukul pakai sapu", "dia mukul pakai sapu"),
        ("victim_disability", "tidak", "none"),
        ("victim_documents", "punya ktp tapi gak punya bpjs", "ktp_only"),
        ("victim_documents", "dua-duanya tidak punya", "neither"),
        ("confirmed", "ya benar", True),
    ],
)
def test_typed_answers_fill_the_question_asked(slot: str, text: str, expected: object) -> None:
    parsed = flow.parse_answer(slot, text, NOW)
    assert parsed is not None
    assert parsed.value == expected


def test_place_answer_resolves_the_region() -> None:
    parsed = flow.parse_answer("place", "Balikpapan", NOW)
    assert parsed is not None and parsed.extra is not None
    region = parsed.extra["region"]
    assert region["city"]["code"] == "64.71"
    assert region["province"]["code"] == "64"


def test_an_unclear_answer_fills_nothing() -> None:
    assert flow.parse_answer("safe_to_talk", "hmm", NOW) is None
    assert flow.parse_answer("contact_phone", "nomor saya rahasia", NOW) is None


def test_a_button_fills_the_slot_from_its_payload_entity() -> None:
    entities = [{"entity": "contact_channel", "value": "sms"}]
    parsed = flow.answer_from_entities("contact_channel", entities)
    assert parsed is not None and parsed.value == "sms"
    age = flow.answer_from_entities("victim_age", [{"entity": "choice", "value": "elderly"}])
    assert age is not None and age.value == "elderly"


def test_a_word_the_nlu_extracted_without_a_synonym_is_not_an_answer() -> None:
    # "dia ditelantarkan, gak dikasih makan": DIET tagged "makan" as a violence type.
    entities = [
        {"entity": "violence_type", "value": "makan"},
        {"entity": "violence_type", "value": "neglect"},
    ]
    parsed = flow.answer_from_entities("violence_types", entities)
    assert parsed is not None and parsed.value == ["neglect"]
    only_raw = [{"entity": "violence_type", "value": "makan"}]
    assert flow.answer_from_entities("violence_types", only_raw) is None
    assert (
        flow.answer_from_entities("reporter_role", [{"entity": "reporter_role", "value": "x"}])
        is None
    )


def _domain_button_entities() -> list[tuple[str, str]]:
    import json
    import re
    from pathlib import Path

    domain = Path(__file__).resolve().parents[3] / "bot" / "domain"
    found = set()
    for path in domain.glob("*.yml"):
        for payload in re.findall(r"/inform(\{[^}]*\})", path.read_text(encoding="utf-8")):
            for name, value in json.loads(payload).items():
                found.add((name, value))
    return sorted(found)


@pytest.mark.parametrize(("entity", "value"), _domain_button_entities())
def test_every_button_in_the_domain_is_an_accepted_answer(entity: str, value: str) -> None:
    assert flow._usable(entity, value)


def test_opener_facts_are_extracted_once() -> None:
    facts = flow.volunteered_facts("tolong kak suami saya mukul lagi, anak2 nangis", NOW, {})
    assert facts["perpetrator_relation"] == "partner"
    assert facts["violence_types"] == ["physical"]


def test_volunteered_facts_never_overwrite_an_answer() -> None:
    facts = flow.volunteered_facts("suami saya mukul", NOW, {"perpetrator_relation": "parent"})
    assert "perpetrator_relation" not in facts


def test_volunteered_facts_never_include_consent_or_safety() -> None:
    facts = flow.volunteered_facts("iya boleh dicatat, aman kok", NOW, {})
    assert not set(facts) & {"consent_record", "safe_to_talk", "contact_allowed"}


def test_correction_updates_the_age() -> None:
    assert flow.correction("eh salah, umurnya 15", NOW) == {"victim_age": 15}


def test_child_mode_only_for_a_child_writing_about_themself() -> None:
    assert flow.child_mode({"reporter_role": "victim", "victim_age": 12})
    assert not flow.child_mode({"reporter_role": "family", "victim_age": 12})
    assert not flow.child_mode({"reporter_role": "victim", "victim_age": 30})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("punya keduanya", "both"),
        ("ada ktp sama bpjs", "both"),
        ("ktp ada, bpjs belum", "ktp_only"),
        ("cuma bpjs", "bpjs_only"),
        ("tidak punya", "neither"),
        ("she has neither", "neither"),
        ("ya punya", "both"),
    ],
)
def test_id_card_and_insurance_answers(text: str, expected: str) -> None:
    parsed = flow.parse_answer("victim_documents", text, NOW)
    assert parsed is not None and parsed.value == expected
