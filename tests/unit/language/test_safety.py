"""The deterministic emergency safety net: table tests and recall / false-alarm thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lapor_aman.safety import SIGNALS, EmergencyAssessment, detect_emergency

CASES = yaml.safe_load((Path(__file__).parent / "emergency_cases.yml").read_text(encoding="utf-8"))
EMERGENCIES: list[tuple[str, str]] = [
    (str(text), str(signal)) for text, signal in CASES["emergency"]
]
NOT_EMERGENCIES: list[str] = [str(text) for text in CASES["not_emergency"]]

# Measured while writing the lexicon: three batches of messages written before the lexicon was
# tuned on them scored recall 51/60, 27/40 and 24/30 and false alarms 0/60, 1/40 and 0/20 before the
# fixes now in emergency.yml. Every batch is in emergency_cases.yml as a regression test.
MIN_RECALL = 0.99
MAX_FALSE_ALARM_RATE = 0.05


@pytest.mark.parametrize(("text", "signal"), EMERGENCIES, ids=[t for t, _ in EMERGENCIES])
def test_emergency_message_raises_its_signal(text: str, signal: str) -> None:
    assessment = detect_emergency(text)

    assert assessment.is_emergency
    assert signal in assessment.signals
    assert assessment.matched


@pytest.mark.parametrize("text", NOT_EMERGENCIES, ids=NOT_EMERGENCIES)
def test_non_emergency_message_raises_no_alarm(text: str) -> None:
    assert detect_emergency(text) == EmergencyAssessment(False, (), ())


def test_recall_on_emergency_table_meets_target() -> None:
    detected = sum(detect_emergency(text).is_emergency for text, _ in EMERGENCIES)

    assert detected / len(EMERGENCIES) >= MIN_RECALL


def test_false_alarms_on_violence_reports_stay_low() -> None:
    alarms = sum(detect_emergency(text).is_emergency for text in NOT_EMERGENCIES)

    assert alarms / len(NOT_EMERGENCIES) < MAX_FALSE_ALARM_RATE


def test_table_is_large_and_covers_every_signal() -> None:
    assert len(EMERGENCIES) + len(NOT_EMERGENCIES) >= 120
    assert {signal for _, signal in EMERGENCIES} == set(SIGNALS)


def test_signals_come_from_the_fixed_set_in_canonical_order() -> None:
    assessment = detect_emergency("dia bawa pisau dan bilang mau bunuh aku, kepalaku berdarah")

    assert assessment.signals == ("injury", "weapon", "threat_to_kill")
    assert set(assessment.signals) <= set(SIGNALS)


def test_matched_lists_the_phrases_that_fired() -> None:
    assessment = detect_emergency("tolong dia datang bawa parang")

    # "dia datang" with a cry for help is danger now; "parang" is the weapon (signals in SIGNALS order).
    assert assessment.signals == ("danger_now", "weapon")
    assert assessment.matched == ("dia datang", "parang")


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_message_is_not_an_emergency(text: str) -> None:
    assert not detect_emergency(text).is_emergency


def test_negation_covers_a_list_of_weapons() -> None:
    assert not detect_emergency("dia tidak bawa pisau, golok atau senjata apa pun").is_emergency


def test_negating_one_weapon_does_not_hide_another() -> None:
    assert detect_emergency("dia tidak pakai pisau tapi pakai golok").signals == ("weapon",)


def test_past_marker_does_not_reach_a_later_present_clause() -> None:
    text = "dulu pernah dipukul sampai berdarah, sekarang dia datang lagi bawa pisau"

    assert detect_emergency(text).signals == ("weapon",)


def test_threat_to_kill_counts_even_when_told_as_past() -> None:
    assert detect_emergency("dia pernah ngancam bunuh saya").signals == ("threat_to_kill",)


def test_safe_statement_cancels_only_the_danger_said_before_it() -> None:
    assert not detect_emergency("tadi saya dalam bahaya, tapi sekarang sudah aman").is_emergency
    assert detect_emergency(
        "sudah aman katanya, tapi dia balik lagi, saya dalam bahaya"
    ).is_emergency


def test_safe_statement_does_not_hide_an_injury() -> None:
    assert detect_emergency("saya sudah aman tapi kepala saya berdarah").signals == ("injury",)


def test_hypothetical_question_is_not_an_emergency_but_a_threat_inside_one_is() -> None:
    assert not detect_emergency("kalau dia bawa pisau gimana?").is_emergency
    assert detect_emergency("kalau saya pulang dia pasti bunuh saya, gimana?").is_emergency


def test_cry_for_help_with_prohibition_is_not_read_as_negation() -> None:
    assert detect_emergency("jangan bunuh aku").signals == ("threat_to_kill",)


def test_repeated_letters_and_chat_spelling_are_understood() -> None:
    assert detect_emergency("sy g bs keluarrr, dikunciii").signals == ("danger_now",)


def test_vowel_dropping_typos_are_understood() -> None:
    assert detect_emergency("sya d pukul smpe brdarah").signals == ("injury",)


def test_one_letter_away_word_is_not_turned_into_a_weapon() -> None:
    assert not detect_emergency("dia banting barang barang").is_emergency
