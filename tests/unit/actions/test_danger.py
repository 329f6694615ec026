"""The danger check: when the classifier half-sees danger, the reply offers 112 and the button."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerQuestion, ActionNotSafe
from actions.danger import (
    DANGER_CHECK_MIN_CONFIDENCE,
    DANGER_CHECK_RESPONSE,
    emergency_weight,
    offer_danger_check,
    unsure_of_danger,
)
from actions.forms import ValidateIntakeForm

CONSENTED = {"safe_to_talk": True, "shared_device": False, "consent_record": True}
DOMAIN: dict[str, Any] = {
    "forms": {"intake_form": {"required_slots": [*CONSENTED, "victim_age", "place"]}}
}


def message(text: str, intent: str, emergency: float) -> dict[str, Any]:
    top = 1.0 - emergency
    return {
        "text": text,
        "intent": {"name": intent, "confidence": top},
        "intent_ranking": [
            {"name": intent, "confidence": top},
            {"name": "emergency", "confidence": emergency},
        ],
        "entities": [],
    }


def tracker(
    latest: dict[str, Any],
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    return Tracker(
        sender_id="web:test",
        slots={"language": "id", **(slots or {})},
        latest_message=latest,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": "intake_form"},
        latest_action_name="action_listen",
    )


def responses(dispatcher: CollectingDispatcher) -> list[Any]:
    return [m.get("response") for m in dispatcher.messages]


HALF_SEEN = "dia pulang, gedor2 pintu kamar"


def test_emergency_weight_reads_the_ranking() -> None:
    assert emergency_weight(message(HALF_SEEN, "report_violence", 0.3)) == pytest.approx(0.3)
    assert emergency_weight({"text": "x", "intent_ranking": [{"name": "greet"}]}) == 0.0


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        (message(HALF_SEEN, "report_violence", 0.30), True),
        (message(HALF_SEEN, "not_safe", DANGER_CHECK_MIN_CONFIDENCE), True),
        (message(HALF_SEEN, "nlu_fallback", 0.12), True),
        (message("umurnya 15", "inform", 0.002), False),
        # the full emergency answer, not a check
        (message(HALF_SEEN, "emergency", 0.9), False),
        # a button is never unsure
        (message("/inform", "inform", 0.3), False),
        (message("  ", "inform", 0.3), False),
    ],
)
def test_unsure_of_danger(latest: dict[str, Any], expected: bool) -> None:
    assert unsure_of_danger(latest) is expected


def test_the_check_is_sent_once_per_turn() -> None:
    latest = message(HALF_SEEN, "ask_safe_house", 0.2)
    first = CollectingDispatcher()
    assert offer_danger_check(first, tracker(latest)) is True
    assert responses(first) == [DANGER_CHECK_RESPONSE]

    # The same turn, a later action (the form after an answered question): already offered.
    events = [
        {"event": "user", "text": HALF_SEEN},
        {"event": "bot", "text": "...", "metadata": {"utter_action": DANGER_CHECK_RESPONSE}},
    ]
    again = CollectingDispatcher()
    assert offer_danger_check(again, tracker(latest, events=events)) is False
    assert responses(again) == []

    # A new message in a later turn gets it again.
    later = [*events, {"event": "user", "text": HALF_SEEN}]
    third = CollectingDispatcher()
    assert offer_danger_check(third, tracker(latest, events=later)) is True


async def test_mid_form_the_check_comes_before_the_forms_reply() -> None:
    dispatcher = CollectingDispatcher()
    latest = message("15 tahun, tapi dia lagi di rumah ngamuk", "inform", 0.25)
    slots = {**CONSENTED, "requested_slot": "victim_age"}
    events = await ValidateIntakeForm().run(dispatcher, tracker(latest, slots), DOMAIN)
    assert responses(dispatcher)[0] == DANGER_CHECK_RESPONSE
    # The answer is still taken.
    assert {"event": "slot", "name": "victim_age", "value": 15} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]


async def test_the_form_does_not_check_when_it_starts() -> None:
    # The opening and the safety question (its "Saya dalam bahaya" button) already offer it.
    dispatcher = CollectingDispatcher()
    await ValidateIntakeForm().run(
        dispatcher, tracker(message(HALF_SEEN, "report_violence", 0.3)), DOMAIN
    )
    assert DANGER_CHECK_RESPONSE not in responses(dispatcher)


async def test_a_plain_answer_gets_no_check() -> None:
    dispatcher = CollectingDispatcher()
    slots = {**CONSENTED, "requested_slot": "victim_age"}
    await ValidateIntakeForm().run(
        dispatcher, tracker(message("15", "inform", 0.002), slots), DOMAIN
    )
    assert DANGER_CHECK_RESPONSE not in responses(dispatcher)


@pytest.mark.parametrize(
    ("action", "intent", "reply"),
    [
        (ActionAnswerQuestion(), "ask_safe_house", "utter_faq_safe_house"),
        (ActionNotSafe(), "not_safe", "utter_not_safe"),
    ],
)
async def test_a_question_or_a_pause_that_half_sounds_like_danger_gets_the_check_first(
    action: Any, intent: str, reply: str
) -> None:
    dispatcher = CollectingDispatcher()
    latest = message("ada laki2 mabuk masuk rumah, saya sendirian sama bayi", intent, 0.3)
    await action.run(dispatcher, tracker(latest, {"language": "id"}), {})
    assert responses(dispatcher) == [DANGER_CHECK_RESPONSE, reply]
