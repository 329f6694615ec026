"""The intake form: one validation action with the behaviour every question shares.

Each turn: an interruption (emergency, a question, "stop") is left to the rules; otherwise the
message may skip the question, correct an earlier answer, answer the question asked (typed or a
button), and volunteer other facts. The order of questions is `flow.required_slots`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import flow
from actions.danger import offer_danger_check
from lapor_aman import extract
from lapor_aman.emergency import format_numbers

# Always answered by their rules, whatever question is open: danger first, and the way out.
HARD_INTERRUPTIONS = frozenset({"emergency", "stop", "restart"})
# Answered by their rules unless the message also answers the open question: the classifier
# cannot know which question was asked ("Ya, saya bersedia" read as not_safe, "I'm her sister" as
# bot_challenge), the parsers of that question can.
SOFT_INTERRUPTIONS = frozenset(
    {
        "not_safe",
        "use_english",
        "use_indonesian",
        "ask_cost",
        "ask_confidential",
        "ask_office",
        "ask_service",
        "ask_visum",
        "ask_safe_house",
        "ask_police_report",
        "ask_next_steps",
        "bot_challenge",
        "request_info",
        "out_of_scope",
        "shared_media",
        "goodbye",
        "thank",
    }
)
# Free-text questions take the words as the answer unless the message is clearly something else.
FREE_TEXT_SLOTS = frozenset({"narrative", "code_word", "victim_disability"})
# Below this many words a "not safe" message during the story is a pause, not the story.
SHORT_MESSAGE_WORDS = 5
# A longer message at the place question is probably not a place name (let the rules answer it).
PLACE_ANSWER_MAX_WORDS = 4
# A "not safe" message this short may just be a plain answer ("tidak ada", "Ya, saya bersedia").
NOT_SAFE_ANSWER_MAX_WORDS = 3
# Answers never taken from a message the classifier reads as an emergency (safety and consent).
NEVER_FROM_AN_EMERGENCY = frozenset(
    {"safe_to_talk", "consent_record", "contact_allowed", "confirmed"}
)
# A code word this short is only a code word, whatever the classifier reads in it.
CODE_WORD_MAX_WORDS = 2
# Facts beyond the question asked are read only from messages at least this long.
VOLUNTEERED_FACTS_MIN_WORDS = 4
# Yes/no questions whose answer must be given as such, never read out of another kind of message.
ASK_ONLY_YES_NO = frozenset(
    {
        "safe_to_talk",
        "shared_device",
        "consent_record",
        "contact_allowed",
        "confirmed",
        "consent_share",
    }
)


def now_utc() -> datetime:
    return datetime.now(UTC)


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return flow.required_slots(tracker.current_slot_values())

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        updates = self.updates_for_message(dispatcher, tracker)
        return [SlotSet(slot, value) for slot, value in updates.items()]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Answers were parsed and checked while extracting. The default would drop every slot that
        # is not a question of the form (the resolved region, place choices, the consent time...).
        return [SlotSet(slot, value) for slot, value in tracker.slots_to_validate().items()]

    def updates_for_message(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        text = str(message.get("text") or "")
        entities = list(message.get("entities") or [])
        requested = tracker.get_slot("requested_slot")
        slots = tracker.current_slot_values()
        now = now_utc()
        if requested:
            # Before anything else, whatever the message turns out to answer. Not when the form
            # starts: the opening and the safety question already offer 112 and the button.
            offer_danger_check(dispatcher, tracker)

        is_payload = text.startswith("/")
        if intent == "emergency" and not is_payload and not self._net_fired(message):
            plain = self._classifier_only_emergency(dispatcher, text, requested, slots, now)
            if plain:
                return plain
        if intent in HARD_INTERRUPTIONS or (is_payload and intent in SOFT_INTERRUPTIONS):
            return {}
        if intent in SOFT_INTERRUPTIONS:
            return self._answer_despite_intent(
                dispatcher, tracker, intent, text, requested, slots, now
            )

        updates: dict[str, Any] = {}

        skipping = intent == "skip" or (not is_payload and extract.is_skip(text))
        if (
            requested
            and skipping
            and not self._plainly_answers(requested, text, is_payload, slots, now)
        ):
            return self._skip(dispatcher, requested, slots)

        corrected = None if is_payload else flow.correction(text, now)
        if corrected and (intent == "correct" or requested not in FREE_TEXT_SLOTS):
            dispatcher.utter_message(response="utter_corrected")
            updates.update(corrected)
            requested_answer = None
        else:
            requested_answer = self._answer(requested, text, entities, intent, slots, now)

        if requested and requested_answer is not None:
            updates.update(self._apply_answer(dispatcher, requested, requested_answer, slots, now))
        elif requested == "place" and not corrected and not is_payload:
            self._place_not_understood(dispatcher, text, now, updates)
        elif requested == "contact_phone" and not corrected and any(ch.isdigit() for ch in text):
            dispatcher.utter_message(response="utter_invalid_phone")
            # Counts as handled, so the form asks for the number again instead of a generic "sorry".
            updates["contact_phone"] = None

        # A short answer ("masih anak-anak", "cowok") is only the answer: reading facts out of it
        # would turn "masih" into "still happening" and "cowok" into a boyfriend.
        says_more = requested is None or len(text.split()) >= VOLUNTEERED_FACTS_MIN_WORDS
        if not is_payload and requested not in FREE_TEXT_SLOTS and says_more:
            add_volunteered_facts(updates, text, now, slots)

        merged = {**slots, **updates}
        mode = flow.child_mode(merged)
        if mode != bool(slots.get("child_mode")):
            updates["child_mode"] = mode
        return updates

    # --- pieces --------------------------------------------------------------------------

    def _plainly_answers(
        self,
        requested: str,
        text: str,
        is_payload: bool,
        slots: dict[str, Any],
        now: datetime,
    ) -> bool:
        """A message the classifier alone reads as "skip" that the question's parser understands.

        "yang diperlukan aja" at the sharing question is an answer ("as needed"), not a skip. Free
        text questions take any words, so there the classifier's "skip" stands.
        """
        if is_payload or requested in FREE_TEXT_SLOTS or extract.is_skip(text):
            return False
        return self._typed_answer(requested, text, slots, now) is not None

    def _typed_answer(
        self, requested: str, text: str, slots: dict[str, Any], now: datetime
    ) -> flow.Parsed | None:
        """What the open question's own parser reads in the words, whatever the classifier said."""
        parsed = self._answer(requested, text, [], None, slots, now)
        return None if parsed is None or parsed.value is None else parsed

    @staticmethod
    def _net_fired(message: dict[str, Any]) -> bool:
        return any(e.get("entity") == "emergency_signal" for e in message.get("entities") or [])

    def _classifier_only_emergency(
        self,
        dispatcher: CollectingDispatcher,
        text: str,
        requested: str | None,
        slots: dict[str, Any],
        now: datetime,
    ) -> dict[str, Any]:
        """The classifier alone says "emergency" but the words plainly answer the question asked.

        "dia susah jalan, pakai kursi roda" at the disability question: the numbers are still given
        (a missed emergency is the worst error), and the answer is kept instead of being lost.
        """
        if not requested or requested in NEVER_FROM_AN_EMERGENCY or "?" in text:
            return {}
        parsed = self._typed_answer(requested, text, slots, now)
        if parsed is None:
            return {}
        # A code word is a word or two ("melati"), not a report: the classifier alone cannot read
        # danger in it, so it is taken without the emergency message.
        if not (requested == "code_word" and len(text.split()) <= CODE_WORD_MAX_WORDS):
            language = str(slots.get("language") or "id")
            dispatcher.utter_message(
                response="utter_emergency", emergency_numbers=format_numbers(language)
            )
        updates = self._apply_answer(dispatcher, requested, parsed, slots, now)
        if len(text.split()) >= VOLUNTEERED_FACTS_MIN_WORDS:
            add_volunteered_facts(updates, text, now, slots)
        return updates

    def _answer_despite_intent(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        intent: str,
        text: str,
        requested: str | None,
        slots: dict[str, Any],
        now: datetime,
    ) -> dict[str, Any]:
        """A message classified as an interruption that may still answer the open question."""
        if not requested or "?" in text:
            return {}  # a question is answered by its rule; the form then asks again
        if intent == "not_safe":
            # A pause wins, except where the words plainly answer a safety question or tell the story.
            if requested == "safe_to_talk":
                return {"safe_to_talk": False}
            if requested == "shared_device":
                # "hp ini dipakai bareng suami": someone else does read this phone.
                said = extract.parse_yes_no(text)
                return self._apply_answer(
                    dispatcher,
                    requested,
                    flow.Parsed(True if said is None else said),
                    slots,
                    now,
                )
            if requested == "narrative":
                if len(text.split()) < SHORT_MESSAGE_WORDS:
                    return {}
            elif len(text.split()) > NOT_SAFE_ANSWER_MAX_WORDS and not starts_with_yes_or_no(text):
                return {}
        elif requested in ASK_ONLY_YES_NO and extract.parse_yes_no(text) is not False:
            # "makasih ya kak" holds a "ya" but is not consent: a yes is never inferred here; a
            # plain no ("jangan, saya yang menghubungi") is safe to take as the answer.
            return {}
        parsed = self._typed_answer(requested, text, slots, now)
        if parsed is None:
            return {}
        return self._apply_answer(dispatcher, requested, parsed, slots, now)

    def _answer(
        self,
        requested: str | None,
        text: str,
        entities: list[dict[str, Any]],
        intent: str | None,
        slots: dict[str, Any],
        now: datetime,
    ) -> flow.Parsed | None:
        if not requested:
            return None
        from_button = flow.answer_from_entities(requested, entities)
        if from_button is not None:
            return from_button
        if requested == "place" and slots.get("place_candidates"):
            chosen = self._chosen_candidate(text, entities, slots["place_candidates"])
            if chosen is not None:
                return flow.Parsed(
                    chosen["label"], {"region": chosen["region"], "place_candidates": None}
                )
        if text.startswith("/"):
            return self._answer_from_intent(requested, intent)
        return flow.parse_answer(requested, text, now) or self._answer_from_intent(
            requested, intent
        )

    @staticmethod
    def _answer_from_intent(requested: str, intent: str | None) -> flow.Parsed | None:
        # A yes/no button, or a yes/no the classifier recognised in words the parser missed.
        yes_no_slots = {
            "safe_to_talk",
            "shared_device",
            "consent_record",
            "contact_allowed",
            "perpetrator_lives_with_victim",
            "ongoing",
        }
        if requested in yes_no_slots and intent in ("affirm", "deny"):
            return flow.Parsed(intent == "affirm")
        if requested == "confirmed" and intent == "affirm":
            return flow.Parsed(True)
        if requested == "victim_disability" and intent == "deny":
            return flow.Parsed("none")
        if requested == "consent_share" and intent in ("affirm", "deny"):
            return flow.Parsed("as_needed" if intent == "affirm" else [])
        return None

    @staticmethod
    def _chosen_candidate(
        text: str, entities: list[dict[str, Any]], candidates: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        choice = next((e.get("value") for e in entities if e.get("entity") == "choice"), None)
        lowered = text.strip().lower()
        for index, candidate in enumerate(candidates, start=1):
            label = region_label(candidate)
            if choice is not None and str(choice) == str(index):
                return {"label": label, "region": candidate}
            if lowered in (str(index), label.lower()):
                return {"label": label, "region": candidate}
        return None

    def _apply_answer(
        self,
        dispatcher: CollectingDispatcher,
        requested: str,
        answer: flow.Parsed,
        slots: dict[str, Any],
        now: datetime,
    ) -> dict[str, Any]:
        updates: dict[str, Any] = dict(answer.extra or {})
        if answer.value is not None:
            updates[requested] = answer.value
        if requested == "consent_record" and answer.value is True:
            updates["consent_given_at"] = now.isoformat()
        if requested == "shared_device" and answer.value is True:
            dispatcher.utter_message(response="utter_shared_device_advice")
        if requested == "contact_allowed" and answer.value is False:
            updates.update(
                {
                    "contact_channel": None,
                    "contact_phone": None,
                    "safe_times": None,
                    "code_word": None,
                }
            )
        return updates

    @staticmethod
    def _skip(
        dispatcher: CollectingDispatcher, requested: str, slots: dict[str, Any]
    ) -> dict[str, Any]:
        if requested == "consent_record":
            # No answer is no consent: nothing is recorded.
            return {"consent_record": False}
        if requested == "confirmed":
            return {}
        if requested == "contact_allowed":
            return {"contact_allowed": False}
        dispatcher.utter_message(response="utter_noted_skip")
        updates: dict[str, Any] = {requested: flow.SKIPPED}
        if requested == "place":
            updates["place_candidates"] = None
        return updates

    @staticmethod
    def _place_not_understood(
        dispatcher: CollectingDispatcher, text: str, now: datetime, updates: dict[str, Any]
    ) -> None:
        parsed = flow.parse_answer("place", text, now)
        if parsed is not None and parsed.value is None and parsed.extra:
            # Ambiguous: keep the candidates; action_ask_place offers them as buttons.
            updates.update(parsed.extra)
            updates["place"] = None
        elif parsed is None and len(text.split()) <= PLACE_ANSWER_MAX_WORDS:
            dispatcher.utter_message(response="utter_place_unknown")
            updates["place_candidates"] = None


def add_volunteered_facts(
    updates: dict[str, Any], text: str, now: datetime, slots: dict[str, Any]
) -> None:
    """Adds facts the message gives beyond its answer, never overriding what this turn set."""
    for slot, value in flow.volunteered_facts(text, now, {**slots, **updates}).items():
        updates.setdefault(slot, value)


def starts_with_yes_or_no(text: str) -> bool:
    """ "Tidak, pelaku tidak tinggal bersama korban." opens with its answer."""
    first = text.strip().split(maxsplit=1)[0].strip(",.!") if text.strip() else ""
    return extract.parse_yes_no(first) is not None


def region_label(region: dict[str, Any]) -> str:
    city = (region.get("city") or {}).get("name")
    province = (region.get("province") or {}).get("name")
    return f"{city}, {province}" if city and province else str(city or province or "?")
