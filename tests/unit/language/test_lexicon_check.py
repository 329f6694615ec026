"""scripts/lexicon_check.py: the safety net before and after a lexicon change, on every message."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

from lapor_aman.nlu_examples import Example
from tests.unit.scripts import load_script

ROOT = Path(__file__).resolve().parents[3]


def _example(intent: str, text: str) -> Example:
    return Example("a.yml", intent, text, text, ())


@pytest.fixture(scope="module")
def check() -> ModuleType:
    return load_script("lexicon_check")


def test_messages_are_read_without_their_entity_annotations(
    check: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "batch.yml").write_text(
        "version: '3.1'\nnlu:\n- intent: emergency\n  examples: |\n"
        '    - [suami]{"entity": "relation", "value": "partner"} lagi mukul  aku\n'
        "- intent: inform\n  examples: |\n    - di [Kendari](place)\n"
        "- synonym: partner\n  examples: |\n    - suami\n",
        encoding="utf-8",
    )
    found = check.messages([tmp_path])
    assert [(m.intent, m.text) for m in found] == [
        ("emergency", "suami lagi mukul aku"),
        ("inform", "di Kendari"),
    ]


def test_a_removed_phrase_shows_as_a_lost_emergency(check: ModuleType, tmp_path: Path) -> None:
    # A copy of the package whose lexicon lacks the "tolong banget sekarang" rule plays the change.
    shutil.copytree(ROOT / "lapor_aman", tmp_path / "lapor_aman")
    lexicon = tmp_path / "lapor_aman" / "data" / "lexicon" / "emergency.yml"
    rule = '      - "tolong|tolongin banget cepat|segera|sekarang"\n'
    assert rule in lexicon.read_text(encoding="utf-8")
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace(rule, ""), encoding="utf-8")

    found = [
        _example("emergency", "tlg bgt skrg"),
        _example("greet", "halo kak"),
        _example("emergency", "dia bawa pisau, mau bunuh aku sekarang"),
    ]
    texts = [m.text for m in found]
    before = check.detect_all(texts, ROOT)
    after = check.detect_all(texts, tmp_path)
    assert before == [True, False, True]
    assert after == [False, False, True]
    changed = check.flips(found, before, after)
    assert [(f.message.text, f.is_loss) for f in changed] == [("tlg bgt skrg", True)]
    assert check.summary(found, after) == {
        "messages": 3,
        "emergencies": 2,
        "caught": 1,
        "others": 1,
        "false_alarms": 0,
    }


def test_a_fixed_false_alarm_is_better_and_a_new_one_worse(check: ModuleType) -> None:
    question = _example("ask_safe_house", "ada tempat sembunyi?")
    assert not check.Flip(question, before=True, after=False).is_loss
    assert check.Flip(question, before=False, after=True).is_loss


def test_a_revision_is_exported_with_its_code_and_lexicon(
    check: ModuleType, tmp_path: Path
) -> None:
    root = check.export_package("HEAD", tmp_path)
    assert (root / "lapor_aman" / "safety.py").is_file()
    assert (root / "lapor_aman" / "data" / "lexicon" / "emergency.yml").is_file()
    assert check.detect_all(["tolong dia bawa pisau sekarang", "makasih kak"], root) == [
        True,
        False,
    ]
