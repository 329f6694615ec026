"""The risk rule: every signal, the emergency combination, derived signals, and due times."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import combinations

import pytest

from lapor_aman.hours import Closures, UnitClosure
from lapor_aman.tickets.schema import IncidentTiming, Need, RiskLevel, RiskSignal, ViolenceType
from lapor_aman.triage import (
    EMERGENCY_SIGNALS,
    LEVEL_ORDER,
    TriageFacts,
    assess_risk,
    assess_submission,
    derive_signals,
    due_by,
    escalated_at,
    is_more_urgent,
    outreach_needed,
)

from .conftest import NO_CLOSURES, WIB, WITA

S = RiskSignal
V = ViolenceType
L = RiskLevel
PHYSICAL = frozenset({V.PHYSICAL})


def level_of(**facts: object) -> RiskLevel:
    return assess_risk(TriageFacts(**facts)).level  # type: ignore[arg-type]


# Each signal alone, on a report of physical violence by an adult.
SINGLE_SIGNAL_LEVELS = {
    S.DANGER_NOW: L.EMERGENCY,
    S.SUICIDAL: L.EMERGENCY,
    S.TRAFFICKING_IN_PROGRESS: L.EMERGENCY,
    S.INJURY: L.HIGH,
    S.SEXUAL_VIOLENCE_72H: L.HIGH,
    S.CHILD_WITH_PERPETRATOR: L.HIGH,
    S.THREAT_TO_KILL: L.HIGH,
    S.WEAPON: L.HIGH,
    S.PREGNANT: L.HIGH,  # with physical violence
}


def test_every_signal_has_a_tested_level() -> None:
    assert set(SINGLE_SIGNAL_LEVELS) == set(RiskSignal)


@pytest.mark.parametrize(("signal", "expected"), SINGLE_SIGNAL_LEVELS.items())
def test_single_signal_with_physical_violence(signal: RiskSignal, expected: RiskLevel) -> None:
    assert level_of(signals=frozenset({signal}), violence_types=PHYSICAL) is expected


@pytest.mark.parametrize("signal", [s for s in RiskSignal if s is not S.PREGNANT])
def test_signal_alone_without_violence_type_still_counts(signal: RiskSignal) -> None:
    assert level_of(signals=frozenset({signal})) is SINGLE_SIGNAL_LEVELS[signal]


@pytest.mark.parametrize(("a", "b"), list(combinations(list(RiskSignal), 2)))
def test_two_signals_never_lower_than_either_alone(a: RiskSignal, b: RiskSignal) -> None:
    combined = level_of(signals=frozenset({a, b}), violence_types=PHYSICAL)
    for alone in (SINGLE_SIGNAL_LEVELS[a], SINGLE_SIGNAL_LEVELS[b]):
        assert not is_more_urgent(alone, combined)


@pytest.mark.parametrize(("a", "b"), list(combinations(list(RiskSignal), 2)))
def test_pairs_that_make_an_emergency(a: RiskSignal, b: RiskSignal) -> None:
    pair = {a, b}
    expected_emergency = bool(pair & EMERGENCY_SIGNALS) or pair == {S.WEAPON, S.THREAT_TO_KILL}
    level = level_of(signals=frozenset(pair), violence_types=PHYSICAL)
    assert (level is L.EMERGENCY) is expected_emergency


def test_weapon_with_threat_to_kill_is_an_emergency_with_its_reason() -> None:
    result = assess_risk(TriageFacts(signals=frozenset({S.WEAPON, S.THREAT_TO_KILL})))
    assert result.level is L.EMERGENCY
    assert "combination:threat_to_kill+weapon" in result.reasons


def test_all_signals_together_is_an_emergency() -> None:
    assert level_of(signals=frozenset(RiskSignal), violence_types=PHYSICAL) is L.EMERGENCY


@pytest.mark.parametrize("violence", list(ViolenceType))
def test_any_violence_without_signals_is_medium(violence: ViolenceType) -> None:
    expected = L.MEDIUM
    assert level_of(violence_types=frozenset({violence})) is expected


def test_request_for_information_only_is_low() -> None:
    result = assess_risk(TriageFacts(needs=frozenset({Need.INFORMATION})))
    assert result.level is L.LOW
    assert result.reasons == ("information_only",)


@pytest.mark.parametrize(
    "facts",
    [
        TriageFacts(),  # nothing said: staff look at it rather than file it as information
        TriageFacts(needs=frozenset({Need.INFORMATION, Need.SHELTER})),
        TriageFacts(needs=frozenset({Need.INFORMATION}), violence_types=frozenset({V.ECONOMIC})),
        TriageFacts(needs=frozenset({Need.LEGAL})),
    ],
)
def test_anything_more_than_information_is_at_least_medium(facts: TriageFacts) -> None:
    assert not is_more_urgent(L.MEDIUM, assess_risk(facts).level)


# --- child victims -----------------------------------------------------------------------------


def test_child_living_with_perpetrator_is_high_risk() -> None:
    facts = TriageFacts(
        violence_types=frozenset({V.PSYCHOLOGICAL}),
        victim_is_child=True,
        perpetrator_lives_with_victim=True,
    )
    result = assess_risk(facts)
    assert result.level is L.HIGH
    assert S.CHILD_WITH_PERPETRATOR in result.signals


def test_adult_living_with_perpetrator_is_not_derived_as_child_signal() -> None:
    facts = TriageFacts(
        violence_types=PHYSICAL, victim_is_child=False, perpetrator_lives_with_victim=True
    )
    assert S.CHILD_WITH_PERPETRATOR not in derive_signals(facts)
    assert assess_risk(facts).level is L.MEDIUM


@pytest.mark.parametrize("occurred", list(IncidentTiming))
def test_child_victim_of_sexual_violence_is_high_whenever_it_happened(
    occurred: IncidentTiming,
) -> None:
    facts = TriageFacts(
        violence_types=frozenset({V.SEXUAL}), victim_is_child=True, occurred=occurred
    )
    result = assess_risk(facts)
    assert result.level is L.HIGH
    assert "child_sexual_violence" in result.reasons


def test_child_victim_of_other_violence_not_living_with_perpetrator_is_medium() -> None:
    facts = TriageFacts(
        violence_types=PHYSICAL, victim_is_child=True, perpetrator_lives_with_victim=False
    )
    assert assess_risk(facts).level is L.MEDIUM


# --- sexual violence in the last 72 hours ------------------------------------------------------


@pytest.mark.parametrize(
    ("occurred", "incident_date", "expected_signal"),
    [
        (IncidentTiming.LAST_72H, None, True),
        (IncidentTiming.WITHIN_MONTH, None, False),
        (IncidentTiming.OLDER, None, False),
        (IncidentTiming.UNKNOWN, None, False),
        (IncidentTiming.UNKNOWN, date(2025, 6, 10), True),  # same day
        (IncidentTiming.UNKNOWN, date(2025, 6, 7), True),  # three calendar days before
        (IncidentTiming.UNKNOWN, date(2025, 6, 6), False),
        (IncidentTiming.UNKNOWN, date(2025, 6, 11), False),  # a date in the future is not evidence
    ],
)
def test_sexual_violence_72h_is_derived_from_timing(
    occurred: IncidentTiming, incident_date: date | None, expected_signal: bool
) -> None:
    facts = TriageFacts(
        violence_types=frozenset({V.SEXUAL}),
        occurred=occurred,
        incident_date=incident_date,
        reported_on=date(2025, 6, 10),
    )
    result = assess_risk(facts)
    assert (S.SEXUAL_VIOLENCE_72H in result.signals) is expected_signal
    assert result.level is (L.HIGH if expected_signal else L.MEDIUM)


def test_recent_physical_violence_does_not_become_sexual_violence_signal() -> None:
    facts = TriageFacts(violence_types=PHYSICAL, occurred=IncidentTiming.LAST_72H)
    assert S.SEXUAL_VIOLENCE_72H not in derive_signals(facts)


# --- trafficking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ongoing", "expected"), [(True, L.EMERGENCY), (False, L.MEDIUM), (None, L.MEDIUM)]
)
def test_ongoing_trafficking_is_trafficking_in_progress(
    ongoing: bool | None, expected: RiskLevel
) -> None:
    assert level_of(violence_types=frozenset({V.TRAFFICKING}), ongoing=ongoing) is expected


# --- pregnancy refinement ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("violence", "ongoing", "expected"),
    [
        ({V.PHYSICAL}, None, L.HIGH),
        ({V.SEXUAL}, None, L.HIGH),
        ({V.PSYCHOLOGICAL, V.PHYSICAL}, False, L.HIGH),
        ({V.PSYCHOLOGICAL}, True, L.HIGH),
        ({V.ECONOMIC}, True, L.HIGH),
        ({V.PSYCHOLOGICAL}, False, L.MEDIUM),
        ({V.ECONOMIC}, None, L.MEDIUM),
        (set(), None, L.MEDIUM),
    ],
)
def test_pregnant_victim(
    violence: set[ViolenceType], ongoing: bool | None, expected: RiskLevel
) -> None:
    facts = TriageFacts(
        signals=frozenset({S.PREGNANT}), violence_types=frozenset(violence), ongoing=ongoing
    )
    assert assess_risk(facts).level is expected


# --- from a submission -------------------------------------------------------------------------


def test_child_reporting_about_themself_counts_as_child_victim(make_submission) -> None:  # type: ignore[no-untyped-def]
    submission = make_submission(
        reporter={"role": "victim", "is_child": True},
        incident={"violence_types": ["sexual"], "occurred": "older"},
    )
    assert assess_submission(submission).level is L.HIGH


def test_age_given_overrides_reporter_flag(make_submission) -> None:  # type: ignore[no-untyped-def]
    submission = make_submission(
        reporter={"role": "victim", "is_child": True},
        victim={"age": 19},
        incident={"violence_types": ["sexual"], "occurred": "older"},
    )
    assert assess_submission(submission).level is L.MEDIUM


def test_signals_are_reported_in_enum_order(make_submission) -> None:  # type: ignore[no-untyped-def]
    submission = make_submission(risk_signals=["weapon", "danger_now", "injury"])
    assert assess_submission(submission).signals == (S.DANGER_NOW, S.INJURY, S.WEAPON)


def test_level_order_is_most_urgent_first() -> None:
    assert LEVEL_ORDER == (L.EMERGENCY, L.HIGH, L.MEDIUM, L.LOW)
    assert is_more_urgent(L.EMERGENCY, L.HIGH) and not is_more_urgent(L.LOW, L.MEDIUM)


# --- due times ---------------------------------------------------------------------------------

TUE_22 = datetime(2025, 6, 10, 22, 15, tzinfo=WITA)  # Tuesday night, unit closed
TUE_10 = datetime(2025, 6, 10, 10, 0, tzinfo=WITA)  # Tuesday morning, unit open
FRI_20 = datetime(2025, 6, 13, 20, 0, tzinfo=WITA)  # Friday night


@pytest.mark.parametrize(
    ("level", "now", "takes_high", "expected"),
    [
        (L.EMERGENCY, TUE_22, False, TUE_22),
        (L.EMERGENCY, TUE_10, False, TUE_10),
        (L.HIGH, TUE_10, False, TUE_10 + timedelta(hours=1)),
        (L.HIGH, TUE_22, False, datetime(2025, 6, 11, 8, 30, tzinfo=WITA)),
        (L.HIGH, TUE_22, True, TUE_22 + timedelta(hours=1)),
        (L.HIGH, FRI_20, False, datetime(2025, 6, 16, 8, 30, tzinfo=WITA)),
        (L.MEDIUM, TUE_10, False, datetime(2025, 6, 11, 16, 0, tzinfo=WITA)),
        (L.MEDIUM, TUE_22, False, datetime(2025, 6, 11, 16, 0, tzinfo=WITA)),
        (
            L.MEDIUM,
            datetime(2025, 6, 11, 2, 0, tzinfo=WITA),
            False,
            datetime(2025, 6, 11, 16, 0, tzinfo=WITA),
        ),
        (L.MEDIUM, FRI_20, False, datetime(2025, 6, 16, 16, 0, tzinfo=WITA)),
        (L.LOW, TUE_10, False, datetime(2025, 6, 13, 16, 0, tzinfo=WITA)),
        (L.LOW, FRI_20, False, datetime(2025, 6, 18, 16, 0, tzinfo=WITA)),
    ],
)
def test_due_by_table(
    balikpapan_unit, level: RiskLevel, now: datetime, takes_high: bool, expected: datetime
) -> None:  # type: ignore[no-untyped-def]
    due = due_by(level, balikpapan_unit, now, on_call_takes_high=takes_high, closures=NO_CLOSURES)
    assert due == expected
    assert due.utcoffset() == timedelta(hours=8)  # given in the unit's zone (WITA)


def test_due_by_accepts_any_time_zone(balikpapan_unit) -> None:  # type: ignore[no-untyped-def]
    in_utc = TUE_22.astimezone(WIB)
    assert due_by(L.MEDIUM, balikpapan_unit, in_utc, closures=NO_CLOSURES) == datetime(
        2025, 6, 11, 16, 0, tzinfo=WITA
    )


def test_medium_due_skips_idul_adha_cuti_bersama_and_unit_closure(balikpapan_unit) -> None:  # type: ignore[no-untyped-def]
    # 2025: Idul Adha Fri 6 June, cuti bersama Mon 9 June; the unit also closes Tue 10 June.
    closures = Closures(
        unit_closures=(
            UnitClosure(
                unit_ids=("balikpapan",),
                start=date(2025, 6, 10),
                end=date(2025, 6, 10),
                reason="Pelatihan",
            ),
        )
    )
    thursday_night = datetime(2025, 6, 5, 21, 0, tzinfo=WITA)
    assert due_by(L.MEDIUM, balikpapan_unit, thursday_night, closures=closures) == datetime(
        2025, 6, 11, 16, 0, tzinfo=WITA
    )


def test_escalated_at_only_for_emergency() -> None:
    assert escalated_at(L.EMERGENCY, TUE_22) == TUE_22
    for level in (L.HIGH, L.MEDIUM, L.LOW):
        assert escalated_at(level, TUE_22) is None


# --- outreach (penjangkauan) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "level", "expected"),
    [
        ({}, L.HIGH, True),
        ({}, L.EMERGENCY, True),
        ({}, L.MEDIUM, False),
        ({"victim": {"age": 12}}, L.MEDIUM, True),
        ({"victim": {"age": 70}}, L.MEDIUM, True),
        ({"victim": {"disability": "tunarungu"}}, L.MEDIUM, True),
        ({"needs": ["shelter"]}, L.MEDIUM, True),
        ({"needs": ["information"]}, L.LOW, False),
    ],
)
def test_outreach_needed(
    make_submission, overrides: dict, level: RiskLevel, expected: bool
) -> None:  # type: ignore[no-untyped-def]
    assert outreach_needed(make_submission(**overrides), level) is expected
