"""Forms of violence, living together, ongoing, place of the incident, needs."""

from __future__ import annotations

import pytest

from lapor_aman.extract import (
    parse_lives_with,
    parse_location_type,
    parse_needs,
    parse_ongoing,
    parse_violence_types,
)


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("dipukul", ["physical"]),
        ("ditampar suami", ["physical"]),
        ("ditendang", ["physical"]),
        ("dijambak", ["physical"]),
        ("suami saya mukul lagi", ["physical"]),
        ("dipukulin pake sapu", ["physical"]),
        ("my husband hits me", ["physical"]),
        ("dihina", ["psychological"]),
        ("diancam", ["psychological"]),
        ("dimaki maki", ["psychological"]),
        ("dibentak terus", ["psychological"]),
        ("he yells and insults me", ["psychological"]),
        ("diperkosa", ["sexual"]),
        ("dilecehkan", ["sexual"]),
        ("dicabuli", ["sexual"]),
        ("dipegang pegang", ["sexual"]),
        ("disuruh nonton video porno", ["sexual"]),
        ("I was raped", ["sexual"]),
        ("tidak dinafkahi", ["economic"]),
        ("gaji ditahan", ["economic"]),
        ("gaji saya ditahan majikan", ["economic"]),
        ("he takes my money", ["economic"]),
        ("ditelantarkan", ["neglect"]),
        ("anak tidak diurus", ["neglect"]),
        ("dipaksa kerja", ["exploitation"]),
        ("disuruh ngemis", ["exploitation"]),
        ("dijual", ["trafficking"]),
        ("saya dijual ke malaysia", ["trafficking"]),
        ("korban TPPO", ["trafficking"]),
        ("foto saya disebar", ["online"]),
        ("sextortion", ["online"]),
        ("kbgo", ["online"]),
        ("my ex posted my photos", ["online"]),
        ("hak asuh anak", ["other"]),
        ("dipukul dan dihina", ["physical", "psychological"]),
        ("ditampar lalu diperkosa", ["physical", "sexual"]),
        ("mantan mengancam menyebarkan foto bugil", ["psychological", "online"]),
        ("tidak dipukul, cuma dimaki", ["psychological"]),
        ("dia tidak pernah memukul", []),
        ("halo kak", []),
        ("saya mau lapor", []),
    ],
)
def test_parse_violence_types(text: str, types: list[str]) -> None:
    assert parse_violence_types(text) == types


@pytest.mark.parametrize(
    ("text", "lives_with"),
    [
        ("masih serumah", True),
        ("kami tinggal bareng", True),
        ("tinggal sama dia", True),
        ("satu rumah", True),
        ("we live together", True),
        ("he lives with us", True),
        ("sudah pisah rumah", False),
        ("tidak serumah", False),
        ("gak tinggal bareng lagi", False),
        ("dia sudah pindah", False),
        ("we are separated", False),
        ("suami saya mukul lagi", None),
        ("halo", None),
    ],
)
def test_parse_lives_with(text: str, lives_with: bool | None) -> None:
    assert parse_lives_with(text) is lives_with


@pytest.mark.parametrize(
    ("text", "lives_with"), [("iya", True), ("ga", False), ("masih", True), ("hmm", None)]
)
def test_lives_with_reads_a_plain_answer_when_asked(text: str, lives_with: bool | None) -> None:
    assert parse_lives_with(text, as_answer=True) is lives_with


def test_lives_with_does_not_guess_from_a_plain_yes_in_free_text() -> None:
    assert parse_lives_with("iya") is None


@pytest.mark.parametrize(
    ("text", "ongoing"),
    [
        ("masih", True),
        ("sampai sekarang", True),
        ("tiap hari dipukul", True),
        ("suami saya mukul lagi", True),
        ("dipukulin terus", True),
        ("sering", True),
        ("still happening", True),
        ("he keeps hitting me", True),
        ("sudah berhenti", False),
        ("cuma sekali", False),
        ("tidak lagi", False),
        ("not anymore", False),
        ("dulu", False),
        ("halo kak", None),
        ("saya dipukul", None),
    ],
)
def test_parse_ongoing(text: str, ongoing: bool | None) -> None:
    assert parse_ongoing(text) is ongoing


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("di rumah", "home"),
        ("rumah", "home"),
        ("di kos", "home"),
        ("di kamar", "home"),
        ("at home", "home"),
        ("di sekolah", "school"),
        ("pesantren", "school"),
        ("di kelas", "school"),
        ("kampus", "school"),
        ("di kantor", "workplace"),
        ("tempat kerja", "workplace"),
        ("rumah majikan", "workplace"),
        ("pabrik", "workplace"),
        ("at work", "workplace"),
        ("di jalan", "public"),
        ("di angkot", "public"),
        ("di kereta", "public"),
        ("pasar", "public"),
        ("on the bus", "public"),
        ("online", "online"),
        ("lewat wa", "online"),
        ("di instagram", "online"),
        ("di hotel", "other"),
        ("rumah sakit", "other"),
        ("saya ibu rumah tangga", None),
        ("sudah pisah rumah", None),
        ("halo", None),
    ],
)
def test_parse_location_type(text: str, location: str | None) -> None:
    assert parse_location_type(text) == location


def test_strict_location_needs_a_preposition() -> None:
    assert parse_location_type("suami saya di rumah mukul lagi", strict=True) == "home"
    assert parse_location_type("rumah saya jauh", strict=True) is None


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("butuh dokter", ["medical"]),
        ("mau berobat ke puskesmas", ["medical"]),
        ("visum", ["forensic_exam"]),
        ("mau visum", ["forensic_exam"]),
        ("butuh psikolog", ["psychological"]),
        ("konseling", ["psychological"]),
        ("pengacara", ["legal"]),
        ("bantuan hukum", ["legal"]),
        ("mau cerai", ["legal"]),
        ("lapor polisi", ["police"]),
        ("ke polres", ["police"]),
        ("rumah aman", ["shelter"]),
        ("butuh tempat tinggal sementara", ["shelter"]),
        ("pulang ke daerah asal", ["repatriation"]),
        ("mau pulang kampung", ["repatriation"]),
        ("cuma mau tanya", ["information"]),
        ("informasi saja", ["information"]),
        ("I need a lawyer and a safe place", ["legal", "shelter"]),
        ("visum dan lapor polisi", ["forensic_exam", "police"]),
        ("jangan lapor polisi, saya cuma butuh psikolog", ["psychological"]),
        ("tidak perlu polisi", []),
        ("halo", []),
    ],
)
def test_parse_needs(text: str, needs: list[str]) -> None:
    assert parse_needs(text) == needs
