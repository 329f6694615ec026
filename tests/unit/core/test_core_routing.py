"""Which unit serves a place, the shipped units file, and the on-call fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from lapor_aman.regions.dataset import provinces
from lapor_aman.regions.resolver import resolve_place
from lapor_aman.routing import UnitDirectory, UnitLevel, get_unit, load_units, route_region

from .conftest import make_unit


@pytest.mark.parametrize(
    ("place", "unit_id"),
    [
        ("bpp", "uptd-ppa-kota-balikpapan"),
        ("Balikpapan Selatan", "uptd-ppa-kota-balikpapan"),
        ("smd", "uptd-ppa-kota-samarinda"),
        ("kukar", "uptd-ppa-kaltim"),
        ("kaltim", "uptd-ppa-kaltim"),
        ("jaktim, cakung", "uptd-ppa-dki-jakarta"),
        ("kab. bandung", "uptd-ppa-jawa-barat"),
        ("Kota Jayapura", "uptd-ppa-papua"),
        ("Merauke", "sapa129"),  # Papua Selatan has no unit configured
        ("medan", "sapa129"),
    ],
)
def test_place_to_unit(place: str, unit_id: str) -> None:
    region = resolve_place(place).region
    assert region is not None
    unit = route_region(region.province.code, region.city.code if region.city else None)
    assert unit.id == unit_id


def test_no_place_goes_to_national() -> None:
    assert route_region(None).id == "sapa129"


def test_shipped_units_cover_the_required_set() -> None:
    for unit_id in (
        "sapa129",
        "uptd-ppa-dki-jakarta",
        "uptd-ppa-kaltim",
        "uptd-ppa-kota-balikpapan",
        "uptd-ppa-kota-samarinda",
        "uptd-ppa-jawa-barat",
        "uptd-ppa-papua",
    ):
        assert get_unit(unit_id).name
    assert get_unit("uptd-ppa-papua").hours.zone_abbreviation == "WIT"
    assert get_unit("sapa129").call_center_phone == "129"


def test_units_time_zone_matches_their_province(units) -> None:  # type: ignore[no-untyped-def]
    for unit in units:
        for code in unit.region_codes:
            assert unit.time_zone == provinces()[code[:2]].time_zone, unit.id


def test_on_call_fallback(units) -> None:  # type: ignore[no-untyped-def]
    assert units.on_call_for(units.get("uptd-ppa-kota-samarinda")).id == "uptd-ppa-kota-samarinda"
    assert units.on_call_for(units.get("uptd-ppa-kota-balikpapan")).id == "uptd-ppa-kaltim"
    assert units.on_call_for(units.get("uptd-ppa-jawa-barat")).id == "sapa129"


def test_get_unit_unknown_raises() -> None:
    with pytest.raises(KeyError):
        get_unit("no-such-unit")


def test_directory_requires_one_national_unit() -> None:
    with pytest.raises(ValueError, match="national"):
        UnitDirectory([make_unit("a")])


def test_two_units_for_one_region_is_an_error() -> None:
    national = make_unit("n", level=UnitLevel.NATIONAL, call_center_phone="129")
    with pytest.raises(ValueError, match="served by both"):
        UnitDirectory([national, make_unit("a"), make_unit("b")])


@pytest.mark.parametrize(
    "bad",
    [
        {"level": UnitLevel.CITY, "region_codes": ("64",)},
        {"level": UnitLevel.PROVINCE, "region_codes": ("64.71",)},
        {"call_center_phone": "12345"},
    ],
)
def test_invalid_units_are_rejected(bad: dict) -> None:
    with pytest.raises(ValidationError):
        make_unit("x", **bad)


def test_load_units_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "units.yml"
    path.write_text(
        "units:\n"
        "  - {id: sapa129, name: SAPA 129, level: national, call_center_phone: '129'}\n"
        "  - {id: kota-x, name: Unit X, level: city, region_codes: ['64.71'],"
        " hours: {time_zone: Asia/Makassar}, call_center_phone: '+62 812-0000-0999'}\n",
        "utf-8",
    )
    directory = load_units(path)
    assert directory.route("64", "64.71").id == "kota-x"
    assert directory.route("64", "64.72").id == "sapa129"
    assert directory.get("kota-x").call_center_phone == "+6281200000999"
