"""The ticket contract, references, status moves and ticket assembly."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from lapor_aman.tickets import schema
from lapor_aman.tickets.reference import (
    REFERENCE_ALPHABET,
    is_valid_reference,
    new_reference,
    normalise_reference,
)
from lapor_aman.tickets.schema import (
    AgeGroup,
    Contact,
    IntakeSubmission,
    RiskLevel,
    SafeTimeWindow,
    Ticket,
    TicketStatus,
    Victim,
    ticket_json_schema,
)
from lapor_aman.tickets.service import build_ticket
from lapor_aman.tickets.status import ALLOWED_TRANSITIONS, FINAL_STATUSES, can_transition

from .conftest import NO_CLOSURES, WIB, WITA, submission_payload

# --- references ----------------------------------------------------------------------------------


def test_reference_format_and_alphabet() -> None:
    assert set(REFERENCE_ALPHABET).isdisjoint("0O1I")
    assert len(REFERENCE_ALPHABET) == 32
    for _ in range(200):
        reference = new_reference()
        assert re.fullmatch(r"LA-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", reference)
        assert is_valid_reference(reference)


def test_references_do_not_repeat() -> None:
    assert len({new_reference() for _ in range(5000)}) == 5000


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("LA-7K3M-Q9XP", "LA-7K3M-Q9XP"),
        ("la 7k3m q9xp", "LA-7K3M-Q9XP"),
        ("7K3MQ9XP", "LA-7K3M-Q9XP"),
        ("la-7k3m-q9x", None),
        ("LA-7K3M-Q9X0", None),  # 0 is not in the alphabet
        ("", None),
    ],
)
def test_normalise_reference(typed: str, expected: str | None) -> None:
    assert normalise_reference(typed) == expected


# --- status moves -------------------------------------------------------------------------------


def test_transition_table_covers_every_status() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(TicketStatus)
    assert {TicketStatus.CLOSED, TicketStatus.WITHDRAWN} == FINAL_STATUSES


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("new", "acknowledged", True),
        ("acknowledged", "contacted", True),
        ("contacted", "in_service", True),
        ("in_service", "referred", True),
        ("referred", "in_service", True),
        ("in_service", "closed", True),
        ("new", "withdrawn", True),
        ("in_service", "withdrawn", True),
        ("closed", "new", False),
        ("closed", "in_service", False),
        ("withdrawn", "acknowledged", False),
        ("contacted", "new", False),
        ("acknowledged", "new", False),
        ("new", "new", False),
        ("new", "in_service", False),
        ("new", "bogus", False),
    ],
)
def test_can_transition(current: str, new: str, allowed: bool) -> None:
    assert can_transition(current, new) is allowed


def test_every_open_status_can_be_withdrawn_and_closed() -> None:
    for status in set(TicketStatus) - FINAL_STATUSES:
        assert can_transition(status, TicketStatus.WITHDRAWN)
        assert can_transition(status, TicketStatus.CLOSED)


# --- contract validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "group"),
    [(0, "child"), (17, "child"), (18, "adult"), (59, "adult"), (60, "elderly"), (None, "unknown")],
)
def test_age_group_is_derived_from_age(age: int | None, group: str) -> None:
    assert Victim(age=age).age_group is AgeGroup(group)


def test_age_overrides_a_contradicting_age_group() -> None:
    assert Victim.model_validate({"age": 15, "age_group": "adult"}).age_group is AgeGroup.CHILD
    assert (
        Victim.model_validate({"age_group": "elderly"}).age_group is AgeGroup.ELDERLY
    )  # no age: kept as given


def test_city_must_belong_to_province() -> None:
    with pytest.raises(ValidationError):
        Victim.model_validate(
            {
                "province": {"code": "64", "name": "Kalimantan Timur"},
                "city": {"code": "31.75", "name": "X"},
            }
        )


@pytest.mark.parametrize(
    "typed", ["0812-0000-1234", "+62 812 0000 1234", "6281200001234", "081200001234"]
)
def test_phone_is_normalised_to_e164(typed: str) -> None:
    contact = Contact.model_validate({"allowed": True, "channel": "phone_call", "phone": typed})
    assert contact.phone == "+6281200001234"


@pytest.mark.parametrize(
    "bad",
    [
        {"allowed": True, "channel": "sms", "phone": "12345"},
        {"allowed": True, "channel": "sms"},  # SMS without a number
        # never a channel when contact is not allowed
        {"allowed": False, "channel": "phone_call", "phone": "081200001234"},
        {"allowed": True, "channel": "none"},
    ],
)
def test_invalid_contact_is_rejected(bad: dict) -> None:
    with pytest.raises(ValidationError):
        Contact.model_validate(bad)


def test_safe_time_windows_accept_names_and_indonesian_times() -> None:
    window = SafeTimeWindow.model_validate(
        {"days": ["senin", "Rabu", 4, "sat"], "start": "09.00", "end": "11:30"}
    )
    assert window.days == [0, 2, 4, 5]
    assert (window.start, window.end) == ("09:00", "11:30")
    assert window.contains(datetime(2025, 6, 11, 10, 0, tzinfo=WITA))  # Wednesday
    assert not window.contains(datetime(2025, 6, 10, 10, 0, tzinfo=WITA))  # Tuesday
    assert not window.contains(datetime(2025, 6, 11, 11, 30, tzinfo=WITA))


def test_safe_time_window_across_midnight() -> None:
    window = SafeTimeWindow.model_validate(
        {"days": ["jumat"], "start": time(22, 0), "end": "02:00"}
    )
    assert window.contains(datetime(2025, 6, 13, 23, 0, tzinfo=WIB))  # Friday night
    # early Saturday still belongs to Friday's window
    assert window.contains(datetime(2025, 6, 14, 1, 0, tzinfo=WIB))
    assert not window.contains(datetime(2025, 6, 13, 1, 0, tzinfo=WIB))  # early Friday: Thursday's


@pytest.mark.parametrize(
    "bad",
    [
        {"start": "25:00", "end": "10:00"},
        {"start": "10:00", "end": "10:00"},
        {"days": ["someday"], "start": "1:00", "end": "2:00"},
    ],
)
def test_invalid_safe_time_windows(bad: dict) -> None:
    with pytest.raises(ValidationError):
        SafeTimeWindow.model_validate(bad)


def test_naive_reported_at_is_rejected() -> None:
    with pytest.raises(ValidationError):
        IntakeSubmission.model_validate(
            submission_payload(reported_at=datetime(2025, 6, 10, 22, 0))
        )


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError):
        IntakeSubmission.model_validate(submission_payload(victim_name="x"))


def test_anonymous_submission_is_valid() -> None:
    submission = IntakeSubmission.model_validate(submission_payload())
    assert submission.reporter.name_or_alias is None


def test_json_schema_names_every_enum_value() -> None:
    text = json.dumps(ticket_json_schema())
    for value in (
        "danger_now",
        "trafficking_in_progress",
        "withdrawn",
        "vital_interest",
        "online_contact",
        "repatriation",
    ):
        assert f'"{value}"' in text


def test_schema_script_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "ticket.schema.json"
    schema.write_schema(target)
    assert json.loads(target.read_text("utf-8"))["title"] == "Ticket"


def test_shipped_schema_file_is_current() -> None:
    shipped = Path(schema.__file__).resolve().parents[2] / "docs" / "ticket.schema.json"
    assert json.loads(shipped.read_text("utf-8")) == ticket_json_schema(), (
        "run python -m lapor_aman.tickets.schema"
    )


# --- build_ticket --------------------------------------------------------------------------------

BALIKPAPAN = {
    "province": {"code": "64", "name": "Kalimantan Timur"},
    "city": {"code": "64.71", "name": "Kota Balikpapan"},
}
KUKAR = {
    "province": {"code": "64", "name": "Kalimantan Timur"},
    "city": {"code": "64.02", "name": "Kabupaten Kutai Kartanegara"},
}
ACEH = {"province": {"code": "11", "name": "Aceh"}}
TUE_NIGHT = datetime(2025, 6, 10, 22, 15, tzinfo=WITA)


def test_emergency_at_night_is_escalated_and_due_now(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    submission = make_submission(victim=BALIKPAPAN, risk_signals=["danger_now"])
    ticket = build_ticket(submission, now=TUE_NIGHT, units=units, closures=NO_CLOSURES)
    assert ticket.risk.level is RiskLevel.EMERGENCY
    assert ticket.risk.escalated_at == TUE_NIGHT
    assert ticket.risk.due_by == TUE_NIGHT
    assert ticket.received_outside_hours
    assert ticket.routing.unit_id == "uptd-ppa-kota-balikpapan"
    assert ticket.routing.on_call_unit_id == "uptd-ppa-kaltim"  # Balikpapan has no night duty
    assert ticket.routing.outreach_suggested
    assert ticket.status is TicketStatus.NEW
    assert is_valid_reference(ticket.reference)


def test_medium_case_routes_to_province_when_regency_has_no_unit(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    ticket = build_ticket(
        make_submission(victim=KUKAR), now=TUE_NIGHT, units=units, closures=NO_CLOSURES
    )
    assert ticket.routing.unit_id == "uptd-ppa-kaltim"
    assert ticket.risk.level is RiskLevel.MEDIUM
    assert ticket.risk.escalated_at is None
    assert ticket.risk.due_by == datetime(2025, 6, 11, 16, 0, tzinfo=WITA)
    assert not ticket.routing.outreach_suggested


def test_province_without_unit_goes_to_sapa_129(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    ticket = build_ticket(
        make_submission(victim=ACEH), now=TUE_NIGHT, units=units, closures=NO_CLOSURES
    )
    assert ticket.routing.unit_id == "sapa129"
    assert ticket.routing.region_resolved


def test_unknown_place_goes_to_sapa_129_and_is_flagged(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    ticket = build_ticket(make_submission(), now=TUE_NIGHT, units=units, closures=NO_CLOSURES)
    assert ticket.routing.unit_id == "sapa129"
    assert not ticket.routing.region_resolved


def test_high_risk_at_night_with_on_call_taking_high_cases(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    samarinda = {
        "province": {"code": "64", "name": "Kalimantan Timur"},
        "city": {"code": "64.72", "name": "Kota Samarinda"},
    }
    ticket = build_ticket(
        make_submission(victim=samarinda, risk_signals=["injury"]),
        now=TUE_NIGHT,
        units=units,
        closures=NO_CLOSURES,
    )
    assert ticket.risk.level is RiskLevel.HIGH
    assert ticket.risk.due_by == TUE_NIGHT + timedelta(hours=1)


def test_high_risk_at_night_waits_for_first_hour_of_opening(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    ticket = build_ticket(
        make_submission(victim=BALIKPAPAN, risk_signals=["injury"]),
        now=TUE_NIGHT,
        units=units,
        closures=NO_CLOSURES,
    )
    assert ticket.risk.due_by == datetime(2025, 6, 11, 8, 30, tzinfo=WITA)


def test_sexual_violence_sets_police_report_decision_due(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    submission = make_submission(
        victim={**BALIKPAPAN, "age": 24},
        incident={"violence_types": ["sexual"], "occurred": "last_72h"},
    )
    ticket = build_ticket(
        submission, now=TUE_NIGHT + timedelta(minutes=20), units=units, closures=NO_CLOSURES
    )
    assert ticket.police_report_decision_due == submission.reported_at + timedelta(hours=72)
    assert ticket.risk.level is RiskLevel.HIGH
    assert "sexual_violence_72h" in ticket.risk.signals


def test_no_police_report_deadline_without_sexual_violence(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    ticket = build_ticket(make_submission(), now=TUE_NIGHT, units=units, closures=NO_CLOSURES)
    assert ticket.police_report_decision_due is None


def test_report_in_office_hours_of_the_routed_unit(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    # 07:45 WIB is 08:45 WITA: Balikpapan is open.
    reported = datetime(2025, 6, 11, 7, 45, tzinfo=WIB)
    submission = make_submission(victim=BALIKPAPAN, reported_at=reported)
    ticket = build_ticket(submission, now=reported, units=units, closures=NO_CLOSURES)
    assert not ticket.received_outside_hours


def test_ticket_round_trips_through_json(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    submission = make_submission(
        victim=BALIKPAPAN,
        contact={
            "allowed": True,
            "channel": "sms",
            "phone": "0812-0000-1234",
            "safe_times": [{"days": ["senin"], "start": "10:00", "end": "12:00"}],
            "code_word": "melati",
            "shared_device": True,
        },
        needs=["medical", "legal"],
        narrative="Cerita pelapor (sintetis).",
    )
    ticket = build_ticket(
        submission, now=TUE_NIGHT, units=units, closures=NO_CLOSURES, reference="LA-7K3M-Q9XP"
    )
    again = Ticket.model_validate_json(ticket.model_dump_json())
    assert again == ticket
    assert again.reference == "LA-7K3M-Q9XP"
    assert again.contact.phone == "+6281200001234"


def test_naive_now_is_rejected(make_submission, units) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        build_ticket(make_submission(), now=datetime(2025, 6, 10, 22, 0), units=units)


def test_high_risk_at_night_goes_to_sapa_129_on_call_when_province_has_none(
    make_submission, units
) -> None:  # type: ignore[no-untyped-def]
    kab_bandung = {
        "province": {"code": "32", "name": "Jawa Barat"},
        "city": {"code": "32.04", "name": "Kabupaten Bandung"},
    }
    night = datetime(2025, 6, 10, 23, 0, tzinfo=WIB)
    ticket = build_ticket(
        make_submission(victim=kab_bandung, risk_signals=["weapon"]),
        now=night,
        units=units,
        closures=NO_CLOSURES,
    )
    assert ticket.routing.unit_id == "uptd-ppa-jawa-barat"
    assert ticket.routing.on_call_unit_id == "sapa129"
    assert ticket.risk.due_by == night + timedelta(hours=1)
