"""The form validation action over real rasa-sdk objects: what one message sets."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateIntakeForm

DOMAIN: dict[str, Any] = {
    "forms": {
        "intake_form": {
            "required_slots": ["safe_to_talk", "shared_device", "consent_record", "place"]
        }
    }
}


def tracker(
    text: str, intent: str, slots: dict[str, Any], entities: list[dict[str, Any]] | None = None
) -> Tracker:
    return Tracker(
        sender_id="web:test",
        slots={"language": "id", **slots},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities or [],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "intake_form"},
        latest_action_name="action_listen",
    )


async def run(
    text: str, intent: str, slots: dict[str, Any], entities: list[dict[str, Any]] | None = None
) -> tuple[dict[str, Any], list[str]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateIntakeForm().run(
        dispatcher, tracker(text, intent, slots, entities), DOMAIN
    )
    sets = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return sets, [m.get("response") for m in dispatcher.messages]


def answers(sets: dict[str, Any]) -> dict[str, Any]:
    """Slot events other than requested_slot: with none, Rasa rejects the form and the rules answer."""
    return {k: v for k, v in sets.items() if k != "requested_slot"}


CONSENTED = {"safe_to_talk": True, "shared_device": False, "consent_record": True}


async def test_a_place_answer_keeps_the_resolved_region() -> None:
    sets, _ = await run("Balikpapan", "inform", {**CONSENTED, "requested_slot": "place"})
    assert sets["place"] == "Balikpapan"
    assert sets["region"]["city"]["code"] == "64.71"


async def test_an_emergency_is_left_to_the_rules() -> None:
    sets, _ = await run(
        "dia bawa pisau mau bunuh saya", "emergency", {**CONSENTED, "requested_slot": "place"}
    )
    assert answers(sets) == {}


async def test_skip_records_skipped_and_says_so() -> None:
    sets, responses = await run("lewati", "skip", {**CONSENTED, "requested_slot": "place"})
    assert sets["place"] == "skipped"
    assert "utter_noted_skip" in responses


async def test_skipping_consent_is_no_consent() -> None:
    sets, _ = await run(
        "gak tau",
        "skip",
        {"safe_to_talk": True, "shared_device": False, "requested_slot": "consent_record"},
    )
    assert sets["consent_record"] is False


async def test_a_question_out_of_turn_is_not_taken_as_an_answer() -> None:
    sets, _ = await run("ini gratis?", "ask_cost", {**CONSENTED, "requested_slot": "place"})
    assert answers(sets) == {}


async def test_a_correction_changes_the_earlier_answer() -> None:
    slots = {**CONSENTED, "victim_age": 14, "requested_slot": "place"}
    sets, responses = await run("eh salah, umurnya 15", "correct", slots)
    assert sets["victim_age"] == 15
    assert "utter_corrected" in responses


async def test_a_button_payload_fills_the_slot() -> None:
    slots = {"safe_to_talk": True, "requested_slot": "shared_device"}
    sets, _ = await run("/deny", "deny", slots)
    assert sets["shared_device"] is False
    assert sets["requested_slot"] == "consent_record"


async def test_consent_records_when_it_was_given() -> None:
    sets, _ = await run(
        "boleh",
        "affirm",
        {"safe_to_talk": True, "shared_device": False, "requested_slot": "consent_record"},
    )
    assert sets["consent_record"] is True
    assert sets["consent_given_at"]


async def test_not_safe_ends_the_form() -> None:
    sets, _ = await run("tidak", "deny", {"requested_slot": "safe_to_talk"})
    assert sets["safe_to_talk"] is False
    assert sets["requested_slot"] is None


async def test_not_safe_pauses_even_when_the_words_could_answer() -> None:
    # "suami" could be read as the victim's sex; a pause must win.
    sets, _ = await run(
        "nanti dulu, suami pulang", "not_safe", {**CONSENTED, "requested_slot": "victim_sex"}
    )
    assert answers(sets) == {}


async def test_thanks_is_never_consent() -> None:
    slots = {"safe_to_talk": True, "shared_device": False, "requested_slot": "consent_record"}
    sets, _ = await run("makasih ya kak", "thank", slots)
    assert answers(sets) == {}


async def test_a_short_code_word_is_kept_whatever_the_classifier_says() -> None:
    sets, _ = await run("kucing", "out_of_scope", {**CONSENTED, "requested_slot": "code_word"})
    assert sets["code_word"] == "kucing"


async def test_a_short_answer_is_only_the_answer() -> None:
    sets, _ = await run("masih anak-anak", "inform", {**CONSENTED, "requested_slot": "victim_age"})
    assert sets["victim_age"] == "child"
    assert "ongoing" not in sets


async def test_a_shared_phone_described_in_words_is_an_answer_not_a_pause() -> None:
    sets, responses = await run(
        "iya, hp ini dipakai bareng suami",
        "not_safe",
        {"safe_to_talk": True, "requested_slot": "shared_device"},
    )
    assert sets["shared_device"] is True
    assert "utter_shared_device_advice" in responses


async def test_a_short_not_safe_message_pauses_even_during_the_story() -> None:
    sets, _ = await run("dia datang", "not_safe", {**CONSENTED, "requested_slot": "narrative"})
    assert answers(sets) == {}


async def test_a_long_story_misread_as_not_safe_is_kept_as_the_story() -> None:
    story = "dia masuk ke kamar aku waktu malam pas ibu kerja"
    sets, _ = await run(story, "not_safe", {**CONSENTED, "requested_slot": "narrative"})
    assert sets["narrative"] == story


async def test_an_answer_misread_as_a_question_fills_the_slot() -> None:
    sets, _ = await run(
        "I'm her sister", "bot_challenge", {**CONSENTED, "requested_slot": "reporter_role"}
    )
    assert sets["reporter_role"] == "family"


async def test_classifier_only_emergency_with_a_plain_answer_keeps_it_and_gives_numbers() -> None:
    slots = {**CONSENTED, "requested_slot": "victim_disability"}
    sets, responses = await run("dia susah jalan, pakai kursi roda", "emergency", slots)
    assert sets["victim_disability"] == "dia susah jalan, pakai kursi roda"
    assert "utter_emergency" in responses


async def test_an_emergency_the_safety_net_confirms_is_always_left_to_the_rules() -> None:
    net = [{"entity": "emergency_signal", "value": "weapon"}]
    slots = {**CONSENTED, "requested_slot": "victim_disability"}
    sets, _ = await run("dia bawa pisau sekarang", "emergency", slots, net)
    assert answers(sets) == {}


async def test_a_two_word_answer_misread_as_not_safe_is_an_answer() -> None:
    sets, _ = await run(
        "tidak ada", "not_safe", {**CONSENTED, "requested_slot": "victim_disability"}
    )
    assert sets["victim_disability"] == "none"


async def test_a_sentence_opening_with_no_is_an_answer_even_if_misread_as_not_safe() -> None:
    slots = {**CONSENTED, "requested_slot": "perpetrator_lives_with_victim"}
    sets, _ = await run("Tidak, pelaku tidak tinggal bersama korban.", "not_safe", slots)
    assert sets["perpetrator_lives_with_victim"] is False


async def test_a_plain_no_is_taken_at_a_yes_no_question_whatever_the_classifier_says() -> None:
    slots = {**CONSENTED, "requested_slot": "contact_allowed"}
    sets, _ = await run("jangan, saya yang akan menghubungi", "ask_next_steps", slots)
    assert sets["contact_allowed"] is False


async def test_a_code_word_the_classifier_alone_reads_as_danger_is_just_the_code_word() -> None:
    slots = {**CONSENTED, "contact_allowed": True, "requested_slot": "code_word"}

    sets, responses = await run("melati", "emergency", slots)

    assert sets["code_word"] == "melati"
    assert "utter_emergency" not in responses


async def test_a_longer_message_at_the_code_word_question_still_gets_the_numbers() -> None:
    slots = {**CONSENTED, "contact_allowed": True, "requested_slot": "code_word"}

    _, responses = await run("melati aja kak soalnya dia suka marah", "emergency", slots)

    assert "utter_emergency" in responses


async def test_an_answer_the_classifier_reads_as_skip_is_kept_when_the_parser_understands_it() -> (
    None
):
    slots = {**CONSENTED, "contact_allowed": True, "requested_slot": "consent_share"}

    sets, responses = await run("yang diperlukan aja", "skip", slots)

    assert sets["consent_share"] == "as_needed"
    assert "utter_noted_skip" not in responses


async def test_a_real_skip_at_the_sharing_question_is_still_a_skip() -> None:
    slots = {**CONSENTED, "contact_allowed": True, "requested_slot": "consent_share"}

    sets, responses = await run("lewati", "skip", slots)

    assert sets["consent_share"] == "skipped"
    assert "utter_noted_skip" in responses
