"""The safety net inside the Rasa engine environment (Python 3.10, rasa 3.6, pydantic 1).

Runs the engine's own interpreter in a subprocess, with the project root as working directory
(as the engine runs), builds rasa ``Message`` objects and calls ``SafetyNet.process``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[3]
# The engine environment `make install` links there (scripts/env.sh); every make target that runs
# tests builds it first, so it is missing only when pytest is run by hand before any install.
ENGINE_PYTHON = PROJECT_ROOT / ".venv" / "engine" / "bin" / "python"

pytestmark = pytest.mark.skipif(
    not ENGINE_PYTHON.exists(),
    reason=f"Rasa engine environment not installed at {ENGINE_PYTHON}: run `make install`",
)

# Runs SafetyNet.process on each text of argv[1] (JSON), the classifier's ranking being argv[2].
_COMPONENT_SCRIPT = r"""
import json, sys
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from bot.safety_net import SafetyNet

component = SafetyNet.create(SafetyNet.get_default_config(), None, None, None)
texts, ranking = json.loads(sys.argv[1]), json.loads(sys.argv[2])
results = {}
for text in texts:
    message = Message(data={TEXT: text})
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(r) for r in ranking], add_to_output=True)
    processed = component.process([message])[0]
    results[text] = {
        "intent": processed.get(INTENT),
        "ranking": processed.get(INTENT_RANKING_KEY),
        "entities": processed.get("entities") or [],
        "output": sorted(processed.output_properties),
    }
print(json.dumps(results))
"""

_STDLIB_ONLY_SCRIPT = r"""
import json, sys
before = set(sys.modules)
import lapor_aman.safety, lapor_aman.language, lapor_aman.normalize
lapor_aman.safety.detect_emergency("dia bawa pisau")
lapor_aman.language.detect_language("saya mau lapor")
new = {name.split(".")[0] for name in set(sys.modules) - before}
print(json.dumps({"version": list(sys.version_info[:2]), "top_level": sorted(new)}))
"""


def _run(script: str, *args: str) -> dict:
    completed = subprocess.run(
        [str(ENGINE_PYTHON), "-c", script, *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def processed() -> dict:
    texts = [
        "tolong dia datang bawa parang",
        "he has a knife and he will kill me",
        "dulu pernah dipukul",
        "saya mau lapor kdrt",
        "ok",
        "",
    ]
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "report_violence", "confidence": 0.25},
        {"name": "emergency", "confidence": 0.2},
    ]
    return _process(texts, ranking)


def _process(texts: list[str], ranking: list[dict]) -> dict:
    return _run(_COMPONENT_SCRIPT, json.dumps(texts), json.dumps(ranking))


def test_emergency_overrides_the_intent_and_keeps_the_ranking_after_it(processed: dict) -> None:
    result = processed["tolong dia datang bawa parang"]

    assert result["intent"] == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in result["ranking"]] == [
        "emergency",
        "nlu_fallback",
        "report_violence",
    ]
    assert result["ranking"][1]["confidence"] == 0.3
    assert {"intent", "intent_ranking", "entities"} <= set(result["output"])


def test_a_language_switch_that_names_no_language_gives_way_to_the_next_intent() -> None:
    ranking = [
        {"name": "use_english", "confidence": 0.6},
        {"name": "use_indonesian", "confidence": 0.2},
        {"name": "inform", "confidence": 0.15},
    ]
    results = _process(["anggrek", "english please", "bisa pakai bahasa indonesia?"], ranking)

    # "anggrek" typed as a code word: not a request to switch language.
    anggrek = results["anggrek"]
    assert anggrek["intent"] == {"name": "nlu_fallback", "confidence": 1.0}
    assert [r["name"] for r in anggrek["ranking"]] == ["nlu_fallback", "inform"]
    assert results["english please"]["intent"]["name"] == "use_english"
    # Names a language: kept as ranked.
    assert results["bisa pakai bahasa indonesia?"]["intent"]["name"] == "use_english"


def test_one_signal_entity_per_signal_and_a_language_entity(processed: dict) -> None:
    entities = processed["he has a knife and he will kill me"]["entities"]

    signals = [e["value"] for e in entities if e["entity"] == "emergency_signal"]
    assert signals == ["weapon", "threat_to_kill"]
    assert [e["value"] for e in entities if e["entity"] == "language"] == ["en"]
    assert all(e["extractor"] == "SafetyNet" for e in entities)


def test_non_emergency_keeps_the_classifier_result(processed: dict) -> None:
    for text in ["dulu pernah dipukul", "saya mau lapor kdrt"]:
        result = processed[text]
        assert result["intent"]["name"] == "nlu_fallback"
        assert not [e for e in result["entities"] if e["entity"] == "emergency_signal"]
    assert [e["value"] for e in processed["saya mau lapor kdrt"]["entities"]] == ["id"]


def test_unsure_language_adds_no_language_entity(processed: dict) -> None:
    assert processed["ok"]["entities"] == []
    assert processed[""]["entities"] == []


def test_language_logic_imports_only_stdlib_and_yaml_on_python_310() -> None:
    result = _run(_STDLIB_ONLY_SCRIPT)

    assert result["version"] == [3, 10]
    assert "pydantic" not in result["top_level"]
    # PyYAML's C loader brings its Cython runtime along.
    allowed = {"lapor_aman", "yaml", "_yaml", "cython_runtime"} | set(sys.stdlib_module_names)
    extra = {
        name
        for name in result["top_level"]
        if name not in allowed and not name.startswith("_cython")
    }
    assert extra == set()
