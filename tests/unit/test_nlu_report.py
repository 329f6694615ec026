"""scripts/nlu_report.py: from the files `rasa test nlu --out` writes to docs/nlu-report.md."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import ModuleType

import pytest

from tests.unit.scripts import load_script


@pytest.fixture(scope="module")
def nlu_report() -> ModuleType:
    return load_script("nlu_report")


def _scores(precision: float, recall: float, f1: float, support: int) -> dict[str, object]:
    return {"precision": precision, "recall": recall, "f1-score": f1, "support": support}


def _write_results(folder: Path, *, missed_emergency: bool, false_alarm: bool) -> None:
    """A small but realistic `rasa test nlu --out` folder: 4 emergencies, 6 other messages."""
    intent_report = {
        "emergency": _scores(
            0.75 if false_alarm else 1.0, 0.75 if missed_emergency else 1.0, 0.8, 4
        ),
        "report_violence": _scores(1.0, 0.8 if false_alarm else 1.0, 0.9, 5),
        "greet": _scores(1.0, 1.0, 1.0, 1),
        "nlu_fallback": _scores(0.0, 0.0, 0.0, 0),
        "accuracy": 0.9,
        "macro avg": _scores(0.7, 0.7, 0.7, 10),
        "weighted avg": _scores(0.9, 0.9, 0.9, 10),
    }
    errors = []
    if missed_emergency:
        errors.append(
            {
                "text": "dia bawa pisau | sekarang",
                "intent": "emergency",
                "intent_prediction": {"name": "not_safe", "confidence": 0.61},
            }
        )
    if false_alarm:
        errors.append(
            {
                "text": "dulu dia pernah ngancam, sekarang sudah aman",
                "intent": "report_violence",
                "intent_prediction": {"name": "emergency", "confidence": 0.7},
            }
        )
    entity_report = {
        "age": _scores(1.0, 0.9, 0.95, 10),
        "place": _scores(0.8, 0.8, 0.8, 5),
        "no_entity": _scores(1.0, 1.0, 1.0, 100),
        "micro avg": _scores(0.9, 0.9, 0.9, 15),
        "macro avg": _scores(0.9, 0.85, 0.875, 15),
        "weighted avg": _scores(0.9, 0.9, 0.9, 15),
    }
    (folder / "intent_report.json").write_text(json.dumps(intent_report))
    (folder / "intent_errors.json").write_text(json.dumps(errors))
    (folder / "DIETClassifier_report.json").write_text(json.dumps(entity_report))


def _report(nlu_report: ModuleType, results: Path, *options: str) -> tuple[int, str]:
    """Run the script on a results folder; its exit status and the report it wrote."""
    output = results / "nlu-report.md"
    status = nlu_report.main(["--results-dir", str(results), "--output", str(output), *options])
    return status, output.read_text()


def test_report_counts_missed_emergencies_and_false_alarms(
    nlu_report: ModuleType, tmp_path: Path
) -> None:
    _write_results(tmp_path, missed_emergency=True, false_alarm=True)
    status, report = _report(nlu_report, tmp_path)

    assert status == 1
    assert "| emergency recall | 0.750 |" in report
    assert "| emergency precision | 0.750 |" in report
    assert "0.167 (1/6)" in report
    assert "dia bawa pisau \\| sekarang | emergency | not_safe | 0.61 |" in report
    assert (
        "| dulu dia pernah ngancam, sekarang sudah aman | report_violence | emergency |" in report
    )


def test_macro_f1_ignores_labels_absent_from_the_heldout_set(nlu_report: ModuleType) -> None:
    rows = nlu_report.intent_rows(
        {
            "emergency": _scores(1.0, 1.0, 0.8, 4),
            "greet": _scores(1.0, 1.0, 1.0, 1),
            "nlu_fallback": _scores(0.0, 0.0, 0.0, 0),
            "macro avg": _scores(0.6, 0.6, 0.6, 5),
        }
    )
    assert [row.name for row in rows] == ["emergency", "greet"]
    assert nlu_report.macro_f1(rows) == pytest.approx(0.9)


def test_entity_table_leaves_out_no_entity(nlu_report: ModuleType, tmp_path: Path) -> None:
    _write_results(tmp_path, missed_emergency=False, false_alarm=False)
    _, report = _report(nlu_report, tmp_path, "--no-fail")

    assert "| age | 1.000 | 0.900 | 0.950 | 10 |" in report
    assert "no_entity" not in report
    assert "Entity macro-F1: 0.875" in report


def test_targets_met_exits_zero_and_says_so(nlu_report: ModuleType, tmp_path: Path) -> None:
    _write_results(tmp_path, missed_emergency=False, false_alarm=False)
    intent_report = json.loads((tmp_path / "intent_report.json").read_text())
    for name in ("emergency", "report_violence", "greet"):
        intent_report[name]["f1-score"] = 1.0
    (tmp_path / "intent_report.json").write_text(json.dumps(intent_report))
    status, report = _report(nlu_report, tmp_path, "--note", "trial config")

    assert status == 0
    assert "- Note: trial config" in report
    assert "**all targets met**" in report
    assert "## Missed emergencies (0)" in report


def test_missed_targets_do_not_fail_with_no_fail(nlu_report: ModuleType, tmp_path: Path) -> None:
    _write_results(tmp_path, missed_emergency=True, false_alarm=False)
    status, report = _report(nlu_report, tmp_path, "--no-fail")

    assert status == 0
    assert "targets missed: " in report


def test_missing_rasa_binary_exits_two(nlu_report: ModuleType, tmp_path: Path) -> None:
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")
    status = nlu_report.main(
        [
            "--model",
            str(model),
            "--rasa-bin",
            str(tmp_path / "no-such-rasa"),
            "--output",
            str(tmp_path / "out.md"),
        ]
    )
    assert status == 2
    assert not (tmp_path / "out.md").exists()


def test_newest_model_is_picked_by_modification_time(
    nlu_report: ModuleType, tmp_path: Path
) -> None:
    older, newer = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    older.write_bytes(b"")
    newer.write_bytes(b"")
    os.utime(older, (2_000_000_000, 2_000_000_000))
    os.utime(newer, (1_000_000_000, 1_000_000_000))
    assert nlu_report.newest_model(tmp_path) == older


def test_as_served_figures_count_a_fallback_as_a_miss(
    nlu_report: ModuleType, tmp_path: Path
) -> None:
    _write_results(tmp_path, missed_emergency=False, false_alarm=False)
    served = [
        {"text": "dia bawa pisau", "expected": "emergency", "served": "emergency"},
        {"text": "tolong", "expected": "emergency", "served": "nlu_fallback"},
        {"text": "mau lapor", "expected": "report_violence", "served": "report_violence"},
        {"text": "halo", "expected": "greet", "served": "report_violence"},
    ]
    (tmp_path / "served.json").write_text(json.dumps(served))
    _, report = _report(nlu_report, tmp_path, "--no-fail")

    # emergency: P 1, R 0.5, F1 0.667; report_violence: P 0.5, R 1, F1 0.667; greet: F1 0.
    assert "| intent macro-F1 as served (fallback = miss) | 0.444 | |" in report
    assert "| emergency recall as served | 0.500 | |" in report
    assert "| messages answered with the fallback | 1/4 | |" in report


def test_as_served_rows_are_absent_without_the_served_file(
    nlu_report: ModuleType, tmp_path: Path
) -> None:
    _write_results(tmp_path, missed_emergency=False, false_alarm=False)
    _, report = _report(nlu_report, tmp_path, "--no-fail")

    assert "| intent macro-F1 |" in report
    assert "| intent macro-F1 as served" not in report
    assert "| messages answered with the fallback" not in report
