"""Deterministic emergency safety net (jaring pengaman darurat) behind the Rasa classifier.

A missed emergency is the worst error this product can make, so every message also goes through
this keyword and pattern check over normalised text (chat spelling, repeated letters, typos,
Javanese/Betawi/Sundanese and English words). It is negation-aware ("dia tidak bawa pisau"),
tense-aware ("dulu pernah dipukul sampai berdarah"), and skips hypothetical questions ("kalau dia
bawa pisau gimana?"), per signal as configured in ``data/lexicon/emergency.yml``.

Standard library and PyYAML only: this module also runs inside the Rasa engine (Python 3.10).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lapor_aman.normalize import Phrasebook, PhraseMatch, TokenText, cues, load_lexicon

SIGNALS: tuple[str, ...] = (
    "danger_now",
    "injury",
    "suicidal",
    "trafficking_in_progress",
    "weapon",
    "threat_to_kill",
)
SUPPRESSORS = frozenset({"negation", "past", "hypothetical", "safe_now"})


@dataclass(frozen=True)
class EmergencyAssessment:
    """What the safety net found in one message.

    ``signals`` are in the order of ``SIGNALS``; ``matched`` are the normalised phrases that fired.
    """

    is_emergency: bool
    signals: tuple[str, ...]
    matched: tuple[str, ...]


@dataclass(frozen=True)
class _ContextualRule:
    phrases: Phrasebook
    context: Phrasebook


@dataclass(frozen=True)
class _SignalRules:
    name: str
    suppressed_by: frozenset[str]
    phrases: Phrasebook
    contextual: tuple[_ContextualRule, ...]
    exclude: Phrasebook
    raw_patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class _Lexicon:
    signals: tuple[_SignalRules, ...]
    safe_now: Phrasebook


def _signal_rules(
    name: str, spec: Mapping[str, Any], classes: Mapping[str, Sequence[str]]
) -> _SignalRules:
    suppressed_by = frozenset(spec.get("suppressed_by", []))
    unknown = suppressed_by - SUPPRESSORS
    if unknown:
        raise ValueError(f"emergency.yml: {name} has unknown suppressors {sorted(unknown)}")
    contextual = tuple(
        _ContextualRule(
            # "phrases" (several sharing one context) or "phrase" (one)
            Phrasebook.build(rule.get("phrases") or [rule["phrase"]], classes),
            Phrasebook.build(rule["context_any"], classes),
        )
        for rule in spec.get("contextual", [])
    )
    return _SignalRules(
        name=name,
        suppressed_by=suppressed_by,
        phrases=Phrasebook.build(spec.get("phrases", []), classes),
        contextual=contextual,
        exclude=Phrasebook.build(spec.get("exclude", []), classes),
        raw_patterns=tuple(re.compile(p) for p in spec.get("raw_patterns", [])),
    )


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = load_lexicon("emergency")
    classes = data.get("classes", {})
    specs = data["signals"]
    unknown = set(specs) - set(SIGNALS)
    if unknown:
        raise ValueError(f"emergency.yml: unknown signals {sorted(unknown)}")
    return _Lexicon(
        signals=tuple(
            _signal_rules(name, specs[name], classes) for name in SIGNALS if name in specs
        ),
        safe_now=Phrasebook.build(data.get("safe_now", []), classes),
    )


def _overlaps(match: PhraseMatch, others: Sequence[PhraseMatch]) -> bool:
    return any(match.start < other.end and other.start < match.end for other in others)


def _candidate_matches(rules: _SignalRules, text: TokenText) -> list[PhraseMatch]:
    found = rules.phrases.find(text)
    for rule in rules.contextual:
        if rule.context.any_in(text):
            found.extend(rule.phrases.find(text))
    excluded = rules.exclude.find(text)
    return [match for match in found if not _overlaps(match, excluded)]


def _safe_statement_starts(text: TokenText, safe_now: Phrasebook) -> list[int]:
    context = cues()
    return [m.start for m in safe_now.find(text) if not context.is_negated(text, m.start)]


def _is_suppressed(
    match: PhraseMatch,
    rules: _SignalRules,
    text: TokenText,
    covered: frozenset[int],
    markers: list[tuple[int, str]],
    safe_starts: list[int],
) -> bool:
    context = cues()
    checks = rules.suppressed_by
    return (
        ("negation" in checks and context.is_negated(text, match.start, covered=covered))
        or ("past" in checks and context.is_past(text, match.start, markers))
        or ("hypothetical" in checks and context.is_hypothetical(text, match.start))
        or ("safe_now" in checks and any(start >= match.end for start in safe_starts))
    )


def _signal_matches(
    rules: _SignalRules,
    text: TokenText,
    raw_text: str,
    markers: list[tuple[int, str]],
    safe_starts: list[int],
) -> list[str]:
    candidates = _candidate_matches(rules, text)
    covered = frozenset(i for m in candidates for i in range(m.start, m.end))
    fired = [
        m.text
        for m in candidates
        if not _is_suppressed(m, rules, text, covered, markers, safe_starts)
    ]
    lowered = raw_text.lower()
    fired.extend(
        hit.group(0) for pattern in rules.raw_patterns for hit in pattern.finditer(lowered)
    )
    return fired


def detect_emergency(text: str) -> EmergencyAssessment:
    """Check one message for signs of an emergency now (deterministic, no model)."""
    if not text or not text.strip():
        return EmergencyAssessment(False, (), ())
    lexicon = _lexicon()
    tokens = TokenText.from_text(text)
    markers = cues().time_markers(tokens)
    safe_starts = _safe_statement_starts(tokens, lexicon.safe_now)
    signals: list[str] = []
    matched: list[str] = []
    for rules in lexicon.signals:
        fired = _signal_matches(rules, tokens, text, markers, safe_starts)
        if fired:
            signals.append(rules.name)
            matched.extend(phrase for phrase in fired if phrase not in matched)
    return EmergencyAssessment(bool(signals), tuple(signals), tuple(matched))
