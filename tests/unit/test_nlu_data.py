"""Checks on the NLU training data (data/nlu) and the held-out test set (tests/nlu/heldout).

The held-out set only measures generalisation if it was written separately: no held-out message may
equal or nearly equal (rapidfuzz ratio > 90) a training example.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from lapor_aman.nlu_examples import Example, read_examples
from lapor_aman.tickets.schema import PerpetratorRelation, ViolenceType

REPO_ROOT = Path(__file__).resolve().parents[2]
TRAINING_DIR = REPO_ROOT / "data" / "nlu"
HELDOUT_DIR = REPO_ROOT / "tests" / "nlu" / "heldout"

INTENTS = {
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "report_violence",
    "emergency",
    "not_safe",
    "skip",
    "correct",
    "inform",
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
    "stop",
    "restart",
    "use_english",
    "use_indonesian",
    "out_of_scope",
}
ENTITIES = {"age", "place", "relation", "violence_type"}
# The NLU labels exactly the ticket's enums, minus the catch-alls the action server fills in.
ENTITY_VALUES = {
    "relation": {member.value for member in PerpetratorRelation} - {"unknown"},
    "violence_type": {member.value for member in ViolenceType} - {"other"},
}
NEAR_COPY_RATIO = 90

LONG_DIGIT_RUN = re.compile(r"\+?\d[\d\s-]{7,}\d")
FICTIONAL_PHONE = re.compile(r"\+62 8\d{2}-0000-\d{4}")


@cache
def training() -> list[Example]:
    return read_examples([TRAINING_DIR])


@cache
def heldout() -> list[Example]:
    return read_examples([HELDOUT_DIR])


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def test_heldout_has_no_copy_or_near_copy_of_a_training_example() -> None:
    train_texts = [normalise(example.text) for example in training()]
    near_copies = []
    for example in heldout():
        match = process.extractOne(
            normalise(example.text), train_texts, scorer=fuzz.ratio, score_cutoff=NEAR_COPY_RATIO
        )
        if match:
            near_copies.append((example.text, match[0], round(match[1])))
    assert near_copies == []


def test_heldout_is_large_enough_and_covers_every_intent() -> None:
    counts = Counter(example.intent for example in heldout())
    assert sum(counts.values()) >= 450
    assert counts["emergency"] >= 100
    assert set(counts) == INTENTS
    assert min(counts.values()) >= 10, counts.most_common()[-3:]


def test_heldout_annotates_every_entity_and_every_value() -> None:
    entities = [entity for example in heldout() for entity in example.entities]
    assert {name for name, _, _ in entities} == ENTITIES
    assert {value for name, _, value in entities if name == "violence_type"} == ENTITY_VALUES[
        "violence_type"
    ]
    assert {value for name, _, value in entities if name == "relation"} == ENTITY_VALUES["relation"]


def test_training_data_has_every_intent_with_enough_examples() -> None:
    counts = Counter(example.intent for example in training() if example.intent in INTENTS)
    assert set(counts) == INTENTS
    assert min(counts.values()) >= 40, counts.most_common()[-3:]
    assert 1500 <= sum(counts.values()) <= 6000


def test_busy_intents_get_more_training_examples() -> None:
    counts = Counter(example.intent for example in training())
    for intent in ("report_violence", "emergency", "inform", "not_safe", "out_of_scope"):
        assert counts[intent] >= 80, intent


def test_only_known_intents_are_trained() -> None:
    # shared_media is sent by the gateways; data/nlu/media.yml only keeps its words apart.
    assert {example.intent for example in training()} <= INTENTS | {"shared_media"}


def test_heldout_leaves_gateway_only_intents_out() -> None:
    assert all(example.intent != "shared_media" for example in heldout())


@pytest.mark.parametrize("dataset", [training, heldout], ids=["training", "heldout"])
def test_entities_and_values_are_the_ones_the_domain_knows(
    dataset: Callable[[], list[Example]],
) -> None:
    for example in dataset():
        for name, text, value in example.entities:
            assert name in ENTITIES, example.raw
            if name in ENTITY_VALUES:
                assert value in ENTITY_VALUES[name], example.raw
            else:
                assert value is None, example.raw
            assert text == text.strip(), example.raw


@pytest.mark.parametrize("dataset", [training, heldout], ids=["training", "heldout"])
def test_no_message_is_labelled_with_two_intents(dataset: Callable[[], list[Example]]) -> None:
    intents_by_text: dict[str, set[str]] = defaultdict(set)
    for example in dataset():
        intents_by_text[normalise(example.text)].add(example.intent)
    assert {text: i for text, i in intents_by_text.items() if len(i) > 1} == {}


def test_no_message_appears_twice_in_training() -> None:
    counts = Counter(normalise(example.text) for example in training())
    assert [text for text, count in counts.items() if count > 1] == []


def test_a_surface_form_maps_to_one_synonym_value() -> None:
    values: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for example in training() + heldout():
        for name, text, value in example.entities:
            values[(name, text.lower())].add(value)
    assert {key: v for key, v in values.items() if len(v) > 1} == {}


@pytest.mark.parametrize("dataset", [training, heldout], ids=["training", "heldout"])
def test_phone_numbers_are_only_fictional(dataset: Callable[[], list[Example]]) -> None:
    for example in dataset():
        for number in LONG_DIGIT_RUN.findall(example.text):
            assert FICTIONAL_PHONE.fullmatch(number.strip()), example.text


def test_age_annotations_are_numbers() -> None:
    for example in training() + heldout():
        for name, text, _ in example.entities:
            if name == "age":
                assert re.fullmatch(r"\d{1,3}(an)?", text), example.raw
