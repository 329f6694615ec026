"""Slots of a finished intake become a valid IntakeSubmission (the ticket contract)."""

from __future__ import annotations

from datetime import UTC, datetime

from actions.flow import SKIPPED
from actions.submission import build_submission, channel_of

NOW = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)

FULL = {
    "language": "id",
    "safe_to_talk": True,
    "shared_device": True,
    "consent_record": True,
    "consent_given_at": "2026-11-20T22:25:00+00:00",
    "reporter_role": "victim",
    "victim_age": 15,
    "victim_sex": "female",
    "place": "Balikpapan",
    "region": {
        "province": {"code": "64", "name": "Kalimantan Timur"},
        "city": {"code": "64.71", "name": "Kota Balikpapan"},
    },
    "violence_types": ["physical", "sexual"],
    "perpetrator_relation": "step_parent",
    "perpetrator_lives_with_victim": True,
    "occurred": "last_72h",
    "ongoing": True,
    "location_type": "home",
    "victim_disability": "none",
    "victim_documents": "ktp_only",
    "needs": ["medical", "shelter"],
    "narrative": "Cerita sintetis untuk pengujian.",
    "contact_allowed": True,
    "contact_channel": "sms",
    "contact_phone": "+6281200001234",
    "safe_times": [{"days": [0, 1, 2, 3, 4], "start": "10:00", "end": "12:00"}],
    "code_word": "melati",
    "consent_share": "as_needed",
    "confirmed": True,
    "emergency_signals": ["injury"],
}


def test_channel_comes_from_the_gateway_prefix() -> None:
    assert channel_of("tg:abc") == "telegram"
    assert channel_of("wa:abc") == "whatsapp"
    assert channel_of("web:abc") == "web"


def test_a_complete_intake_maps_to_every_ticket_section() -> None:
    submission = build_submission(FULL, sender_id="tg:abc123", now=NOW)
    assert submission.channel == "telegram"
    assert submission.reporter.role == "victim"
    assert submission.reporter.is_child is True
    assert submission.victim.age == 15
    assert submission.victim.city is not None and submission.victim.city.code == "64.71"
    assert submission.victim.has_id_card is True and submission.victim.has_bpjs is False
    assert submission.incident.perpetrator_relation == "step_parent"
    assert submission.contact.phone == "+6281200001234"
    assert submission.contact.code_word == "melati"
    assert submission.contact.shared_device is True
    assert submission.consent.share_with_services.police is True
    assert submission.consent.basis == "vital_interest"
    assert submission.risk_signals == ["injury"]


def test_skipped_answers_become_unknown_not_guesses() -> None:
    slots = {key: SKIPPED for key in FULL} | {
        "language": "en",
        "consent_record": True,
        "consent_given_at": "2026-11-20T22:25:00+00:00",
        "contact_allowed": False,
        "region": None,
        "emergency_signals": None,
        "confirmed": True,
    }
    submission = build_submission(slots, sender_id="web:xyz", now=NOW)
    assert submission.victim.age is None
    assert submission.victim.sex == "unknown"
    assert submission.incident.perpetrator_relation == "unknown"
    assert submission.incident.ongoing is None
    assert submission.contact.allowed is False
    assert submission.contact.channel == "none"
    assert submission.consent.basis == "own_consent"
    assert not any(submission.consent.share_with_services.model_dump().values())


def test_sms_without_a_number_falls_back_to_this_chat() -> None:
    slots = {**FULL, "contact_channel": "sms", "contact_phone": SKIPPED}
    submission = build_submission(slots, sender_id="wa:abc", now=NOW)
    assert submission.contact.allowed is True
    assert submission.contact.channel == "this_chat"
    assert submission.contact.phone is None


def test_values_outside_the_contract_are_dropped_not_sent() -> None:
    # One unexpected word from the NLU must not make the report fail validation at the bridge.
    slots = {
        **FULL,
        "violence_types": ["makan", "neglect"],
        "perpetrator_relation": "tukang",
        "location_type": "kebun",
        "needs": ["medical", "pulsa"],
        "reporter_role": "tetangga",
    }

    submission = build_submission(slots, sender_id="web:abc", now=NOW)

    assert [str(v) for v in submission.incident.violence_types] == ["neglect"]
    assert str(submission.incident.perpetrator_relation) == "unknown"
    assert str(submission.incident.location_type) == "unknown"
    assert [str(v) for v in submission.needs] == ["medical"]
    assert str(submission.reporter.role) == "other"
