"""The n-gram intent blend inside the Rasa engine environment (Python 3.10, rasa 3.6, scikit-learn).

Runs the engine's own interpreter in a subprocess with the project root as working directory (as
the engine runs): trains ``LexicalIntentBlend`` on a small synthetic training set, persists it in a
real ``LocalModelStorage``, loads it back and processes messages that carry a DIET-like ranking.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[3]
ENGINE_PYTHON = PROJECT_ROOT / ".venv" / "engine" / "bin" / "python"

pytestmark = pytest.mark.skipif(
    not ENGINE_PYTHON.exists(),
    reason=f"Rasa engine environment not installed at {ENGINE_PYTHON}: run `make install`",
)

# argv[1]: JSON {"train": {intent: [texts]}, "cases": [{"text", "ranking"}], "config": {...}}.
_SCRIPT = r"""
import json, sys, tempfile
from pathlib import Path
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from bot.intent_blend import LexicalIntentBlend
from lapor_aman.normalize import normalize

spec = json.loads(sys.argv[1])
config = {**LexicalIntentBlend.get_default_config(), **spec.get("config", {})}
examples = [
    Message(data={TEXT: text, INTENT: intent})
    for intent, texts in spec["train"].items()
    for text in texts
]
context = ExecutionContext(GraphSchema({}), "test")
with tempfile.TemporaryDirectory() as tmp:
    storage = LocalModelStorage(Path(tmp))
    resource = Resource("intent_blend")
    trained = LexicalIntentBlend.create(config, storage, resource, context)
    trained.train(TrainingData(training_examples=examples))
    loaded = LexicalIntentBlend.load(config, storage, resource, context)
    untrained = LexicalIntentBlend.load(config, storage, Resource("never_trained"), context)

probe = ["gratis gak", "kantornya dmn kak", "halooo", "berapa biayanya", "hai, is this free?"]

def run(component, case):
    message = Message(data={TEXT: case["text"]})
    if case.get("ranking"):
        message.set(INTENT, dict(case["ranking"][0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(r) for r in case["ranking"]], add_to_output=True)
    processed = component.process([message])[0]
    return {
        "intent": processed.get(INTENT),
        "ranking": processed.get(INTENT_RANKING_KEY),
        "output": sorted(processed.output_properties),
    }

print(json.dumps({
    "loaded": [run(loaded, case) for case in spec["cases"]],
    "untrained": [run(untrained, case) for case in spec["cases"]],
    "classes": sorted(str(c) for c in loaded._pipeline.classes_),
    "max_difference": float(abs(
        loaded.probabilities([normalize(text) for text in probe])
        - loaded._pipeline.predict_proba([normalize(text) for text in probe])
    ).max()),
}))
"""

TRAIN = {
    "ask_cost": [
        "ini gratis?",
        "bayar gak kak",
        "berapa biayanya",
        "is this free?",
        "do I have to pay",
        "visumnya bayar?",
    ],
    "ask_office": [
        "kantornya di mana",
        "alamat kantor dinas",
        "where is your office",
        "buka jam berapa",
        "kantor buka hari sabtu?",
        "what time do you open",
    ],
    "greet": ["halo kak", "hai", "selamat malam", "hello", "permisi kak", "assalamualaikum"],
}


def _in_engine(script: str, *args: str, timeout: int = 120) -> Any:
    """Run a script in the engine environment (Rasa, scikit-learn); its last line is JSON."""
    completed = subprocess.run(
        [str(ENGINE_PYTHON), "-c", script, *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _run(train: dict, cases: list[dict], config: dict | None = None) -> dict:
    spec = {"train": train, "cases": cases, "config": config or {}}
    return dict(_in_engine(_SCRIPT, json.dumps(spec), timeout=300))


@pytest.fixture(scope="module")
def results() -> dict:
    flat = [
        {"name": "ask_cost", "confidence": 0.34},
        {"name": "ask_office", "confidence": 0.33},
        {"name": "greet", "confidence": 0.33},
    ]
    cases = [
        # DIET unsure (flat): the n-gram model, which has seen "gratis" and "bayar", decides.
        {"text": "gratis gak", "ranking": flat},
        {"text": "kantor kalian di mana", "ranking": flat},
        # DIET sure and the n-gram model agreeing: stays sure.
        {
            "text": "halo kak",
            "ranking": [
                {"name": "greet", "confidence": 0.97},
                {"name": "ask_cost", "confidence": 0.02},
                {"name": "ask_office", "confidence": 0.01},
            ],
        },
        # DIET ranked only one intent: the others count as the floor, not as missing.
        {"text": "berapa biayanya kak", "ranking": [{"name": "ask_office", "confidence": 1.0}]},
        # No DIET ranking at all: the n-gram model alone.
        {"text": "where is the office", "ranking": []},
        {"text": "", "ranking": flat},
        # No words: the n-gram model would only give its priors, so DIET's ranking stays.
        {"text": "???", "ranking": flat},
        {"text": "\U0001f62d\U0001f62d", "ranking": flat},
    ]
    return _run(TRAIN, cases)


def test_trains_persists_and_loads_one_class_per_intent(results: dict) -> None:
    assert results["classes"] == ["ask_cost", "ask_office", "greet"]


def test_the_fast_probabilities_equal_sklearns_predict_proba(results: dict) -> None:
    assert results["max_difference"] < 1e-9


def test_the_ngram_model_decides_when_diet_is_unsure(results: dict) -> None:
    cost, office = results["loaded"][0], results["loaded"][1]

    assert cost["intent"]["name"] == "ask_cost"
    assert office["intent"]["name"] == "ask_office"
    # Flat DIET confidences, so the pooled winner must be clearly ahead of 1/3.
    assert cost["intent"]["confidence"] > 0.4
    assert {"intent", "intent_ranking"} <= set(cost["output"])


def test_agreement_stays_confident_and_the_ranking_is_a_distribution(results: dict) -> None:
    greet = results["loaded"][2]

    assert greet["intent"]["name"] == "greet"
    assert greet["intent"]["confidence"] > 0.9
    assert greet["intent"] == greet["ranking"][0]
    confidences = [entry["confidence"] for entry in greet["ranking"]]
    assert confidences == sorted(confidences, reverse=True)
    assert math.isclose(sum(confidences), 1.0, rel_tol=1e-6)
    assert {entry["name"] for entry in greet["ranking"]} == {"greet", "ask_cost", "ask_office"}


def test_pooling_is_a_weighted_geometric_mean(results: dict) -> None:
    # DIET gave ask_office 1.0 and nothing else; with weight 0.5 the pooled confidence of each
    # intent is sqrt((diet + floor) * (ngram + floor)), renormalised. ask_office keeps DIET's
    # support, the others only the floor, so the n-gram model alone cannot outvote a sure DIET
    # by a wide margin, but it can pull its confidence down.
    ranking = {e["name"]: e["confidence"] for e in results["loaded"][3]["ranking"]}
    assert set(ranking) == {"ask_cost", "ask_office", "greet"}
    assert ranking["ask_office"] < 1.0
    assert ranking["ask_cost"] > ranking["greet"]


def test_without_a_diet_ranking_the_ngram_model_alone_decides(results: dict) -> None:
    office = results["loaded"][4]
    assert office["intent"]["name"] == "ask_office"


def test_an_empty_text_is_left_as_it_came(results: dict) -> None:
    empty = results["loaded"][5]
    assert empty["intent"] == {"name": "ask_cost", "confidence": 0.34}
    assert [e["confidence"] for e in empty["ranking"]] == [0.34, 0.33, 0.33]


def test_a_message_without_words_keeps_diets_ranking(results: dict) -> None:
    for result in results["loaded"][6:8]:
        assert result["intent"] == {"name": "ask_cost", "confidence": 0.34}
        assert [e["confidence"] for e in result["ranking"]] == [0.34, 0.33, 0.33]


def test_a_component_with_nothing_persisted_passes_diet_through(results: dict) -> None:
    assert results["untrained"][0]["intent"] == {"name": "ask_cost", "confidence": 0.34}
    assert results["untrained"][2]["intent"] == {"name": "greet", "confidence": 0.97}


def test_the_config_is_checked() -> None:
    script = r"""
import json
from bot.intent_blend import LexicalIntentBlend
bad = [{"diet_weight": 1.5}, {"diet_weight": True}, {"C": 0}, {"char_ngrams": [5, 1]},
       {"word_ngrams": [1]}, {"ranking_length": 0}, {"sentence_embedding_weight": -1},
       {"sentence_embedding_weight": "1"}]
errors = []
for override in bad:
    try:
        LexicalIntentBlend.validate_config({**LexicalIntentBlend.get_default_config(), **override})
        errors.append(None)
    except ValueError as error:
        errors.append(str(error))
LexicalIntentBlend.validate_config(LexicalIntentBlend.get_default_config())
print(json.dumps(errors))
"""
    errors = _in_engine(script)
    assert all(errors), errors
    assert "diet_weight" in errors[0] and "C" in errors[2] and "ranking_length" in errors[5]
    assert all("sentence_embedding_weight" in error for error in errors[6:])


def test_the_sentence_embedding_places_meanings_not_spellings_together(tmp_path: Path) -> None:
    # The pretrained encoder is what the n-grams cannot be: the same question in Indonesian chat
    # spelling and in English share almost no character n-grams but lie close together.
    script = r"""
import json, sys
from pathlib import Path
import joblib, numpy as np
from bot.intent_blend import LexicalIntentBlend, SentenceEmbedding
texts = ["kantornya di mana", "where is your office", "berapa biayanya",
         "suami saya memukul saya", "my husband hit me", "terima kasih kak"]
rows = SentenceEmbedding(weight=1.0).fit(texts).transform(texts).toarray()
doubled = SentenceEmbedding(weight=2.0).transform(texts[:1]).toarray()
empty = SentenceEmbedding().transform([])
pipeline = LexicalIntentBlend({}, None, None)._new_pipeline()
without = LexicalIntentBlend({"sentence_embedding_weight": 0}, None, None)._new_pipeline()
train = ["kantornya di mana", "alamat kantor", "ini gratis?", "bayar gak", "halo", "hai kak"]
pipeline.fit(train, ["office", "office", "cost", "cost", "greet", "greet"])
joblib.dump(pipeline, Path(sys.argv[1]) / "model.joblib")
print(json.dumps({
    "shape": list(rows.shape), "norms": np.linalg.norm(rows, axis=1).tolist(),
    "similarity": (rows @ rows.T).tolist(),
    "doubled": float(np.linalg.norm(doubled)), "empty": list(empty.shape),
    "parts": [len(pipeline.steps[0][1].transformer_list), len(without.steps[0][1].transformer_list)],
    "persisted_bytes": (Path(sys.argv[1]) / "model.joblib").stat().st_size,
    "english_office": str(pipeline.predict(["where is the office located"])[0]),
}))
"""
    result = _in_engine(script, str(tmp_path))
    assert result["shape"] == [6, 512]
    assert all(math.isclose(norm, 1.0, rel_tol=1e-4) for norm in result["norms"])
    assert math.isclose(result["doubled"], 2.0, rel_tol=1e-4)
    assert result["empty"] == [0, 512]
    similarity = result["similarity"]
    # office (id) ~ office (en) beyond office ~ cost; violence (id) ~ violence (en) beyond ~ thanks
    assert similarity[0][1] > 0.5 > similarity[0][2]
    assert similarity[3][4] > 0.5 > similarity[3][5]
    assert result["parts"] == [3, 2]
    # The encoder (about 70 MB of weights) is loaded from the package, not pickled into the model.
    assert result["persisted_bytes"] < 2_000_000
    assert result["english_office"] == "office"


def test_loading_a_model_initialises_the_encoder_before_the_first_message() -> None:
    # The encoder's first call takes about a second; it belongs to start-up, not to the first
    # person who writes. A model without the embedding leaves the encoder alone.
    script = r"""
import json
from bot import intent_blend
from bot.intent_blend import LexicalIntentBlend
train, labels = ["alamat kantor", "ini gratis?", "halo"], ["office", "cost", "greet"]
loaded = {}
for name, config in (("with", {}), ("without", {"sentence_embedding_weight": 0})):
    pipeline = LexicalIntentBlend(config, None, None)._new_pipeline().fit(train, labels)
    intent_blend._encoder.cache_clear()
    intent_blend._warm_up_encoder(pipeline)
    loaded[name] = intent_blend._encoder.cache_info().currsize
print(json.dumps(loaded))
"""
    assert _in_engine(script) == {"with": 1, "without": 0}


def test_the_training_cache_fingerprint_follows_what_the_lexicons_say(tmp_path: Path) -> None:
    # Rasa keys its training cache by config alone; without the add-on a lexicon change would
    # restore the old n-gram model from the cache. A comment-only edit must not retrain it.
    shutil.copytree(PROJECT_ROOT / "lapor_aman" / "data" / "lexicon", tmp_path / "lexicon")
    script = r"""
import json, sys
from pathlib import Path
from bot.intent_blend import LexicalIntentBlend
from lapor_aman import normalize
config = LexicalIntentBlend.get_default_config()
normalize.LEXICON_DIR = Path(sys.argv[1])
spelling = normalize.LEXICON_DIR / "chat_spelling.yml"
prints = [LexicalIntentBlend.fingerprint_addon(config)]
text = spelling.read_text(encoding="utf-8")
spelling.write_text("# a reviewer's comment\n" + text, encoding="utf-8")
prints.append(LexicalIntentBlend.fingerprint_addon(config))
spelling.write_text(text.replace("\nmap:\n", "\nmap:\n  zzqx: tolong\n", 1), encoding="utf-8")
prints.append(LexicalIntentBlend.fingerprint_addon(config))
print(json.dumps(prints))
"""
    original, commented, reworded = _in_engine(script, str(tmp_path / "lexicon"))
    assert original == commented
    assert reworded != original
