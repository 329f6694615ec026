"""Lexicon access shared by the extractors: phrase books, negation-aware matching, numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any

from lapor_aman.normalize import Phrasebook, PhraseMatch, TokenText, cues, load_lexicon


@cache
def classes(lexicon: str) -> dict[str, list[str]]:
    """The ``classes:`` of a lexicon file (empty when it has none)."""
    return {
        str(k): [str(v) for v in values]
        for k, values in load_lexicon(lexicon).get("classes", {}).items()
    }


def section(lexicon: str, *path: str) -> Any:
    """One part of a lexicon file, e.g. ``section("people", "age", "cues")``."""
    value: Any = load_lexicon(lexicon)
    for key in path:
        value = value[key]
    return value


@cache
def book(lexicon: str, *path: str) -> Phrasebook:
    """The phrases at ``path`` of a lexicon file, compiled with that file's classes."""
    return Phrasebook.build([str(p) for p in section(lexicon, *path)], classes(lexicon))


@cache
def labelled_books(lexicon: str, *path: str) -> tuple[tuple[str, Phrasebook], ...]:
    """For a mapping ``label: [phrases]`` at ``path``: one phrase book per label, in file order."""
    mapping: Mapping[str, Any] = section(lexicon, *path)
    return tuple((str(label), book(lexicon, *path, str(label))) for label in mapping)


def positive_matches(text: TokenText, phrases: Phrasebook) -> list[PhraseMatch]:
    """Matches that no negation or prohibition cancels ("tidak dipukul", "jangan telepon")."""
    found = phrases.find(text)
    covered = frozenset(i for m in found for i in range(m.start, m.end))
    context = cues()
    return [
        m
        for m in found
        if not context.is_negated(text, m.start, covered=covered, prohibitions_negate=True)
    ]


def negated_matches(text: TokenText, phrases: Phrasebook) -> list[PhraseMatch]:
    found = phrases.find(text)
    context = cues()
    return [m for m in found if context.is_negated(text, m.start, prohibitions_negate=True)]


def longest_first(matches: Iterable[tuple[str, PhraseMatch]]) -> list[tuple[str, PhraseMatch]]:
    """Drop every labelled match that overlaps a longer one ("ayah tiri" beats "ayah")."""
    ordered = sorted(matches, key=lambda item: (-(item[1].end - item[1].start), item[1].start))
    kept: list[tuple[str, PhraseMatch]] = []
    for label, match in ordered:
        if all(match.end <= other.start or other.end <= match.start for _, other in kept):
            kept.append((label, match))
    return sorted(kept, key=lambda item: item[1].start)


def labelled_matches(
    text: TokenText,
    books: Sequence[tuple[str, Phrasebook]],
    *,
    honour_negation: bool = True,
    exclusive: bool = True,
) -> list[tuple[str, PhraseMatch]]:
    """Every (label, match) in text order; with ``exclusive`` the longest wins where they overlap."""
    found: list[tuple[str, PhraseMatch]] = []
    for label, phrases in books:
        matches = positive_matches(text, phrases) if honour_negation else phrases.find(text)
        found.extend((label, m) for m in matches)
    if exclusive:
        return longest_first(found)
    return sorted(found, key=lambda item: (item[1].start, item[1].end))


def own_value(text: str, values: Iterable[str]) -> str | None:
    """The text is already one of the ticket's enum values ("other_family"): parsers are idempotent."""
    candidate = text.strip().lower()
    return candidate if candidate in set(values) else None


# --- numbers ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _number_words() -> tuple[dict[str, int], dict[str, int], frozenset[str], frozenset[str]]:
    data = section("people", "number_words")
    units = {str(k): int(v) for k, v in data["units"].items()}
    direct = {str(k): int(v) for k, v in data["direct"].items()}
    return units, direct, frozenset(data["teens"]), frozenset(data["tens"])


def number_at(tokens: Sequence[str], index: int) -> tuple[int, int] | None:
    """(value, index after it) for "12", "dua belas", "dua puluh lima", "twenty five", "40 an"."""
    if index >= len(tokens):
        return None
    units, direct, teens, tens = _number_words()
    token = tokens[index]
    value: int | None = None
    after = index + 1
    if token.isdigit() and len(token) <= 3:
        value = int(token)
    elif token in units:
        value = units[token]
        nxt = tokens[after] if after < len(tokens) else ""
        if nxt in teens:
            value, after = 10 + value, after + 1
        elif nxt in tens:
            value, after = 10 * value, after + 1
            unit = tokens[after] if after < len(tokens) else ""
            if unit in units and units[unit] > 0:
                value, after = value + units[unit], after + 1
    elif token in direct:
        value = direct[token]
        unit = tokens[after] if after < len(tokens) else ""
        if value >= 20 and value % 10 == 0 and unit in units and units[unit] > 0:
            value, after = value + units[unit], after + 1
    if value is None:
        return None
    if after < len(tokens) and tokens[after] == "an":
        after += 1
    return value, after
