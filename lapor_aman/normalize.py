"""Text normalisation and the phrase-pattern language shared by the safety net and the extractor.

Normalisation (teks baku): lowercase, chat spelling to standard words ("gak" -> "tidak", "sy" ->
"saya"), repeated letters collapsed ("tolonggg" -> "tolong"), reduplication written with a 2 expanded
("anak2" -> "anak anak"), English contractions expanded ("don't" -> "do not"), and one-letter typos of
lexicon words fixed ("berdrah" -> "berdarah").

Phrase patterns (used by every file in ``lapor_aman/data/lexicon/``), one phrase per entry:

- words separated by spaces, each matched as a whole normalised word: ``bawa pisau``;
- ``a|b|c`` one word out of several: ``bawa|pegang pisau`` (each alternative is ONE word: write
  ``saat ini|sekarang`` as two phrases, or it reads "saat" then "ini" or "sekarang");
- ``*`` inside a word: any letters there: ``*bunuh*`` matches membunuh, dibunuh, bunuhin;
- ``[a|b]`` an optional word: ``tidak [lagi] aman``; brackets never span two words;
- ``_`` exactly one word of any kind, ``[_]`` at most one; ``...`` zero to three words;
- ``@NAME`` one entry of the word class NAME (``classes:`` in the same file); ``@NAME|word``.

Nothing here crosses a punctuation mark: patterns match within a clause.

Standard library and PyYAML only: this module also runs inside the Rasa engine (Python 3.10).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicon"

_LETTERS = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r"[^\W_]+|\n|[^\w\s]")
_WORD_TOKEN = re.compile(r"[^\W_]+")
_REDUPLICATION = re.compile(r"\b([^\W\d_]{2,})2\b")
_HYPHEN_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_DIGIT_LETTER_SEAM = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_REPEAT_RUN = re.compile(r"(.)\1+")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_NEWLINES = re.compile(r" *\n[\s]*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})

_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bain't\b"), "is not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(\w+)'re\b"), r"\1 are"),
    (re.compile(r"\b(\w+)'ve\b"), r"\1 have"),
    (re.compile(r"\b(\w+)'ll\b"), r"\1 will"),
    (re.compile(r"\b(\w+)'d\b"), r"\1 would"),
    (re.compile(r"\b(he|she|it|that|there|what|who|where|here|this)'s\b"), r"\1 is"),
    (re.compile(r"\b(\w+)'s\b"), r"\1"),
)

_MIN_TYPO_LENGTH = 6
_MIN_TYPO_VOWELLESS = 4
_DROP_VOWELS = str.maketrans("", "", "aeiou")
_SPLIT_DI_PREFIX = re.compile(r"\b(?:di|d) ([^\W\d_]+)")
_MAX_REPEAT_RUNS = 4


# --------------------------------------------------------------------------------------------
# Lexicon files
# --------------------------------------------------------------------------------------------


@cache
def load_lexicon(name: str) -> dict[str, Any]:
    """Load ``lapor_aman/data/lexicon/<name>.yml`` (cached)."""
    with (LEXICON_DIR / f"{name}.yml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"lexicon {name}.yml must be a mapping")
    _reject_booleans(data, name)
    return data


def lexicon_fingerprint() -> str:
    """A digest of what the lexicon files say, not how they are written: comments, quoting, order
    of keys and layout leave it unchanged. Training caches key on it (scripts/train.sh and the
    n-gram blend's fingerprint), so a comment-only edit of a lexicon does not retrain the model."""
    digest = hashlib.sha256()
    for path in sorted(LEXICON_DIR.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        digest.update(path.name.encode())
        digest.update(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


def _reject_booleans(value: Any, name: str) -> None:
    """YAML reads a bare no/yes/on/off as a boolean: in a word list that is always a mistake."""
    if isinstance(value, bool):
        raise ValueError(f"lexicon {name}.yml: quote the word read as {value!r} (no/yes/on/off)")
    if isinstance(value, Mapping):
        for key, item in value.items():
            _reject_booleans(key, name)
            _reject_booleans(item, name)
    elif isinstance(value, list):
        for item in value:
            _reject_booleans(item, name)


def _strings_in(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)


@lru_cache(maxsize=1)
def _chat_map() -> dict[str, str]:
    raw = load_lexicon("chat_spelling").get("map", {})
    return {str(key).lower(): str(value).lower() for key, value in raw.items()}


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Every word written in any lexicon file, plus ``common_words``: never "typo-fixed"."""
    words: set[str] = set()
    for path in sorted(LEXICON_DIR.glob("*.yml")):
        words.update(_LETTERS.findall(" ".join(_strings_in(load_lexicon(path.stem))).lower()))
    return frozenset(words)


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------


def _collapse_repeats(word: str, known: frozenset[str]) -> str:
    """ "tolonggg" -> "tolong", "maaaaf" -> "maaf", "killll" -> "kill" (the known spelling wins)."""
    if word in known or not _REPEAT_RUN.search(word):
        return word
    runs = list(_REPEAT_RUN.finditer(word))[:_MAX_REPEAT_RUNS]
    candidates: list[str] = [""]
    cursor = 0
    for run in runs:
        prefix = word[cursor : run.start()]
        letter = run.group(1)
        candidates = [c + prefix + letter for c in candidates] + [
            c + prefix + letter * 2 for c in candidates
        ]
        cursor = run.end()
    candidates = sorted({c + word[cursor:] for c in candidates}, key=len)
    for candidate in candidates:
        if candidate in known:
            return candidate
    return re.sub(r"(.)\1{2,}", r"\1", word)


def _skeleton(word: str) -> str:
    return word.translate(_DROP_VOWELS)


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(letter in letters for letter in short)


@lru_cache(maxsize=1)
def _skeleton_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for word in known_words():
        if len(word) >= _MIN_TYPO_LENGTH - 1:
            index.setdefault(_skeleton(word), []).append(word)
    return {key: tuple(sorted(words)) for key, words in index.items()}


def _swap_candidates(word: str, known: frozenset[str]) -> set[str]:
    swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
    return {swap for swap in swaps if swap in known and swap != word}


def _fix_typo(word: str, known: frozenset[str]) -> str:
    """Fix chat typos that cannot turn one real word into another.

    Only dropped vowels ("brdarah" -> "berdarah", "bnuh" -> "bunuh") and swapped neighbours
    ("pisua" -> "pisau") are fixed: a changed consonant ("barang" vs "parang") never is.
    """
    if word in known or len(word) < _MIN_TYPO_VOWELLESS or not word.isalpha():
        return word
    candidates = {
        candidate
        for candidate in _skeleton_index().get(_skeleton(word), ())
        if len(candidate) > len(word) and _is_subsequence(word, candidate)
    }
    if len(word) >= _MIN_TYPO_LENGTH - 1:
        candidates |= _swap_candidates(word, known)
    return candidates.pop() if len(candidates) == 1 else word


@lru_cache(maxsize=4096)
def normalize_word(word: str) -> str:
    """Normalise one run of letters; the result may be several words ("gatau" -> "tidak tahu")."""
    lowered = word.lower()
    chat = _chat_map()
    known = known_words() | frozenset(chat)
    collapsed = _collapse_repeats(lowered, known)
    fixed = collapsed if collapsed in chat else _fix_typo(collapsed, known)
    return chat.get(fixed, fixed)


def _join_di_prefix(match: re.Match[str]) -> str:
    """ "di pukul" (passive written apart, very common in chat) -> "dipukul"; "di rumah" stays."""
    joined = "di" + match.group(1)
    if joined in _chat_map():
        return match.group(0)
    if joined in known_words():
        return joined
    fixed = _fix_typo(joined, known_words())
    return fixed if fixed != joined else match.group(0)


def _expand_contractions(text: str) -> str:
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=2048)
def normalize(text: str) -> str:
    """Normalised text: punctuation, digits and line breaks are kept, words are standardised."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = _expand_contractions(text)
    text = _REDUPLICATION.sub(r"\1 \1", text)
    text = _HYPHEN_BETWEEN_LETTERS.sub(" ", text)
    text = _DIGIT_LETTER_SEAM.sub(" ", text)
    text = _LETTERS.sub(lambda m: normalize_word(m.group(0)), text)
    text = _SPLIT_DI_PREFIX.sub(_join_di_prefix, text)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def tokenize(text: str) -> list[str]:
    """Tokens of the normalised text: words/numbers, single punctuation marks and line breaks."""
    return _TOKEN.findall(normalize(text))


def words(text: str) -> list[str]:
    """Only the word and number tokens of the normalised text."""
    return [token for token in tokenize(text) if is_word(token)]


def is_word(token: str) -> bool:
    return bool(_WORD_TOKEN.fullmatch(token))


# --------------------------------------------------------------------------------------------
# Phrase patterns
# --------------------------------------------------------------------------------------------

_ANY_WORD = r"[^\W_]+ "
_GAP = r"(?:[^\W_]+ ){0,3}"


@dataclass(frozen=True)
class TokenText:
    """Normalised tokens joined by single spaces, so lexicon patterns can run as regexes."""

    tokens: tuple[str, ...]
    joined: str
    token_at_offset: Mapping[int, int]

    @classmethod
    def from_text(cls, text: str) -> TokenText:
        tokens = tuple(tokenize(text))
        offsets: dict[int, int] = {}
        position = 0
        for index, token in enumerate(tokens):
            offsets[position] = index
            position += len(token) + 1
        offsets[position] = len(tokens)
        return cls(tokens, "".join(f"{token} " for token in tokens), offsets)

    def span(self, start: int, end: int) -> str:
        return " ".join(self.tokens[start:end])


@dataclass(frozen=True)
class PhraseMatch:
    start: int  # first token index
    end: int  # one past the last token index
    text: str  # the normalised words matched
    phrase: str  # the lexicon entry that matched


def _alternative_regex(alternative: str) -> str:
    parts: list[str] = []
    for raw in alternative.split():
        if "*" in raw:
            parts.append("".join(r"[^\W_]*" if ch == "*" else re.escape(ch) for ch in raw) + " ")
        else:
            parts.extend(f"{re.escape(word)} " for word in normalize(raw).split())
    return "".join(parts)


def _group(alternatives: Iterable[str]) -> str:
    regexes = sorted({_alternative_regex(a) for a in alternatives if a.strip()}, key=len)
    return "(?:" + "|".join(reversed(regexes)) + ")"


def _expand_alternatives(
    element: str, classes: Mapping[str, Sequence[str]], phrase: str
) -> list[str]:
    alternatives: list[str] = []
    for alternative in element.split("|"):
        if alternative.startswith("@"):
            name = alternative[1:]
            if name not in classes:
                raise ValueError(f"unknown word class @{name} in phrase {phrase!r}")
            alternatives.extend(str(entry) for entry in classes[name])
        else:
            alternatives.append(alternative)
    return alternatives


def compile_phrase(
    phrase: str, classes: Mapping[str, Sequence[str]] | None = None
) -> re.Pattern[str]:
    """Compile one lexicon phrase (see the module docstring) to a regex over ``TokenText.joined``."""
    classes = classes or {}
    body: list[str] = []
    for element in phrase.split():
        if element == "...":
            body.append(_GAP)
        elif element == "_":
            body.append(_ANY_WORD)
        elif element == "[_]":
            body.append(f"(?:{_ANY_WORD})?")
        elif element == "[...]":
            raise ValueError(f"'...' is already optional (none to three words): {phrase!r}")
        elif element.startswith("[") and element.endswith("]"):
            body.append(_group(_expand_alternatives(element[1:-1], classes, phrase)) + "?")
        elif "[" in element or "]" in element:
            # "[tidak dikenal]" would be two required words, "[tidak" and "dikenal]", silently.
            raise ValueError(f"an optional element is one word (a|b alternatives): {phrase!r}")
        else:
            body.append(_group(_expand_alternatives(element, classes, phrase)))
    if not body:
        raise ValueError("empty phrase")
    return re.compile(r"(?<!\S)" + "".join(body))


@dataclass(frozen=True)
class Phrasebook:
    """A list of lexicon phrases compiled once, searched together."""

    phrases: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...] = field(repr=False)

    @classmethod
    def build(
        cls, phrases: Iterable[str], classes: Mapping[str, Sequence[str]] | None = None
    ) -> Phrasebook:
        listed = tuple(str(p) for p in phrases)
        return cls(listed, tuple(compile_phrase(p, classes) for p in listed))

    def find(self, text: TokenText) -> list[PhraseMatch]:
        found: list[PhraseMatch] = []
        for phrase, pattern in zip(self.phrases, self.patterns, strict=True):
            for match in pattern.finditer(text.joined):
                start = text.token_at_offset[match.start()]
                end = text.token_at_offset[match.end()]
                found.append(PhraseMatch(start, end, text.span(start, end), phrase))
        return sorted(found, key=lambda m: (m.start, -m.end))

    def any_in(self, text: TokenText) -> bool:
        return any(pattern.search(text.joined) for pattern in self.patterns)


# --------------------------------------------------------------------------------------------
# Context cues: negation, past, hypothetical
# --------------------------------------------------------------------------------------------

_SENTENCE_ENDS = frozenset({".", "!", "?", ";", "\n"})
_MAX_NEGATION_SCAN = 5
_MAX_CONDITION_DISTANCE = 6
_EARLIEST_YEAR = 1950


def _is_past_year(token: str) -> bool:
    """A calendar year before this one ("2019" in "tahun 2019", "in 2021")."""
    return len(token) == 4 and token.isdigit() and _EARLIEST_YEAR <= int(token) < date.today().year


def _word_run_end(text: TokenText, start: int, limit: int) -> int:
    """End of the clause starting at ``start``: the first punctuation token, at most ``limit``."""
    end = start
    while end < limit and is_word(text.tokens[end]):
        end += 1
    return end


def _word_set(entries: Iterable[Any]) -> frozenset[str]:
    return frozenset(word for entry in entries for word in normalize(str(entry)).split())


@dataclass(frozen=True)
class Cues:
    """The cue lists of ``cues.yml`` and the rules that use them."""

    negators: frozenset[str]
    prohibitives: frozenset[str]
    transparent: frozenset[str]
    clause_breaks: frozenset[str]
    contrast_breaks: frozenset[str]
    past: Phrasebook
    past_at_clause_start: frozenset[str]
    year_leads: frozenset[str]
    dating_openers: frozenset[str]
    relative_openers: frozenset[str]
    present: Phrasebook
    conditionals: Phrasebook
    questions: frozenset[str]
    consequents: frozenset[str]

    @classmethod
    def load(cls) -> Cues:
        data = load_lexicon("cues")
        classes = data.get("classes", {})
        prohibitive_words = _word_set(data["prohibitives"]) - _word_set(data["negators"])
        return cls(
            negators=_word_set(data["negators"]),
            prohibitives=frozenset(w for w in prohibitive_words if w not in {"do", "please"}),
            transparent=_word_set(data["transparent"]),
            clause_breaks=_word_set(data["clause_breaks"]),
            contrast_breaks=_word_set(data["contrast_breaks"]),
            past=Phrasebook.build(data["past"], classes),
            past_at_clause_start=_word_set(data["past_at_clause_start"]),
            year_leads=_word_set(data["year_leads"]),
            dating_openers=_word_set(data["dating_openers"]),
            relative_openers=_word_set(data["relative_openers"]),
            present=Phrasebook.build(data["present"], classes),
            conditionals=Phrasebook.build(data["conditionals"], classes),
            questions=_word_set(data["questions"]),
            consequents=_word_set(data["consequents"]),
        )

    def is_negated(
        self,
        text: TokenText,
        start: int,
        *,
        covered: frozenset[int] = frozenset(),
        prohibitions_negate: bool = False,
    ) -> bool:
        """A negator stands before ``start`` with only transparent words between, in one clause.

        ``covered`` are token indexes of other matches of the same kind, so a list like
        "tidak bawa pisau atau golok" is negated as a whole.
        """
        negators = self.negators | self.prohibitives if prohibitions_negate else self.negators
        index = start - 1
        scanned = 0
        while index >= 0 and scanned < _MAX_NEGATION_SCAN:
            token = text.tokens[index]
            if token == "," and index - 1 in covered:
                index -= 1  # a list of the same kind: "tidak bawa pisau, golok atau senjata"
                continue
            if not is_word(token) or token in self.clause_breaks:
                return False
            if token in negators:
                return True
            if token not in self.transparent and index not in covered:
                return False
            index -= 1
            scanned += 1
        return False

    def _frame_bounds(
        self, text: TokenText, position: int, *, split_on_contrast: bool
    ) -> tuple[int, int]:
        """Start and end of the sentence (or contrast-delimited part of it) around ``position``."""

        def is_break(token: str) -> bool:
            return token in _SENTENCE_ENDS or (split_on_contrast and token in self.contrast_breaks)

        start = position
        while start > 0 and not is_break(text.tokens[start - 1]):
            start -= 1
        end = position
        while end < len(text.tokens) and not is_break(text.tokens[end]):
            end += 1
        return start, end

    def _clause_start(self, text: TokenText, position: int) -> bool:
        return (
            position == 0
            or not is_word(text.tokens[position - 1])
            or (text.tokens[position - 1] in self.contrast_breaks | self.clause_breaks)
        )

    def time_markers(self, text: TokenText) -> list[tuple[int, str]]:
        """(token index, "past" | "present") for every time marker, in order.

        A present word inside a past phrase is part of it: "kemarin" in "tahun kemarin" or "bulan
        puasa kemarin" (last Ramadan) is not a present marker.
        """
        past = self.past.find(text)
        inside_past = {index for m in past for index in range(m.start, m.end)}
        markers = [(m.start, "past") for m in past]
        markers += [
            (index, "past")
            for index, token in enumerate(text.tokens)
            if token in self.past_at_clause_start and self._clause_start(text, index)
        ]
        markers += [
            (index - 1, "past")
            for index, token in enumerate(text.tokens)
            if index > 0 and text.tokens[index - 1] in self.year_leads and _is_past_year(token)
        ]
        markers += [
            (m.start, "present") for m in self.present.find(text) if m.start not in inside_past
        ]
        return sorted(set(markers))

    def is_past(
        self, text: TokenText, start: int, markers: list[tuple[int, str]] | None = None
    ) -> bool:
        """The phrase at ``start`` is told as distant past ("dulu pernah dipukul sampai berdarah").

        The nearest time marker decides, clause first: the last one before the phrase in its own
        clause; failing that, a past marker after it in its clause ("dipukul sampai berdarah tahun
        lalu"); failing that, the last one before it in the sentence part. So "bekas lukanya masih
        ada, itu waktu dia nyiram air panas 2 tahun lalu" is past although "masih" comes first.
        A past marker opening a relative clause after the phrase ("... sama ayahnya yang pernah
        melecehkan dia", "... sama om yang dulu pernah pegang2 dia") dates the man's deed, not
        the phrase.
        """
        markers = self.time_markers(text) if markers is None else markers
        frame_start, frame_end = self._frame_bounds(text, start, split_on_contrast=True)
        clause_start = start
        while clause_start > frame_start and not self._clause_start(text, clause_start):
            clause_start -= 1
        clause_end = _word_run_end(text, start, frame_end)
        in_clause = [kind for position, kind in markers if clause_start <= position < start]
        if in_clause:
            return in_clause[-1] == "past"
        past_positions = {position for position, kind in markers if kind == "past"}
        after = [
            kind
            for position, kind in markers
            if start < position < clause_end
            and not self._opens_relative_clause(text, position, past_positions)
        ]
        if after:
            return "past" in after and "present" not in after
        before = [kind for position, kind in markers if frame_start <= position < clause_start]
        if before:
            return before[-1] == "past"
        return self._dated_by_next_clause(text, clause_end, frame_end, markers)

    def _opens_relative_clause(
        self, text: TokenText, position: int, past_positions: set[int]
    ) -> bool:
        """The marker at ``position`` follows a relative opener, past markers allowed between:
        "yang pernah", "yang dulu pernah", "who used to"."""
        index = position - 1
        while index in past_positions:
            index -= 1
        return index >= 0 and text.tokens[index] in self.relative_openers

    def _dated_by_next_clause(
        self, text: TokenText, clause_end: int, frame_end: int, markers: list[tuple[int, str]]
    ) -> bool:
        """ "ditendang sampai keguguran, itu 2019": a next clause that opens with "itu" (or
        "that/it was") and holds a past marker dates the clause before it."""
        start = clause_end + 1
        if start >= frame_end or text.tokens[start] not in self.dating_openers:
            return False
        end = _word_run_end(text, start, frame_end)
        kinds = [kind for position, kind in markers if start <= position < end]
        return "past" in kinds and "present" not in kinds

    def is_hypothetical(self, text: TokenText, start: int) -> bool:
        """ "kalau dia bawa pisau gimana?": a condition holding the phrase, in a question."""
        sentence_start, sentence_end = self._frame_bounds(text, start, split_on_contrast=False)
        asks = (sentence_end < len(text.tokens) and text.tokens[sentence_end] == "?") or any(
            token in self.questions for token in text.tokens[sentence_start:sentence_end]
        )
        if not asks:
            return False
        for condition in self.conditionals.find(text):
            if not sentence_start <= condition.start < start:
                continue
            between = text.tokens[condition.end : start]
            if len(between) > _MAX_CONDITION_DISTANCE or not all(is_word(t) for t in between):
                continue
            if not any(token in self.consequents for token in between):
                return True
        return False


@lru_cache(maxsize=1)
def cues() -> Cues:
    return Cues.load()
