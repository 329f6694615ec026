"""Answers to yes/no questions and "skip this question" (lewati)."""

from __future__ import annotations

from lapor_aman.extract._common import book, section
from lapor_aman.normalize import TokenText, cues, normalize, words


def _yes_alone() -> frozenset[str]:
    return frozenset(normalize(str(w)) for w in section("answers", "yes_alone"))


def parse_yes_no(text: str) -> bool | None:
    """True for ya/iya/boleh/aman/bisa/ok/yes, False for tidak/gak/jangan/no; None when unclear.

    The first answer word decides ("boleh, tapi jangan malam" is a yes); "tidak boleh" is a no,
    "tidak apa apa" a yes, "tidak tahu" / "mungkin" unclear.
    """
    normalized = " ".join(words(text))
    if not normalized:
        return None
    if normalized in _yes_alone():
        return True
    tokens = TokenText.from_text(text)
    if book("answers", "unclear").any_in(tokens):
        return None
    answers: list[tuple[int, bool]] = []
    overrides = book("answers", "yes_despite_negation").find(tokens)
    taken = {i for m in overrides for i in range(m.start, m.end)}
    answers.extend((m.start, True) for m in overrides)
    context = cues()
    for match in book("answers", "yes").find(tokens):
        if match.start not in taken:
            negated = context.is_negated(tokens, match.start, prohibitions_negate=True)
            answers.append((match.start, not negated))
    for match in book("answers", "no").find(tokens):
        if match.start not in taken:
            answers.append((match.start, False))
    if not answers:
        return None
    return min(answers, key=lambda item: (item[0], item[1]))[1]


def is_skip(text: str) -> bool:
    """The reporter does not want to, or cannot, answer: lewati, skip, tidak tahu, rahasia, "-"."""
    stripped = text.strip().lower()
    if not stripped:
        return False
    if stripped in {str(w) for w in section("answers", "skip_whole")}:
        return True
    return book("answers", "skip").any_in(TokenText.from_text(text))
