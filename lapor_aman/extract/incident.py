"""The incident: forms of violence, living together, ongoing, where, and what the reporter needs."""

from __future__ import annotations

from typing import Literal, get_args

from lapor_aman.extract._common import (
    book,
    labelled_books,
    labelled_matches,
    negated_matches,
    own_value,
    positive_matches,
    section,
)
from lapor_aman.extract.answers import parse_yes_no
from lapor_aman.normalize import TokenText, normalize, words

ViolenceType = Literal[
    "physical",
    "psychological",
    "sexual",
    "economic",
    "neglect",
    "exploitation",
    "trafficking",
    "online",
    "other",
]
LocationType = Literal["home", "school", "workplace", "public", "online", "other"]
Need = Literal[
    "medical",
    "forensic_exam",
    "psychological",
    "legal",
    "police",
    "shelter",
    "repatriation",
    "information",
]
VIOLENCE_TYPES: tuple[ViolenceType, ...] = (
    "physical",
    "psychological",
    "sexual",
    "economic",
    "neglect",
    "exploitation",
    "trafficking",
    "online",
    "other",
)
NEEDS: tuple[Need, ...] = (
    "medical",
    "forensic_exam",
    "psychological",
    "legal",
    "police",
    "shelter",
    "repatriation",
    "information",
)
_SHORT_ANSWER_WORDS = 3


def _labels_present(text: str, *path: str, order: tuple[str, ...]) -> list[str]:
    own = own_value(text, order)
    if own:
        return [own]
    tokens = TokenText.from_text(text)
    books = labelled_books("incident", *path)
    present = {label for label, _ in labelled_matches(tokens, books, exclusive=False)}
    return [label for label in order if label in present]


def parse_violence_types(text: str) -> list[ViolenceType]:
    """Every form of violence named, in the ticket's order ("dipukul dan dihina" -> physical, psychological).

    Negated ones are left out ("tidak dipukul, cuma dimaki" -> psychological).
    """
    return _labels_present(text, "violence_types", order=VIOLENCE_TYPES)  # type: ignore[return-value]


def parse_needs(text: str) -> list[Need]:
    """Every need named: medical, forensic_exam (visum), psychological, legal, police, shelter,
    repatriation (pulang ke daerah asal), information. "jangan lapor polisi" is not a police need."""
    return _labels_present(text, "needs", order=NEEDS)  # type: ignore[return-value]


def _short_answer(text: str) -> bool:
    return len(words(text)) <= _SHORT_ANSWER_WORDS


def parse_lives_with(text: str, *, as_answer: bool = False) -> bool | None:
    """Does the perpetrator live with the victim? "masih serumah" True, "sudah pisah rumah" False.

    ``as_answer``: the message answers that very question, so a plain "iya"/"tidak" counts.
    """
    tokens = TokenText.from_text(text)
    apart = book("incident", "lives_with", "apart")
    together = book("incident", "lives_with", "together")
    if positive_matches(tokens, apart) or negated_matches(tokens, together):
        return False
    if positive_matches(tokens, together):
        return True
    if as_answer and _short_answer(text):
        return parse_yes_no(text)
    return None


def parse_ongoing(text: str, *, as_answer: bool = False) -> bool | None:
    """Is the violence still going on? "masih", "tiap hari", "mukul lagi" True; "sudah berhenti" False."""
    tokens = TokenText.from_text(text)
    if positive_matches(tokens, book("incident", "ongoing", "no")):
        return False
    if positive_matches(tokens, book("incident", "ongoing", "yes")):
        return True
    again = {normalize(str(w)) for w in section("incident", "ongoing", "again")}
    for _, match in labelled_matches(tokens, labelled_books("incident", "violence_types")):
        if match.end < len(tokens.tokens) and tokens.tokens[match.end] in again:
            return True
    if as_answer and _short_answer(text):
        return parse_yes_no(text)
    return None


def parse_location_type(text: str, *, strict: bool = False) -> LocationType | None:
    """Where it happened: home, school, workplace, public, online or other (first place named).

    ``strict`` (free text): only a place after "di/ke/dalam/at/in/on" counts.
    """
    own = own_value(text, get_args(LocationType))
    if own:
        return own  # type: ignore[return-value]
    tokens = TokenText.from_text(text)
    excluded = book("incident", "location_types", "exclude").find(tokens)
    books = [
        (label, book("incident", "location_types", label))
        for label in section("incident", "location_types")
        if label != "exclude"
    ]
    for label, match in labelled_matches(tokens, books):
        if any(match.start < e.end and e.start < match.end for e in excluded):
            continue
        previous = tokens.tokens[match.start - 1] if match.start > 0 else ""
        if strict and match.text.split()[0] not in _PREPOSITIONS and previous not in _PREPOSITIONS:
            continue
        return label  # type: ignore[return-value]
    return None


_PREPOSITIONS = frozenset(
    {"di", "ke", "dalam", "at", "in", "on", "via", "lewat", "melalui", "dari"}
)
