"""Evaluate the NLU model on the held-out set and write docs/nlu-report.md.

Runs Rasa's own ``rasa test nlu`` (engine env) on ``tests/nlu/heldout``, reads the intent report
and the DIETClassifier entity report it writes, and summarises what matters for this service:
intent macro-F1, entity F1, and above all emergency detection (missed emergencies and false
alarms are listed one by one so a linguist can fix the data). ``scripts/nlu_served.py`` then parses
the same messages as the running assistant does, for the stricter "as served" figures, where a
message answered with the fallback counts as a miss (``rasa test nlu`` scores its top guess instead).

Usage:
    RASA_BIN=/path/to/engine/bin/rasa python scripts/nlu_report.py [--model models/x.tar.gz]
    python scripts/nlu_report.py --results-dir /tmp/out   # reuse an earlier `rasa test nlu --out`

Exit status: 0 targets met (or --no-fail), 1 targets missed, 2 rasa test could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
EMERGENCY = "emergency"
FALLBACK = "nlu_fallback"
SERVED_FILE = "served.json"
SUMMARY_ROWS = ("accuracy", "macro avg", "weighted avg", "micro avg")
TARGET_INTENT_MACRO_F1 = 0.92
TARGET_EMERGENCY_RECALL = 0.99
TARGET_MAX_FALSE_ALARM_RATE = 0.05


@dataclass(frozen=True)
class Misclassified:
    """One held-out message the model got wrong."""

    text: str
    expected: str
    predicted: str
    confidence: float


@dataclass(frozen=True)
class EmergencyStats:
    """Emergency detection on the held-out set (the figures the safety case rests on)."""

    support: int
    non_emergency_total: int
    recall: float
    precision: float
    false_alarm_rate: float
    missed: list[Misclassified]
    false_alarms: list[Misclassified]


@dataclass(frozen=True)
class IntentRow:
    name: str
    precision: float
    recall: float
    f1: float
    support: int


def newest_model(models_dir: Path) -> Path:
    """The most recently written ``*.tar.gz`` in ``models_dir``."""
    candidates = sorted(models_dir.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not candidates:
        raise FileNotFoundError(f"no trained model (*.tar.gz) in {models_dir}")
    return candidates[-1]


def rasa_test_command(rasa_bin: str, model: Path, heldout: Path, out_dir: Path) -> list[str]:
    return [
        rasa_bin,
        "test",
        "nlu",
        "--nlu",
        str(heldout),
        "--model",
        str(model),
        "--out",
        str(out_dir),
    ]


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def intent_rows(intent_report: dict[str, Any]) -> list[IntentRow]:
    """Per-intent rows for intents present in the held-out set (support > 0)."""
    rows = [
        IntentRow(
            name=name,
            precision=float(scores["precision"]),
            recall=float(scores["recall"]),
            f1=float(scores["f1-score"]),
            support=int(scores["support"]),
        )
        for name, scores in intent_report.items()
        if name not in SUMMARY_ROWS and isinstance(scores, dict)
    ]
    return sorted((row for row in rows if row.support > 0), key=lambda row: row.name)


def macro_f1(rows: Sequence[IntentRow]) -> float:
    """Macro-F1 over the rows (intents or entities) present in the test set."""
    return sum(row.f1 for row in rows) / len(rows) if rows else 0.0


@dataclass(frozen=True)
class ServedStats:
    """Intent scores as the running assistant serves them: a fallback counts as a miss."""

    macro_f1: float
    fallbacks: int
    total: int
    rows: list[IntentRow]

    @property
    def emergency_recall(self) -> float:
        return next((row.recall for row in self.rows if row.name == EMERGENCY), 0.0)


def served_stats(served: Sequence[dict[str, Any]]) -> ServedStats:
    """Per-intent precision/recall/F1 from (expected, served) pairs; nlu_fallback is never right."""
    expected = [str(item["expected"]) for item in served]
    predicted = [str(item["served"]) for item in served]
    rows = []
    for intent in sorted(set(expected)):
        true_pos = sum(1 for e, p in zip(expected, predicted, strict=True) if e == p == intent)
        support = expected.count(intent)
        flagged = predicted.count(intent)
        precision = true_pos / flagged if flagged else 0.0
        recall = true_pos / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(IntentRow(intent, precision, recall, f1, support))
    return ServedStats(
        macro_f1=macro_f1(rows),
        fallbacks=predicted.count(FALLBACK),
        total=len(served),
        rows=rows,
    )


def misclassified(intent_errors: list[dict[str, Any]]) -> list[Misclassified]:
    return [
        Misclassified(
            text=str(error["text"]),
            expected=str(error["intent"]),
            predicted=str((error.get("intent_prediction") or {}).get("name") or "None"),
            confidence=float((error.get("intent_prediction") or {}).get("confidence") or 0.0),
        )
        for error in intent_errors
    ]


def emergency_stats(rows: Sequence[IntentRow], errors: Sequence[Misclassified]) -> EmergencyStats:
    """Recall, precision and false-alarm rate (share of non-emergency messages flagged)."""
    support = next((row.support for row in rows if row.name == EMERGENCY), 0)
    non_emergency_total = sum(row.support for row in rows if row.name != EMERGENCY)
    missed = [error for error in errors if error.expected == EMERGENCY]
    false_alarms = [error for error in errors if error.predicted == EMERGENCY]
    true_positives = support - len(missed)
    flagged = true_positives + len(false_alarms)
    return EmergencyStats(
        support=support,
        non_emergency_total=non_emergency_total,
        recall=true_positives / support if support else 0.0,
        precision=true_positives / flagged if flagged else 0.0,
        false_alarm_rate=len(false_alarms) / non_emergency_total if non_emergency_total else 0.0,
        missed=missed,
        false_alarms=false_alarms,
    )


def entity_rows(entity_report: dict[str, Any]) -> list[IntentRow]:
    """Per-entity rows (same shape as intents); summary rows and ``no_entity`` left out."""
    return [row for row in intent_rows(entity_report) if row.name != "no_entity"]


def target_failures(intent_macro_f1: float, emergency: EmergencyStats) -> list[str]:
    failures = []
    if intent_macro_f1 < TARGET_INTENT_MACRO_F1:
        failures.append(f"intent macro-F1 {intent_macro_f1:.3f} < {TARGET_INTENT_MACRO_F1}")
    if emergency.recall < TARGET_EMERGENCY_RECALL:
        failures.append(f"emergency recall {emergency.recall:.3f} < {TARGET_EMERGENCY_RECALL}")
    if emergency.false_alarm_rate > TARGET_MAX_FALSE_ALARM_RATE:
        failures.append(
            f"false-alarm rate {emergency.false_alarm_rate:.3f} > {TARGET_MAX_FALSE_ALARM_RATE}"
        )
    return failures


def _cell(text: str) -> str:
    """Make a message safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _score_table(rows: Sequence[IntentRow], label: str) -> list[str]:
    lines = [f"| {label} | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    lines += [
        f"| {row.name} | {row.precision:.3f} | {row.recall:.3f} | {row.f1:.3f} | {row.support} |"
        for row in rows
    ]
    return lines


def _error_table(errors: Sequence[Misclassified]) -> list[str]:
    if not errors:
        return ["None."]
    lines = ["| message | expected | predicted | confidence |", "|---|---|---|---:|"]
    lines += [
        f"| {_cell(e.text)} | {e.expected} | {e.predicted} | {e.confidence:.2f} |" for e in errors
    ]
    return lines


def render_report(
    *,
    rows: Sequence[IntentRow],
    entities: Sequence[IntentRow],
    emergency: EmergencyStats,
    command: str,
    model: str,
    generated_at: datetime,
    note: str = "",
    served: ServedStats | None = None,
) -> str:
    intent_f1 = macro_f1(rows)
    entity_f1 = macro_f1(entities)
    failures = target_failures(intent_f1, emergency)
    status = "all targets met" if not failures else "targets missed: " + "; ".join(failures)
    total = sum(row.support for row in rows)
    lines = [
        "# NLU report (held-out set)",
        "",
        "Generated by `scripts/nlu_report.py`; do not edit by hand.",
        "",
        f"- Date: {generated_at:%Y-%m-%d %H:%M} UTC",
        f"- Model: `{model}`",
        f"- Command: `{command}`",
        *([f"- Note: {note}"] if note else []),
        f"- Held-out messages: {total} in {len(rows)} intents ({emergency.support} emergencies)",
        "- Scope: the NLU pipeline inside the model under test; the deterministic emergency safety"
        " net counts only if that model was trained with `bot.safety_net.SafetyNet` in its config.",
        f"- Status: **{status}**",
        "",
        "## Summary",
        "",
        "| measure | value | target |",
        "|---|---:|---:|",
        f"| intent macro-F1 | {intent_f1:.3f} | >= {TARGET_INTENT_MACRO_F1} |",
        f"| entity macro-F1 | {entity_f1:.3f} | |",
        f"| emergency recall | {emergency.recall:.3f} | >= {TARGET_EMERGENCY_RECALL} |",
        f"| emergency precision | {emergency.precision:.3f} | |",
        f"| false-alarm rate (non-emergency predicted emergency) | {emergency.false_alarm_rate:.3f}"
        f" ({len(emergency.false_alarms)}/{emergency.non_emergency_total}) |"
        f" <= {TARGET_MAX_FALSE_ALARM_RATE} |",
        *(
            [
                f"| intent macro-F1 as served (fallback = miss) | {served.macro_f1:.3f} | |",
                f"| emergency recall as served | {served.emergency_recall:.3f} | |",
                f"| messages answered with the fallback | {served.fallbacks}/{served.total} | |",
            ]
            if served
            else []
        ),
        "",
        "Macro-F1 is averaged over the intents present in the held-out set. `rasa test nlu` undoes"
        " the FallbackClassifier before scoring: a message the assistant answers with the fallback"
        f' (`{FALLBACK}`, "please rephrase") is scored as the classifier\'s top guess. The'
        ' target is checked on that standard figure; the "as served" row scores what the running'
        " assistant does, where a fallback is a miss.",
        "",
        "## Intents",
        "",
        *_score_table(rows, "intent"),
        "",
        "## Entities (DIETClassifier)",
        "",
        *(_score_table(entities, "entity") if entities else ["No entity report was produced."]),
        "",
        f"Entity macro-F1: {entity_f1:.3f}",
        "",
        f"## Missed emergencies ({len(emergency.missed)})",
        "",
        *_error_table(emergency.missed),
        "",
        f"## False alarms ({len(emergency.false_alarms)})",
        "",
        *_error_table(emergency.false_alarms),
        "",
    ]
    return "\n".join(lines)


def entity_report_path(results_dir: Path) -> Path | None:
    preferred = results_dir / "DIETClassifier_report.json"
    if preferred.exists():
        return preferred
    others = sorted(
        path for path in results_dir.glob("*_report.json") if path.name != "intent_report.json"
    )
    return others[0] if others else None


def build_report(
    results_dir: Path, command: str, model: str, note: str = ""
) -> tuple[str, list[str]]:
    """Markdown report and the list of missed targets, from a ``rasa test nlu --out`` folder.

    If the folder also holds ``served.json`` (scripts/nlu_served.py), the as-served figures are added.
    """
    rows = intent_rows(load_json(results_dir / "intent_report.json"))
    errors_path = results_dir / "intent_errors.json"
    errors = misclassified(load_json(errors_path)) if errors_path.exists() else []
    entity_path = entity_report_path(results_dir)
    entities = entity_rows(load_json(entity_path)) if entity_path else []
    emergency = emergency_stats(rows, errors)
    served_path = results_dir / SERVED_FILE
    served = served_stats(load_json(served_path)) if served_path.exists() else None
    report = render_report(
        rows=rows,
        entities=entities,
        emergency=emergency,
        command=command,
        model=model,
        generated_at=datetime.now(UTC),
        note=note,
        served=served,
    )
    return report, target_failures(macro_f1(rows), emergency)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="trained model; default: newest in models/")
    parser.add_argument(
        "--rasa-bin",
        "--rasa",
        default=os.environ.get("RASA_BIN", "rasa"),
        help="rasa executable of the engine env (default: $RASA_BIN, else rasa on PATH)",
    )
    parser.add_argument("--heldout", type=Path, default=REPO_ROOT / "tests" / "nlu" / "heldout")
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "docs" / "nlu-report.md")
    parser.add_argument(
        "--results-dir", type=Path, help="reuse the output of an earlier `rasa test nlu --out`"
    )
    parser.add_argument(
        "--note", default="", help="one line for the report header, e.g. the config"
    )
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even if targets are missed")
    return parser.parse_args(argv)


def run_rasa_test(args: argparse.Namespace, out_dir: Path) -> tuple[str, str]:
    """Run ``rasa test nlu`` and the as-served parse; returns (command line, model path).

    Raises CalledProcessError if either fails.
    """
    model = (args.model or newest_model(REPO_ROOT / "models")).resolve()
    heldout = args.heldout.resolve()
    command = rasa_test_command(args.rasa_bin, model, heldout, out_dir)
    subprocess.run(command, cwd=REPO_ROOT, check=True)
    engine_python = Path(args.rasa_bin).with_name("python")
    served = [str(engine_python), str(REPO_ROOT / "scripts" / "nlu_served.py")]
    served += [str(model), str(heldout), str(out_dir / SERVED_FILE)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    # Rasa logs every parse to stdout at debug level; the results go to the file.
    subprocess.run(served, cwd=REPO_ROOT, check=True, env=env, stdout=subprocess.DEVNULL)
    return shlex.join(command), str(model)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nlu-report-") as tmp:
        if args.results_dir:
            results_dir = args.results_dir
            command, model = f"(results reused from {results_dir})", str(args.model or "unknown")
        else:
            results_dir = Path(tmp)
            try:
                command, model = run_rasa_test(args, results_dir)
            except (FileNotFoundError, subprocess.CalledProcessError) as error:
                print(f"rasa test nlu failed: {error}", file=sys.stderr)
                return 2
        report, failures = build_report(results_dir, command, model, args.note)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report, encoding="utf-8")
    print(f"wrote {args.output}")
    for failure in failures:
        print(f"target missed: {failure}", file=sys.stderr)
    return 1 if failures and not args.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
