"""Rasa NLU component: the deterministic emergency safety net, placed last in the pipeline.

For every message it runs ``lapor_aman.safety.detect_emergency``. When that fires, the intent
becomes ``emergency`` with confidence 1.0 (the classifiers' ranking is kept after it) and one
``emergency_signal`` entity is added per signal. It also adds a ``language`` entity ("id"/"en")
when ``lapor_aman.language.detect_language`` is sure.

One more deterministic check: a message classified as a request to switch language that names no
language ("anggrek", typed as a code word) is not such a request; it becomes ``nlu_fallback``
(unclear), so a one-word answer cannot flip the conversation into another language.

Pipeline entry (config.yml), after DIETClassifier and FallbackClassifier:

    - name: bot.safety_net.SafetyNet

Runs inside the Rasa engine (Python 3.10, rasa 3.6) with the project root on sys.path.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from lapor_aman.language import detect_language, mentions_a_language
from lapor_aman.safety import detect_emergency

EMERGENCY_INTENT_KEY = "emergency_intent"
SIGNAL_ENTITY_KEY = "signal_entity"
LANGUAGE_ENTITY_KEY = "language_entity"
LANGUAGE_SWITCH_INTENTS = frozenset({"use_english", "use_indonesian"})
FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent, IntentClassifier):
    """Overrides the intent with ``emergency`` when the deterministic safety net fires."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            EMERGENCY_INTENT_KEY: "emergency",
            SIGNAL_ENTITY_KEY: "emergency_signal",
            LANGUAGE_ENTITY_KEY: "language",
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self.validate_config(self.component_config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text:
                self._process_one(message, text)
        return messages

    def _process_one(self, message: Message, text: str) -> None:
        entities: list[dict[str, Any]] = list(message.get(ENTITIES) or [])
        assessment = detect_emergency(text)
        if assessment.is_emergency:
            self._set_emergency_intent(message)
            entities.extend(
                self._entity(self.component_config[SIGNAL_ENTITY_KEY], signal, text)
                for signal in assessment.signals
            )
        elif self._intent_name(message) in LANGUAGE_SWITCH_INTENTS and not mentions_a_language(
            text
        ):
            # Unclear rather than any other intent: the fallback asks again (and gives 112); inside
            # the form the open question's parser still reads the words as its answer.
            self._override_intent(message, FALLBACK_INTENT, dropped=LANGUAGE_SWITCH_INTENTS)
        language = detect_language(text)
        if language is not None:
            entities.append(
                self._entity(self.component_config[LANGUAGE_ENTITY_KEY], language, text)
            )
        message.set(ENTITIES, entities, add_to_output=True)

    def _set_emergency_intent(self, message: Message) -> None:
        self._override_intent(message, self.component_config[EMERGENCY_INTENT_KEY])

    @staticmethod
    def _override_intent(
        message: Message, name: str, dropped: frozenset[str] = frozenset()
    ) -> None:
        """Make ``name`` the intent (confidence 1.0) and put it first in the ranking, which keeps
        the classifiers' other guesses after it, minus ``dropped``."""
        intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking: list[dict[str, Any]] = message.get(INTENT_RANKING_KEY) or []
        kept = [
            dict(entry)
            for entry in ranking
            if entry.get(INTENT_NAME_KEY) != name and entry.get(INTENT_NAME_KEY) not in dropped
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(intent), *kept], add_to_output=True)

    @staticmethod
    def _intent_name(message: Message) -> Any:
        return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)

    def _entity(self, entity_type: str, value: str, text: str) -> dict[str, Any]:
        # The signal is about the whole message, so the entity spans all of it.
        return {
            ENTITY_ATTRIBUTE_TYPE: entity_type,
            ENTITY_ATTRIBUTE_VALUE: value,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: len(text),
            ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
            EXTRACTOR: self.__class__.__name__,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["yaml"]

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        """Names must be non-empty strings: a wrong value would silently disable the override."""
        for key in (EMERGENCY_INTENT_KEY, SIGNAL_ENTITY_KEY, LANGUAGE_ENTITY_KEY):
            value = config.get(key)
            if not isinstance(value, str) or not value:
                raise ValueError(f"SafetyNet: '{key}' must be a non-empty string")
