"""Normalisation (chat spelling, repeated letters, typos) and the lexicon phrase language."""

from __future__ import annotations

import pytest

from lapor_aman.normalize import (
    LEXICON_DIR,
    Phrasebook,
    TokenText,
    _strings_in,
    compile_phrase,
    cues,
    load_lexicon,
    normalize,
    tokenize,
    words,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Gak", "tidak"),
        ("ga", "tidak"),
        ("nggak", "tidak"),
        ("ngga", "tidak"),
        ("enggak", "tidak"),
        ("tdk", "tidak"),
        ("sy", "saya"),
        ("yg", "yang"),
        ("dgn", "dengan"),
        ("udh", "sudah"),
        ("udah", "sudah"),
        ("bgt", "banget"),
        ("krn", "karena"),
        ("kalo", "kalau"),
        ("skrg", "sekarang"),
        ("gatau", "tidak tahu"),
        ("tolonggg", "tolong"),
        ("TOLONGGGG!!", "tolong!!"),
        ("maaaaf", "maaf"),
        ("anak2", "anak anak"),
        ("laki-laki", "laki laki"),
        ("umur 12thn", "umur 12 tahun"),
        ("40an", "40 an"),
        ("He doesn't have a knife", "he does not have a knife"),
        ("I'm bleeding", "i am bleeding"),
        ("can't", "can not"),
        ("won\u2019t", "will not"),
        ("killlll me", "kill me"),
        ("berdrah", "berdarah"),
        ("di pukul", "dipukul"),
        ("di rumah", "di rumah"),
        ("dirumah", "di rumah"),
        ("barang", "barang"),
        ("  banyak   spasi  ", "banyak spasi"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


# "di" before a place stays a separate word. A lexicon entry written joined ("dibawah umur") makes
# "dibawah" a known word, and every "di bawah" in every message would then be joined and stop
# matching phrases written apart ("dia ada di bawah nunggu aku").
PLACE_WORDS = [
    "depan",
    "belakang",
    "luar",
    "dalam",
    "atas",
    "bawah",
    "samping",
    "sebelah",
    "sini",
    "situ",
    "sana",
    "mana",
    "rumah",
    "kamar",
    "kos",
    "kost",
    "sekolah",
    "kantor",
    "jalan",
    "dapur",
    "gudang",
    "mobil",
    "pinggir",
    "tepi",
    "ujung",
    "tengah",
    "pojok",
]


@pytest.mark.parametrize("place", PLACE_WORDS)
def test_di_before_a_place_stays_apart(place: str) -> None:
    assert normalize(f"dia ada di {place}") == f"dia ada di {place}"
    # ... and is split when written together ("dirumah", "diatas"), so phrases see one spelling
    assert normalize(f"dia ada di{place}") == f"dia ada di {place}"


def test_tokenize_keeps_punctuation_and_line_breaks_as_boundaries() -> None:
    assert tokenize("tolong, dia datang!\nsekarang") == [
        "tolong",
        ",",
        "dia",
        "datang",
        "!",
        "\n",
        "sekarang",
    ]


def test_words_drop_punctuation() -> None:
    assert words("sy gak aman, skrg!") == ["saya", "tidak", "aman", "sekarang"]


@pytest.mark.parametrize(
    ("phrase", "text", "matched"),
    [
        ("bawa|pegang pisau", "dia pegang pisau", "pegang pisau"),
        ("*bunuh*", "dia mau membunuhnya", "membunuhnya"),
        ("tidak [lagi] aman", "saya tidak lagi aman", "tidak lagi aman"),
        ("tidak [lagi] aman", "saya tidak aman", "tidak aman"),
        ("ancam ... bunuh", "dia ancam mau bunuh", "ancam mau bunuh"),
        ("dia _ pisau", "dia bawa pisau", "dia bawa pisau"),
        ("@ME takut", "aku takut", "aku takut"),
        ("gak aman", "sy ga aman", "tidak aman"),
    ],
)
def test_phrase_language(phrase: str, text: str, matched: str) -> None:
    book = Phrasebook.build([phrase], {"ME": ["saya", "aku"]})

    assert [m.text for m in book.find(TokenText.from_text(text))] == [matched]


def test_phrase_does_not_cross_punctuation() -> None:
    book = Phrasebook.build(["bawa pisau"])

    assert book.find(TokenText.from_text("dia bawa, pisau")) == []


def test_unknown_word_class_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown word class"):
        compile_phrase("@NOPE pisau", {})


@pytest.mark.parametrize(
    "phrase", ["dibawa orang [tidak dikenal]", "[sudah di] rumah", "pisau]", "on the [...] door"]
)
def test_optional_element_spanning_two_words_is_an_error(phrase: str) -> None:
    # Split on spaces, "[tidak dikenal]" used to become two required words and match only in full.
    with pytest.raises(ValueError, match=r"optional element is one word|already optional"):
        compile_phrase(phrase, {})


def test_optional_element_of_one_word_is_optional() -> None:
    book = Phrasebook.build(["dibawa orang [asing|lain]"])

    assert [m.text for m in book.find(TokenText.from_text("anak saya dibawa orang"))] == [
        "dibawa orang"
    ]


def test_optional_any_word() -> None:
    # "[_]" used to be read as the literal word "_", so "@HITTING [_] [lagi] saat ini" never matched
    # with a word between.
    book = Phrasebook.build(["banging on the [_] door"])

    assert book.any_in(TokenText.from_text("he is banging on the door"))
    assert book.any_in(TokenText.from_text("he is banging on the bathroom door"))
    assert not book.any_in(TokenText.from_text("he is banging on the big red door"))


@pytest.mark.parametrize(
    ("text", "position", "negated"),
    [
        ("dia tidak bawa pisau", 3, True),
        ("dia gak punya senjata", 3, True),
        ("aku ga kuat lagi ingin mati", 4, False),
        ("saya tidak tahu dia bawa pisau", 5, False),
        ("bukan darurat", 1, True),
        ("tidak, dia bawa pisau", 4, False),
    ],
)
def test_negation_needs_only_transparent_words_between(
    text: str, position: int, negated: bool
) -> None:
    assert cues().is_negated(TokenText.from_text(text), position) is negated


def test_prohibition_negates_only_when_asked() -> None:
    text = TokenText.from_text("jangan telepon")

    assert not cues().is_negated(text, 1)
    assert cues().is_negated(text, 1, prohibitions_negate=True)


@pytest.mark.parametrize(
    ("text", "position", "past"),
    [
        ("dulu pernah dipukul", 2, True),
        ("saya dipukul sampai berdarah tahun lalu", 3, True),
        ("tahun lalu, saya dipukul sampai berdarah", 6, True),
        ("dulu pernah dipukul, sekarang dia bawa pisau", 7, False),
        ("dulu pernah dipukul tapi dia bawa pisau", 6, False),
        ("saya lapor dulu, dia bawa pisau", 6, False),
        ("dari dulu dia bawa pisau", 4, False),
        # a relative clause dates the man's deed, not the phrase before it
        ("anakku lagi di rumah sama om yang pernah melecehkan dia", 1, False),
        ("anakku lagi di rumah sama om yang dulu pernah melecehkan dia", 1, False),
        ("anakku dulu pernah di rumah sama om yang melecehkan dia", 3, True),
        ("anakku di rumah sama om, dia pernah melecehkan anakku", 1, False),
        ("anakku dilecehkan om tahun lalu", 1, True),
    ],
)
def test_past_scope(text: str, position: int, past: bool) -> None:
    tokens = TokenText.from_text(text)

    assert cues().is_past(tokens, position) is past


@pytest.mark.parametrize(
    ("text", "position", "hypothetical"),
    [
        ("kalau dia bawa pisau gimana?", 3, True),
        ("what if he brings a knife?", 5, True),
        ("kalau dia bawa pisau", 3, False),
        ("kalau saya pulang dia pasti bunuh saya, gimana?", 6, False),
    ],
)
def test_hypothetical_needs_a_condition_in_a_question(
    text: str, position: int, hypothetical: bool
) -> None:
    assert cues().is_hypothetical(TokenText.from_text(text), position) is hypothetical


def _has_alternative_trap(phrase: str) -> bool:
    """ "get into|come into door" reads as get (into|come) into door: an alternative is ONE word.

    A heuristic: a required alternative group next to a required word that is one of its own
    alternatives is the usual sign of a multi-word alternative written by mistake.
    """
    tokens = phrase.split()
    for i, token in enumerate(tokens):
        if "|" not in token or token.startswith("["):
            continue
        alternatives = set(token.split("|"))
        neighbours = tokens[max(i - 1, 0) : i] + tokens[i + 1 : i + 2]
        if any("|" not in word and word in alternatives for word in neighbours):
            return True
    return False


@pytest.mark.parametrize(
    ("phrase", "trap"),
    [
        ("trying to get into|come into my door", True),
        ("tidak bisa melihat anak|anaknya|anak anak", True),
        ("going to|will|about to hurt me", True),
        ("tidak bisa melihat anak|anaknya [anak]", False),
        ("teriak|jerit [teriak|jerit] ampun", False),
        ("going|about to hurt me", False),
    ],
)
def test_alternative_trap_heuristic(phrase: str, trap: bool) -> None:
    assert _has_alternative_trap(phrase) is trap


def test_no_lexicon_phrase_has_a_multi_word_alternative() -> None:
    traps = [
        f"{path.stem}: {phrase}"
        for path in sorted(LEXICON_DIR.glob("*.yml"))
        for phrase in _strings_in(load_lexicon(path.stem))
        if _has_alternative_trap(phrase)
    ]
    assert traps == []
