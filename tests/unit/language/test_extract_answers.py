"""Yes/no answers and skipping a question."""

from __future__ import annotations

import pytest

from lapor_aman.extract import is_skip, parse_yes_no


@pytest.mark.parametrize(
    "text",
    [
        "ya",
        "iya",
        "Iyaa",
        "iy",
        "yoi",
        "inggih",
        "boleh",
        "aman",
        "bisa",
        "ok",
        "oke",
        "okee",
        "sip",
        "yes",
        "Yes please",
        "yep",
        "sure",
        "ya boleh",
        "boleh kak",
        "aman kok",
        "iya gpp",
        "gapapa",
        "tidak apa apa",
        "ga masalah",
        "no problem",
        "udah",
        "boleh, tapi jangan malam",
        "setuju",
        "of course",
        "it's safe",
        "nggih",
        "muhun",
    ],
)
def test_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "tidak",
        "gak",
        "ga",
        "nggak",
        "enggak",
        "jangan",
        "no",
        "nope",
        "ndak",
        # eastern Indonesia and Minang
        "sonde, kaka",
        "tra, sa tra mau",
        "tida",
        "indak",
        "bukan",
        "belum",
        "gak boleh",
        "tidak aman",
        "ga bisa",
        "jangan dulu",
        "tidak mau",
        "no, not safe",
        "not now",
        "tidak, suami di sebelah",
        "ora",
        "teu",
        "nah",
    ],
)
def test_no(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize(
    "text",
    ["", "hmm", "mungkin", "gak tau", "ya gak tau", "maybe", "not sure", "15", "Bekasi", "kak"],
)
def test_unclear_is_none(text: str) -> None:
    assert parse_yes_no(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "lewati",
        "skip",
        "Skip aja",
        "tidak tahu",
        "gak tau",
        "gatau",
        "gak mau jawab",
        "tidak ingin menjawab",
        "rahasia",
        "-",
        " - ",
        "lewat",
        "pass",
        "lupa",
        "tidak ingat",
        "prefer not to say",
        "I don't know",
        "rather not say",
        "next",
    ],
)
def test_skip(text: str) -> None:
    assert is_skip(text) is True


@pytest.mark.parametrize(
    "text", ["", "15", "ya", "tidak", "suami saya", "lewat chat ini saja", "Bekasi", "perempuan"]
)
def test_not_skip(text: str) -> None:
    assert is_skip(text) is False
