"""Victim age and sex, reporter role, perpetrator relation, place text."""

from __future__ import annotations

import pytest

from lapor_aman.extract import (
    parse_age,
    parse_age_group,
    parse_place,
    parse_relation,
    parse_reporter_role,
    parse_sex,
)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("15", 15),
        ("umur 12 thn", 12),
        ("umurnya 12 tahun", 12),
        ("usia 7", 7),
        ("dua belas tahun", 12),
        ("dua belas", 12),
        ("sebelas tahun", 11),
        ("dua puluh lima", 25),
        ("tiga puluh", 30),
        ("40an", 40),
        ("sekitar 40an", 40),
        ("empat puluhan", 40),
        ("anak saya 9 tahun", 9),
        ("she is 14 years old", 14),
        ("fifteen", 15),
        ("twenty five", 25),
        ("14 y.o.", 14),
        ("65 tahun", 65),
        ("kak umurnya 16", 16),
        ("anak SD", None),
        ("tidak tahu", None),
        ("0812-0000-1234", None),
        ("200", None),
        ("saya", None),
    ],
)
def test_parse_age(text: str, age: int | None) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize(
    "text",
    [
        "sudah 5 tahun menikah",
        "kejadiannya 2 tahun lalu",
        "pacaran 3 tahun",
        "jam 9 malam",
        "hp saya 0812 0000 1234",
        "kami menikah 12 tahun",
        "married for 10 years",
    ],
)
def test_strict_age_ignores_durations_and_numbers(text: str) -> None:
    assert parse_age(text, strict=True) is None


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("anak saya umur 12 dipukul ayahnya", 12),
        ("adik saya 14 tahun dilecehkan", 14),
        ("I am 17 years old", 17),
    ],
)
def test_strict_age_reads_stated_ages(text: str, age: int) -> None:
    assert parse_age(text, strict=True) == age


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("15", "child"),
        ("17 tahun", "child"),
        ("18", "adult"),
        ("umur 59", "adult"),
        ("60", "elderly"),
        ("anak SD", "child"),
        ("masih SMP", "child"),
        ("anak anak", "child"),
        ("balita", "child"),
        ("remaja", "child"),
        ("bocah", "child"),
        ("lansia", "elderly"),
        ("nenek saya", "elderly"),
        ("kakek", "elderly"),
        ("dewasa", "adult"),
        ("anak saya sudah dewasa", "adult"),
        ("mahasiswa", "adult"),
        ("a teenager", "child"),
        ("elderly woman", "elderly"),
        ("bukan anak anak", None),
        ("tidak tahu", None),
    ],
)
def test_parse_age_group(text: str, group: str | None) -> None:
    assert parse_age_group(text) == group


def test_strict_age_group_does_not_read_my_child_as_a_child_victim() -> None:
    assert parse_age_group("suami saya mukul lagi, anak anak nangis", strict=True) is None
    assert parse_age_group("anak saya masih SD dipukul", strict=True) == "child"


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("perempuan", "female"),
        ("Perempuan kak", "female"),
        ("cewek", "female"),
        ("cewe", "female"),
        ("wanita", "female"),
        ("girl", "female"),
        ("female", "female"),
        ("istri", "female"),
        ("ibu", "female"),
        ("anak perempuan", "female"),
        ("P", "female"),
        ("laki laki", "male"),
        ("laki-laki", "male"),
        ("laki2", "male"),
        ("cowok", "male"),
        ("pria", "male"),
        ("boy", "male"),
        ("male", "male"),
        ("anak laki laki", "male"),
        ("L", "male"),
        ("perempuan, bukan laki laki", "female"),
        ("tidak tahu", None),
        ("anak laki laki dan perempuan", None),
        ("15", None),
    ],
)
def test_parse_sex(text: str, sex: str | None) -> None:
    assert parse_sex(text) == sex


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("anak perempuan saya dicabuli tetangga", "female"),
        ("my daughter was touched by her teacher", "female"),
        ("saya perempuan umur 30", "female"),
        ("adik laki laki saya dipukul", "male"),
        # one-word alternatives after "laki laki" in the lexicon (they once needed "laki" before them)
        ("adik cowok saya dipukul bapak", "male"),
        ("korbannya seorang pria umur 20", "male"),
        ("saya lelaki, umur 17, dipukul ayah", "male"),
        ("suami saya mukul lagi", None),
        ("ada laki laki yang ngikutin saya", None),
    ],
)
def test_strict_sex_reads_only_statements_about_the_victim(text: str, sex: str | None) -> None:
    assert parse_sex(text, strict=True) == sex


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("saya korbannya", "victim"),
        ("saya sendiri korbannya", "victim"),
        ("aku sendiri", "victim"),
        ("saya yang jadi korban", "victim"),
        ("saya dipukul suami", "victim"),
        ("suami saya memukul saya", "victim"),
        ("I am the victim", "victim"),
        ("myself", "victim"),
        ("saya ibunya", "family"),
        ("saya ibunya, anak saya dipukul ayahnya", "family"),
        ("aku kakaknya", "family"),
        ("anak saya dipukul suami", "family"),
        ("adik saya dilecehkan", "family"),
        ("my daughter was raped", "family"),
        ("keluarga", "family"),
        ("saya guru pendampingnya", "companion"),
        ("saya pendamping korban", "companion"),
        ("saya gurunya", "companion"),
        ("I am her teacher", "companion"),
        ("pendamping", "companion"),
        ("tetangga saya dipukuli suaminya", "witness"),
        ("saya lihat sendiri dia dipukul", "witness"),
        ("saya dengar teriakan dari rumah sebelah", "witness"),
        ("I saw it happen", "witness"),
        ("saksi", "witness"),
        ("teman saya dilecehkan bosnya", "other"),
        ("saya temannya", "other"),
        ("lainnya", "other"),
        ("halo kak", None),
        ("mau lapor", None),
    ],
)
def test_parse_reporter_role(text: str, role: str | None) -> None:
    assert parse_reporter_role(text) == role


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("suami", "partner"),
        ("suami saya", "partner"),
        ("pacar", "partner"),
        ("bojoku", "partner"),
        ("istri", "partner"),
        ("husband", "partner"),
        ("my boyfriend", "partner"),
        ("mantan", "former_partner"),
        ("mantan suami", "former_partner"),
        ("my ex", "former_partner"),
        ("ayah", "parent"),
        ("bapak", "parent"),
        ("mama", "parent"),
        ("papa", "parent"),
        ("ayah tiri", "step_parent"),
        ("bapak tiri", "step_parent"),
        ("papa tiri", "step_parent"),
        ("stepfather", "step_parent"),
        ("om", "other_family"),
        ("paman", "other_family"),
        ("kakek", "other_family"),
        ("kakak", "other_family"),
        ("sepupu", "other_family"),
        ("kakak ipar", "other_family"),
        ("guru", "teacher_or_caregiver"),
        ("ustadz", "teacher_or_caregiver"),
        ("guru ngaji", "teacher_or_caregiver"),
        ("pengasuh", "teacher_or_caregiver"),
        ("pelatih", "teacher_or_caregiver"),
        ("majikan", "employer_or_coworker"),
        ("bos", "employer_or_coworker"),
        ("atasan", "employer_or_coworker"),
        ("rekan kerja", "employer_or_coworker"),
        ("tetangga", "neighbor_or_acquaintance"),
        ("teman", "neighbor_or_acquaintance"),
        ("kenalan", "neighbor_or_acquaintance"),
        ("orang tak dikenal", "stranger"),
        ("ga kenal", "stranger"),
        ("orang asing", "stranger"),
        ("stranger", "stranger"),
        ("kenalan di medsos", "online_contact"),
        ("kenal di ig", "online_contact"),
        ("teman di tiktok", "online_contact"),
        ("kenal dari game online", "online_contact"),
        ("someone from instagram", "online_contact"),
        ("tidak tahu", None),
        ("15", None),
    ],
)
def test_parse_relation_answers(text: str, relation: str | None) -> None:
    assert parse_relation(text) == relation


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("tolong kak suami saya mukul lagi, anak2 nangis", "partner"),
        ("saya ibunya, anak saya dipukul ayahnya", "parent"),
        ("anak saya dicabuli tetangga", "neighbor_or_acquaintance"),
        ("maksudnya pelakunya om nya", "other_family"),
        ("ayah tiri saya melecehkan saya", "step_parent"),
        ("saya dilecehkan kenalan di ig", "online_contact"),
        ("adik saya dipukul orang tak dikenal", "stranger"),
        ("my daughter was hit by her father", "parent"),
        ("my husband hits me", "partner"),
        ("saya dipukul sama majikan", "employer_or_coworker"),
        ("anak saya dilecehkan oleh guru ngajinya", "teacher_or_caregiver"),
        ("mantan pacar saya menyebarkan foto saya", "former_partner"),
        ("pelakunya kakak ipar saya", "other_family"),
        ("saya ibunya, mau lapor", None),
        ("anak saya dipukul", None),
    ],
)
def test_parse_relation_in_sentences(text: str, relation: str | None) -> None:
    assert parse_relation(text, strict=True) == relation


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("tinggal di Bekasi", "Bekasi"),
        ("ralat, tinggalnya di Bekasi", "Bekasi"),
        ("saya tinggal di Kota Bandung sama suami", "Kota Bandung"),
        ("domisili Surabaya", "Surabaya"),
        ("kabupaten Bogor", "kabupaten Bogor"),
        ("saya di Depok", "Depok"),
        ("I live in Makassar", "Makassar"),
        ("Bekasi", "Bekasi"),
        ("Jakarta Selatan", "Jakarta Selatan"),
        ("di rumah", None),
        ("saya di rumah", None),
        ("ya", None),
        ("suami", None),
    ],
)
def test_parse_place(text: str, place: str | None) -> None:
    assert parse_place(text) == place
