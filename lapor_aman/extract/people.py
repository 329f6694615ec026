"""Who is involved: victim age and sex, the reporter's role, the perpetrator's relation, the place."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, get_args

from lapor_aman.extract._common import (
    book,
    labelled_books,
    labelled_matches,
    number_at,
    own_value,
    section,
)
from lapor_aman.language import is_common_word
from lapor_aman.normalize import PhraseMatch, TokenText, normalize, words

AgeGroup = Literal["child", "adult", "elderly"]
Sex = Literal["female", "male"]
ReporterRole = Literal["victim", "family", "companion", "witness", "other"]
Relation = Literal[
    "partner",
    "former_partner",
    "parent",
    "step_parent",
    "other_family",
    "teacher_or_caregiver",
    "employer_or_coworker",
    "neighbor_or_acquaintance",
    "stranger",
    "online_contact",
]

CHILD_MAX_AGE = 17
ADULT_MAX_AGE = 59
MAX_AGE = 120
_AGE_FILLERS = frozenset(
    {
        "nya",
        "sekitar",
        "kira",
        "kurang",
        "lebih",
        "about",
        "around",
        "is",
        "was",
        "sudah",
        "baru",
        "masih",
        "kak",
        "ya",
        "yang",
        "ke",
        "tahun",
        "an",
        "umur",
        "usia",
        "age",
        "aged",
        "approximately",
        "maybe",
        "mungkin",
        "old",
        "years",
        "year",
        "yo",
        "th",
        "thn",
        "kira kira",
        "sih",
        "deh",
        "kok",
        "itu",
        "she",
        "he",
        "i",
        "am",
        "dia",
        "saya",
        "aku",
        "korban",
        "korbannya",
        "anaknya",
        "anak",
        "adik",
    }
)
_PLACE_STOP = re.compile(
    r"\s+(?:dan|yang|karena|tapi|kak|ya|dengan|sama|saya|aku|sudah|udah|lagi|sejak|sekarang|bersama|and|"
    r"with|since|now|but|for|kok|sih|deh|dong|nih|kakak|bu|pak|mbak|mas)\b.*$",
    re.IGNORECASE,
)
_PLACE_STRONG = re.compile(
    r"(?i)\b(?:tinggal(?:nya)?\s+di|domisili(?:nya)?(?:\s+di)?|alamat(?:nya)?(?:\s+di)?|berdomisili\s+di|"
    r"rumah(?:nya)?(?:\s+(?:saya|aku|kami|korban))?\s+di|(?:live|lives|living|based)\s+in)\s+([^\W\d_][^,.;!?\n]*)"
)
_PLACE_ADMIN = re.compile(
    r"(?i)\b((?:kota|kabupaten|kab\.?|provinsi|prov\.?|kecamatan|kec\.?|kelurahan|kel\.?|desa|daerah)"
    r"\s+[^\W\d_][^,.;!?\n]*)"
)
_PLACE_WEAK = re.compile(r"\b(?:di|dari|in|from)\s+([A-Z][^,.;!?\n]*)")
_MAX_PLACE_WORDS = 4
_ANSWER_MAX_WORDS = 4


# --- age -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _age_vocabulary() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    def flat(key: str) -> frozenset[str]:
        return frozenset(normalize(str(w)) for w in section("people", "age", key))

    return flat("cues"), flat("units"), flat("not_age_after"), flat("not_age_before")


def _plausible_age(value: int) -> int | None:
    return value if 0 <= value <= MAX_AGE else None


def _age_after_cue(tokens: list[str], cues: frozenset[str]) -> int | None:
    for index, token in enumerate(tokens):
        if token not in cues:
            continue
        cursor = index + 1
        while cursor < len(tokens) and cursor <= index + 4:
            number = number_at(tokens, cursor)
            if number:
                return _plausible_age(number[0])
            if tokens[cursor] not in _AGE_FILLERS:
                break
            cursor += 1
    return None


def _age_with_unit(tokens: list[str], *, strict: bool) -> int | None:
    _, units, not_after, not_before = _age_vocabulary()
    holders = book("people", "age", "holders")
    text = TokenText.from_text(" ".join(tokens))
    holder_ends = {m.end for m in holders.find(text)}
    for index in range(len(tokens)):
        number = number_at(tokens, index)
        if not number:
            continue
        value, after = number
        unit = tokens[after] if after < len(tokens) else ""
        if unit not in units:
            continue
        following = " ".join(tokens[after + 1 : after + 3])
        if any(following == w or following.startswith(w + " ") for w in not_after):
            continue
        if index > 0 and tokens[index - 1] in not_before:
            continue
        english_years_old = unit in {"years", "year"} and tokens[after + 1 : after + 2] == ["old"]
        if strict and not (english_years_old or unit == "yo" or index in holder_ends):
            continue
        return _plausible_age(value)
    return None


def _bare_age(tokens: list[str]) -> int | None:
    """The whole answer is a number ("15", "umur 15 thn", "sekitar 40an", "dua belas")."""
    index = 0
    found: int | None = None
    while index < len(tokens):
        if tokens[index] in _AGE_FILLERS:
            index += 1
            continue
        number = number_at(tokens, index)
        if not number or found is not None:
            return None
        found, index = number
    return _plausible_age(found) if found is not None else None


def parse_age(text: str, *, strict: bool = False) -> int | None:
    """The victim's age in years ("15", "umur 12 thn", "dua belas tahun", "40an" -> 40).

    ``strict`` (for free text, not answers): only an age that is clearly an age ("umur 12",
    "anak saya 12 tahun", "12 years old"), never a duration ("sudah 5 tahun menikah").
    """
    tokens = " ".join(words(text)).replace("y o", "yo").split()
    cues, _, _, _ = _age_vocabulary()
    age = _age_after_cue(tokens, cues)
    if age is None:
        age = _age_with_unit(tokens, strict=strict)
    if age is None and not strict:
        age = _bare_age(tokens)
    return age


def age_group_for(age: int) -> AgeGroup:
    """Bands used by the service: child 0-17, adult 18-59, elderly 60+."""
    if age <= CHILD_MAX_AGE:
        return "child"
    return "adult" if age <= ADULT_MAX_AGE else "elderly"


def parse_age_group(text: str, *, strict: bool = False) -> AgeGroup | None:
    """child / adult / elderly from an age or from words (anak SD, remaja, lansia, nenek)."""
    own = own_value(text, get_args(AgeGroup))
    if own:
        return own  # type: ignore[return-value]
    age = parse_age(text, strict=strict)
    if age is not None:
        return age_group_for(age)
    key = "explicit" if strict else "words"
    tokens = TokenText.from_text(text)
    books = [
        (group, book("people", "age_groups", group, key))
        for group in section("people", "age_groups")
    ]
    found = labelled_matches(tokens, books)
    if not found:
        return None
    label, _ = max(found, key=lambda item: (item[1].end - item[1].start, -item[1].start))
    return label  # type: ignore[return-value]


# --- sex -----------------------------------------------------------------------------------


def parse_sex(text: str, *, strict: bool = False) -> Sex | None:
    """female / male from perempuan/cewek/wanita/girl vs laki/cowok/pria/boy (and istri/ibu...).

    ``strict``: only statements about the victim ("anak perempuan saya", "saya perempuan").
    """
    own = own_value(text, get_args(Sex))
    if own:
        return own  # type: ignore[return-value]
    stripped = text.strip().lower()
    letters = {str(k): str(v) for k, v in section("people", "sex", "letters").items()}
    if stripped in letters:
        return letters[stripped]  # type: ignore[return-value]
    key = "explicit" if strict else "words"
    tokens = TokenText.from_text(text)
    books = [(sex, book("people", "sex", sex, key)) for sex in ("female", "male")]
    found = {label for label, _ in labelled_matches(tokens, books)}
    return found.pop() if len(found) == 1 else None  # type: ignore[return-value]


# --- reporter role -------------------------------------------------------------------------


def _first_label(tokens: TokenText, *path: str) -> str | None:
    found = labelled_matches(tokens, labelled_books("people", *path))
    return found[0][0] if found else None


def parse_reporter_role(text: str, *, strict: bool = False) -> ReporterRole | None:
    """Who is reporting: the victim, family, a companion (pendamping), a witness, or other.

    Read in order: statements about the reporter ("saya ibunya", "saya guru pendampingnya"),
    then what happened to whom ("anak saya dipukul" -> family, "suami memukul saya" -> victim),
    then (not ``strict``) a short answer ("keluarga", "saksi").
    """
    own = own_value(text, get_args(ReporterRole))
    if own:
        return own  # type: ignore[return-value]
    tokens = TokenText.from_text(text)
    role = _first_label(tokens, "reporter_roles", "explicit")
    if role is None:
        found = labelled_matches(tokens, labelled_books("people", "reporter_roles", "implied"))
        role = found[0][0] if found else None
    if role is None and not strict and len(words(text)) <= _ANSWER_MAX_WORDS:
        role = _first_label(tokens, "reporter_roles", "answers")
    return role  # type: ignore[return-value]


# --- relation ------------------------------------------------------------------------------

_BRIDGE = frozenset(
    {
        "adalah",
        "itu",
        "ya",
        "nya",
        "si",
        "sang",
        "is",
        "was",
        "my",
        "the",
        "her",
        "his",
        "saya",
        "aku",
        "ku",
        "sendiri",
        "korban",
        "kandung",
        "yang",
        "oleh",
        "sama",
        "dari",
        "by",
        "a",
        "an",
        "our",
        "mereka",
        "kami",
    }
)


_ADVERBS = frozenset(
    {
        "sering",
        "suka",
        "selalu",
        "pernah",
        "sudah",
        "lagi",
        "juga",
        "terus",
        "mau",
        "akan",
        "sedang",
        "masih",
        "tadi",
        "kemarin",
        "baru",
        "dia",
        "biasa",
        "kadang",
        "often",
        "always",
        "also",
        "sometimes",
        "keeps",
        "again",
        "just",
        "has",
        "had",
        "have",
    }
)


def _relations(tokens: TokenText) -> list[tuple[str, PhraseMatch]]:
    return labelled_matches(tokens, labelled_books("people", "relations"))


def _relation_after(
    tokens: TokenText, position: int, relations: list[tuple[str, PhraseMatch]]
) -> str | None:
    cursor = position
    while cursor < len(tokens.tokens):
        for label, match in relations:
            if match.start == cursor:
                return label
        if tokens.tokens[cursor] not in _BRIDGE:
            return None
        cursor += 1
    return None


def _self_statement_spans(tokens: TokenText) -> set[int]:
    spans: set[int] = set()
    for _, phrases in labelled_books("people", "reporter_roles", "explicit"):
        for match in phrases.find(tokens):
            spans.update(range(match.start, match.end))
    return spans


def _followed_by(tokens: TokenText, position: int, kind: str) -> bool:
    """A verb of ``kind`` (ACTIVE / PASSIVE) comes next, after possessives and adverbs."""
    starts = {m.start for m in book("people", "classes", kind).find(tokens)}
    cursor = position
    while cursor < len(tokens.tokens) and cursor <= position + 3:
        if cursor in starts:
            return True
        if tokens.tokens[cursor] not in _BRIDGE | _ADVERBS:
            return False
        cursor += 1
    return False


def parse_relation(text: str, *, strict: bool = False) -> Relation | None:
    """Who the perpetrator is to the victim.

    Read in order: a named perpetrator ("pelakunya om nya", "dipukul ayahnya", "dilecehkan oleh
    guru"), then someone doing the violence ("suami saya mukul lagi"), then - only when it is the
    one relation word that is neither the reporter ("saya ibunya") nor a victim ("anak saya
    dipukul") - that word; a short answer ("suami") is that word. Limits: one perpetrator is read
    (the first named); the relation is taken as the reporter words it, which is the perpetrator's
    relation to the victim when the victim is the reporter or the reporter's family member named
    as victim ("anak saya dipukul ayahnya" -> parent).
    """
    own = own_value(text, get_args(Relation))
    if own:
        return own  # type: ignore[return-value]
    tokens = TokenText.from_text(text)
    relations = _relations(tokens)
    if not relations:
        return None
    for cue in book("people", "perpetrator_cues").find(tokens):
        found = _relation_after(tokens, cue.end, relations)
        if found:
            return found  # type: ignore[return-value]
    for passive in book("people", "classes", "PASSIVE").find(tokens):
        found = _relation_after(tokens, passive.end, relations)
        if found:
            return found  # type: ignore[return-value]
    for label, match in relations:
        if _followed_by(tokens, match.end, "ACTIVE"):
            return label  # type: ignore[return-value]
    self_spans = _self_statement_spans(tokens)
    candidates = {
        label
        for label, match in relations
        if match.start not in self_spans and not _followed_by(tokens, match.end, "PASSIVE")
    }
    if len(candidates) == 1:
        return candidates.pop()  # type: ignore[return-value]
    if not strict and len(words(text)) <= _ANSWER_MAX_WORDS:
        return relations[0][0]  # type: ignore[return-value]
    return None


# --- place ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _not_places() -> frozenset[str]:
    return frozenset(normalize(str(w)) for w in section("people", "place", "not_places"))


def _clean_place(candidate: str) -> str | None:
    place = _PLACE_STOP.sub("", candidate.strip())
    place = " ".join(place.split()[:_MAX_PLACE_WORDS]).strip(" -'")
    if not place or any(word in _not_places() for word in normalize(place).split()):
        return None
    return place


def parse_place(text: str, *, strict: bool = False) -> str | None:
    """The place text where the victim lives ("tinggal di Bekasi" -> "Bekasi", "Kota Bandung").

    Resolving it to a province/city is the regions resolver's job; this only finds the words.
    """
    for pattern in (_PLACE_STRONG, _PLACE_ADMIN, _PLACE_WEAK):
        for match in pattern.finditer(text):
            place = _clean_place(match.group(1))
            if place:
                return place
    answer = text.strip().strip(".!")
    tokens = words(answer)
    if strict or not 0 < len(tokens) <= _MAX_PLACE_WORDS or any(c.isdigit() for c in answer):
        return None
    if any(is_common_word(t) or t in _not_places() for t in tokens) or _relations(
        TokenText.from_text(answer)
    ):
        return None
    return _clean_place(answer)
