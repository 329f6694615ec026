"""Custom actions of the assistant: opening, emergencies, pauses, questions and the hand-off.

Texts are responses in bot/domain/*.yml; these actions only choose them and fill their values.
A response is rendered with the slots as they were *before* the action's events, so values set
here are also passed to the response as template variables.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActiveLoop,
    AllSlotsReset,
    EventType,
    FollowupAction,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import bridge_client, flow
from actions.danger import offer_danger_check
from actions.forms import region_label
from actions.submission import build_submission, channel_of
from actions.summary import build_summary
from lapor_aman import extract, hours
from lapor_aman.config import get_settings
from lapor_aman.emergency import format_numbers
from lapor_aman.labels import label
from lapor_aman.routing import Unit, get_unit, route_region
from lapor_aman.safety import detect_emergency

log = logging.getLogger(__name__)

FORM = "intake_form"
FORM_SLOTS = (
    *flow.SAFETY_SLOTS,
    "consent_record",
    "consent_given_at",
    *flow.FACT_SLOTS,
    *flow.CONTACT_SLOTS,
    "consent_share",
    "confirmed",
    "region",
    "place_candidates",
    "incident_date",
    "emergency_signals",
    "child_mode",
)
QUESTION_RESPONSES = {
    "ask_cost": "utter_faq_cost",
    "ask_confidential": "utter_faq_confidential",
    "ask_office": "utter_faq_office",
    "ask_service": "utter_faq_service",
    "ask_visum": "utter_faq_visum",
    "ask_safe_house": "utter_faq_safe_house",
    "ask_police_report": "utter_faq_police_report",
    "ask_next_steps": "utter_faq_next_steps",
    "bot_challenge": "utter_faq_bot",
    "request_info": "utter_info_menu",
}
STARTING_INTENTS = frozenset({"greet", "report_violence", "restart", "emergency"})


def now_utc() -> datetime:
    return datetime.now(UTC)


def _intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def _language(tracker: Tracker) -> str:
    return "en" if tracker.get_slot("language") == "en" else "id"


def unit_for(tracker: Tracker) -> Unit:
    """The unit serving this conversation: by the victim's region once known, else the default."""
    region = tracker.get_slot("region") or {}
    if region.get("province"):
        city = region.get("city") or {}
        return route_region(region["province"]["code"], city.get("code"))
    return get_unit(get_settings().default_unit_id)


def unit_values(unit: Unit, language: str, now: datetime) -> dict[str, str]:
    """Template values about the unit, for responses and for the slots of the same names."""
    return {
        "unit_name": unit.name,
        "call_center": unit.call_center_phone,
        "next_opening": hours.format_next_opening(unit, now, language),
        "office_hours": hours.opening_hours_text(unit.hours, language),
    }


def _slot_events(values: dict[str, Any]) -> list[EventType]:
    return [SlotSet(key, value) for key, value in values.items()]


def reset_form(language: str) -> list[EventType]:
    """Forget the intake (not the language): after "stop", "start again" or a submitted report."""
    return [AllSlotsReset(), SlotSet("language", language)]


class ActionOpening(Action):
    """Greets and starts the intake, resumes a paused one, or reminds of a submitted report."""

    def name(self) -> str:
        return "action_opening"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = _intent(tracker)
        status = tracker.get_slot("intake_status")
        language = _language(tracker)
        now = now_utc()
        unit = unit_for(tracker)
        values = unit_values(unit, language, now)
        events: list[EventType] = []

        if status == "submitted":
            if intent not in ("greet", "report_violence"):
                dispatcher.utter_message(
                    response="utter_already_submitted",
                    ticket_reference=tracker.get_slot("ticket_reference"),
                )
                return []
            events += reset_form(language)
            status = None
        elif status in ("in_progress", "paused_not_safe") and _started(tracker):
            dispatcher.utter_message(response="utter_welcome_back")
            # Safety is asked again after every pause: the situation may have changed.
            return [
                SlotSet("safe_to_talk", None),
                # A new session carries slots over, the question being asked included: ask afresh.
                SlotSet("requested_slot", None),
                SlotSet("intake_status", "in_progress"),
                FollowupAction(FORM),
            ]

        facts = (
            flow.volunteered_facts(_text(tracker), now, {})
            if not _text(tracker).startswith("/")
            else {}
        )
        if intent not in STARTING_INTENTS and not facts:
            # A stray "ya" / "tidak" with no intake under way: offer choices rather than start one.
            dispatcher.utter_message(response="utter_default")
            return events

        opening = "utter_opening_office_open" if hours.is_open(unit, now) else "utter_opening"
        dispatcher.utter_message(response=opening, **values)
        events += _slot_events(values)
        events += _slot_events(facts)
        events += [SlotSet("intake_status", "in_progress"), FollowupAction(FORM)]
        return events


def _started(tracker: Tracker) -> bool:
    return any(
        tracker.get_slot(slot) is not None
        for slot in ("safe_to_talk", "consent_record", *flow.FACT_SLOTS)
    )


class ActionEmergency(Action):
    """Danger first: emergency numbers at once, the on-call officer alerted, then continue if possible."""

    def name(self) -> str:
        return "action_emergency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = _text(tracker)
        language = _language(tracker)
        now = now_utc()
        assessment = detect_emergency(text) if not text.startswith("/") else None
        entity_signals = [
            str(e.get("value"))
            for e in (tracker.latest_message or {}).get("entities") or []
            if e.get("entity") == "emergency_signal"
        ]
        signals = sorted(
            {
                *(tracker.get_slot("emergency_signals") or []),
                *entity_signals,
                *(assessment.signals if assessment else ()),
            }
        )
        if not signals:
            # The person said they are in danger (or pressed the button) without details.
            signals = ["danger_now"]
        unit = unit_for(tracker)
        numbers = format_numbers(language)
        dispatcher.utter_message(response="utter_emergency", emergency_numbers=numbers)
        if "suicidal" in signals:
            dispatcher.utter_message(response="utter_suicide_support")

        alerted = await self._alert(tracker, signals, unit)
        if alerted:
            dispatcher.utter_message(response="utter_on_call_alerted", unit_name=unit.name)

        events: list[EventType] = [SlotSet("emergency_signals", signals)]
        slots = tracker.current_slot_values()
        if not text.startswith("/"):
            facts = flow.volunteered_facts(text, now, slots)
            events += _slot_events(facts)
            if tracker.get_slot("requested_slot") == "narrative":
                events.append(SlotSet("narrative", text))

        status = tracker.get_slot("intake_status")
        if (
            tracker.get_slot("requested_slot") == "safe_to_talk"
            and extract.parse_yes_no(text) is False
        ):
            # "tidak aman, suami di rumah" answers the safety question too: after the numbers, pause
            # here and wait, rather than leave the dialogue policies a state no rule describes.
            dispatcher.utter_message(response="utter_not_safe")
            return [*events, *pause_events(status), FollowupAction("action_listen")]
        if tracker.active_loop_name == FORM:
            dispatcher.utter_message(response="utter_emergency_continue")
            return events
        if status in (None, "in_progress", "paused_not_safe"):
            dispatcher.utter_message(response="utter_emergency_continue")
            events += _slot_events(unit_values(unit, language, now))
            events += [SlotSet("intake_status", "in_progress"), FollowupAction(FORM)]
        return events

    @staticmethod
    async def _alert(tracker: Tracker, signals: list[str], unit: Unit) -> bool:
        payload = {
            "conversation_id": tracker.sender_id,
            "signals": signals,
            "language": _language(tracker),
            "channel": channel_of(tracker.sender_id),
            "unit_id": unit.id,
        }
        try:
            answer = await bridge_client.raise_alert(payload)
        except Exception:
            # The numbers were already given; a failed alert must not silence the conversation.
            log.exception("emergency alert failed")
            return False
        return bool(answer.get("alerted"))


class ActionNotSafe(Action):
    """Stops at once, keeps what was said so far, and says how to come back and clear the chat."""

    def name(self) -> str:
        return "action_not_safe"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offer_danger_check(dispatcher, tracker)
        dispatcher.utter_message(response="utter_not_safe")
        return pause_events(tracker.get_slot("intake_status"))


def pause_events(status: str | None) -> list[EventType]:
    """Stop asking, keep the answers; safety is asked again when the person comes back."""
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("safe_to_talk", None),
        SlotSet("intake_status", "submitted" if status == "submitted" else "paused_not_safe"),
    ]


class ActionQuickExit(Action):
    """ "stop" / "hapus": ends now, forgets the unsent report, and asks the gateway to erase the chat."""

    def name(self) -> str:
        return "action_quick_exit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_quick_exit")
        dispatcher.utter_message(json_message={"erase_chat": True})
        return [ActiveLoop(None), *reset_form(_language(tracker))]


class ActionAnswerQuestion(Action):
    """Answers a question asked out of turn; the rules then resume the form if one was active."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offer_danger_check(dispatcher, tracker)
        response = QUESTION_RESPONSES.get(_intent(tracker) or "", "utter_info_menu")
        values = unit_values(unit_for(tracker), _language(tracker), now_utc())
        dispatcher.utter_message(response=response, **values)
        return _slot_events(values)


class ActionSharedMedia(Action):
    def name(self) -> str:
        return "action_shared_media"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_media_received")
        return []


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offer_danger_check(dispatcher, tracker)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionDefaultFallback(Action):
    """Never silent: an unsure turn gets choices, the emergency number, and the form question again."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop_name == FORM:
            dispatcher.utter_message(response="utter_default_in_form")
            return [FollowupAction(FORM)]
        if tracker.get_slot("intake_status") == "submitted":
            dispatcher.utter_message(
                response="utter_already_submitted",
                ticket_reference=tracker.get_slot("ticket_reference"),
            )
        else:
            dispatcher.utter_message(response="utter_default")
        # As Rasa's own fallback does: forget the unclear message, so the policies do not predict
        # the fallback again on the same state (a loop of "sorry" messages).
        return [UserUtteranceReverted()]


class ActionAskPlace(Action):
    """Asks where the victim lives; offers the matching places as buttons when the answer was ambiguous."""

    def name(self) -> str:
        return "action_ask_place"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        candidates = tracker.get_slot("place_candidates") or []
        if not candidates:
            dispatcher.utter_message(response="utter_ask_place")
            return []
        buttons = [
            {"title": region_label(c)[:60], "payload": f'/inform{{"choice":"{i}"}}'}
            for i, c in enumerate(candidates, start=1)
        ]
        choices = "\n".join(f"{i}. {region_label(c)}" for i, c in enumerate(candidates, start=1))
        dispatcher.utter_message(
            response="utter_ask_place_choose", buttons=buttons, choices=choices
        )
        return []


class ActionAskConfirmed(Action):
    """Shows the summary and asks to confirm or correct."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        summary = build_summary(tracker.current_slot_values(), _language(tracker))
        dispatcher.utter_message(response="utter_summary", summary=summary)
        return []


class ActionFinishIntake(Action):
    """After the form: hand the ticket to the bridge, or close a declined / paused intake kindly."""

    def name(self) -> str:
        return "action_finish_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots = tracker.current_slot_values()
        language = _language(tracker)
        if slots.get("safe_to_talk") is False:
            return await ActionNotSafe().run(dispatcher, tracker, domain)
        if slots.get("consent_record") is not True:
            return await self._declined(dispatcher, tracker, language)
        if slots.get("confirmed") is not True:
            return []
        return await self._submit(dispatcher, tracker, slots, language)

    @staticmethod
    async def _declined(
        dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_consent_declined")
        try:
            await bridge_client.count_anonymous(
                {"channel": channel_of(tracker.sender_id), "language": language}
            )
        except Exception:
            log.warning("anonymous count not recorded")
        # Nothing of a declined report is kept in the conversation state either.
        return [*reset_form(language), SlotSet("intake_status", "declined")]

    @staticmethod
    async def _submit(
        dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any], language: str
    ) -> list[EventType]:
        now = now_utc()
        try:
            submission = build_submission(slots, sender_id=tracker.sender_id, now=now)
        except ValueError:
            # A gap between the form and the contract must not leave the reporter with silence.
            log.exception("submission does not fit the ticket contract")
            dispatcher.utter_message(response="utter_submit_failed")
            return [SlotSet("confirmed", None), FollowupAction(FORM)]
        # Same conversation + same consent moment = same report, so a retry never makes two tickets.
        key_source = f"{tracker.sender_id}|{slots.get('consent_given_at')}"
        idempotency_key = hashlib.sha256(key_source.encode()).hexdigest()[:32]
        try:
            result = await bridge_client.submit_ticket(submission, idempotency_key=idempotency_key)
        except Exception:
            log.exception("ticket submission failed")
            dispatcher.utter_message(response="utter_submit_failed")
            return [SlotSet("confirmed", None), FollowupAction(FORM)]

        reference = str(result["reference"])
        dispatcher.utter_message(
            response="utter_ticket_created",
            ticket_reference=reference,
            call_center=str(result.get("call_center_phone") or ""),
        )
        for response, values in next_steps(slots, result, language):
            dispatcher.utter_message(response=response, **values)
        if slots.get("shared_device") is True:
            dispatcher.utter_message(response="utter_delete_chat_reminder")
        return [
            *reset_form(language),
            SlotSet("ticket_reference", reference),
            SlotSet("intake_status", "submitted"),
        ]


def next_steps(
    slots: dict[str, Any], result: dict[str, Any], language: str
) -> list[tuple[str, dict[str, str]]]:
    """Which "what happens next" responses to send, honouring how and when contact is allowed."""
    unit = get_unit(str(result["unit_id"])) if result.get("unit_id") else None
    values = {
        "unit_name": str(result.get("unit_name") or ""),
        "next_opening": hours.format_next_opening(unit, now_utc(), language) if unit else "",
    }
    if result.get("on_call_alerted"):
        first = "utter_next_on_call"
    elif result.get("risk_level") in ("emergency", "high"):
        first = "utter_next_urgent"
    else:
        first = "utter_next_regular"
    steps = [(first, values)]
    if slots.get("contact_allowed") is not True:
        steps.append(("utter_contact_none", {}))
        return steps
    channel = str(slots.get("contact_channel") or "this_chat")
    times = slots.get("safe_times")
    windows = ", ".join(
        f"{w.get('start')}–{w.get('end')}" for w in times or [] if isinstance(w, dict)
    )
    steps.append(
        (
            "utter_contact_planned",
            {
                "contact_how": label("contact_channel", channel, language),
                "contact_window": windows or "-",
            },
        )
    )
    return steps
