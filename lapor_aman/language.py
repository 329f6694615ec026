"""Which language a message is written in: Indonesian ("id"), English ("en") or unsure (None).

Word-list vote over normalised words (``data/lexicon/language.yml``). Short answers ("ok", "15",
"Bekasi") are None: the conversation keeps the language it already had.

Standard library and PyYAML only: this module also runs inside the Rasa engine (Python 3.10).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from lapor_aman.normalize import load_lexicon, normalize, words

Language = Literal["id", "en"]
_MIN_VOTES = 2
_MIN_SHARE = 0.7


@dataclass(frozen=True)
class _LanguageWords:
    words: frozenset[str]
    strong: frozenset[str]


def _word_set(entries: list[str]) -> frozenset[str]:
    return frozenset(word for entry in entries for word in normalize(str(entry)).split())


@lru_cache(maxsize=1)
def _lexicon() -> dict[Language, _LanguageWords]:
    data = load_lexicon("language")
    return {
        "id": _LanguageWords(_word_set(data["id"]["words"]), _word_set(data["id"]["strong"])),
        "en": _LanguageWords(_word_set(data["en"]["words"]), _word_set(data["en"]["strong"])),
    }


@lru_cache(maxsize=1)
def _language_names() -> frozenset[str]:
    return _word_set(load_lexicon("language").get("language_names", []))


def mentions_a_language(text: str) -> bool:
    """Whether the message names a language ("bahasa", "english", "inggris", ...)."""
    return any(token in _language_names() for token in words(text))


def is_common_word(word: str) -> bool:
    """A frequent Indonesian or English word (so not, say, a place name)."""
    normalized = normalize(word)
    return any(normalized in entry.words for entry in _lexicon().values())


def detect_language(text: str) -> Language | None:
    """ "id" or "en" when the message clearly says so, else None (too short or mixed)."""
    tokens = [token for token in words(text) if not token.isdigit()]
    if not tokens:
        return None
    lexicon = _lexicon()
    votes = {language: sum(t in entry.words for t in tokens) for language, entry in lexicon.items()}
    if len(tokens) == 1:
        strong = [language for language, entry in lexicon.items() if tokens[0] in entry.strong]
        return strong[0] if len(strong) == 1 else None
    winner: Language = "id" if votes["id"] >= votes["en"] else "en"
    total = votes["id"] + votes["en"]
    if votes[winner] < _MIN_VOTES or votes[winner] / total < _MIN_SHARE:
        return None
    return winner
