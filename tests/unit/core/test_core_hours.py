"""Office hours at the edges, in all three zones, across weekends and Idul Fitri with cuti bersama."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from lapor_aman.hours import (
    Closures,
    ExtraDayOff,
    OfficeHours,
    UnitClosure,
    day_off_reason,
    default_closures,
    format_next_opening,
    is_open,
    is_working_day,
    load_closures,
    next_opening,
    opening_hours_text,
    received_outside_hours,
    working_day_close,
)
from lapor_aman.tickets.schema import Language

from .conftest import NO_CLOSURES, UTC, WIB, WIT, WITA, make_unit

ZONES = {"Asia/Jakarta": WIB, "Asia/Makassar": WITA, "Asia/Jayapura": WIT}
WEDNESDAY = date(2025, 6, 11)


@pytest.mark.parametrize("zone_name", ZONES)
@pytest.mark.parametrize(
    ("hour", "minute", "open_"),
    [
        (7, 29, False),
        (7, 30, True),
        (15, 59, True),
        (16, 0, False),
        (0, 0, False),
        (12, 0, True),
        (23, 59, False),
    ],
)
def test_open_edges_in_each_zone(zone_name: str, hour: int, minute: int, open_: bool) -> None:
    unit = make_unit(time_zone=zone_name)
    t = datetime(2025, 6, 11, hour, minute, tzinfo=ZONES[zone_name])
    assert is_open(unit, t, NO_CLOSURES) is open_
    assert received_outside_hours(unit, t, NO_CLOSURES) is not open_


@pytest.mark.parametrize("zone_name", ZONES)
def test_inputs_in_other_zones_are_converted(zone_name: str) -> None:
    unit = make_unit(time_zone=zone_name)
    local_opening = datetime(2025, 6, 11, 7, 30, tzinfo=ZONES[zone_name])
    assert is_open(unit, local_opening.astimezone(UTC), NO_CLOSURES)
    assert not is_open(unit, (local_opening - timedelta(minutes=1)).astimezone(UTC), NO_CLOSURES)


def test_naive_times_are_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        is_open(make_unit(), datetime(2025, 6, 11, 9, 0), NO_CLOSURES)


def test_same_instant_balikpapan_open_jakarta_closed() -> None:
    """07:00 WIB is 08:00 WITA: Balikpapan is open, Jakarta not yet."""
    jakarta = make_unit("jakarta", time_zone="Asia/Jakarta")
    balikpapan = make_unit("balikpapan", time_zone="Asia/Makassar", region_codes=("64",))
    t = datetime(2025, 6, 11, 7, 0, tzinfo=WIB)
    assert is_open(balikpapan, t, NO_CLOSURES)
    assert not is_open(jakarta, t, NO_CLOSURES)
    # 15:30 WIB is 16:30 WITA: Jakarta still open, Balikpapan closed.
    late = datetime(2025, 6, 11, 15, 30, tzinfo=WIB)
    assert is_open(jakarta, late, NO_CLOSURES)
    assert not is_open(balikpapan, late, NO_CLOSURES)


def test_friday_night_to_monday_morning() -> None:
    unit = make_unit(time_zone="Asia/Makassar", region_codes=("64",))
    friday_night = datetime(2025, 6, 13, 21, 0, tzinfo=WITA)
    assert not is_open(unit, friday_night, NO_CLOSURES)
    assert not is_open(unit, datetime(2025, 6, 14, 10, 0, tzinfo=WITA), NO_CLOSURES)  # Saturday
    assert not is_open(unit, datetime(2025, 6, 15, 10, 0, tzinfo=WITA), NO_CLOSURES)  # Sunday
    assert next_opening(unit, friday_night, NO_CLOSURES) == datetime(
        2025, 6, 16, 7, 30, tzinfo=WITA
    )
    assert format_next_opening(unit, friday_night, "id", NO_CLOSURES) == "Senin 07.30 WITA"
    assert format_next_opening(unit, friday_night, "en", NO_CLOSURES) == "Monday 07:30 WITA"


def test_next_opening_while_open_is_the_next_working_morning() -> None:
    unit = make_unit()
    assert next_opening(unit, datetime(2025, 6, 11, 9, 0, tzinfo=WIB), NO_CLOSURES) == datetime(
        2025, 6, 12, 7, 30, tzinfo=WIB
    )


def test_next_opening_before_dawn_is_the_same_day() -> None:
    unit = make_unit(time_zone="Asia/Jayapura", region_codes=("91",))
    t = datetime(2025, 6, 11, 5, 0, tzinfo=WIT)
    assert next_opening(unit, t, NO_CLOSURES) == datetime(2025, 6, 11, 7, 30, tzinfo=WIT)
    assert format_next_opening(unit, t, Language.ID, NO_CLOSURES) == "Rabu 07.30 WIT"


def test_next_opening_exactly_at_opening_time_is_now() -> None:
    unit = make_unit()
    t = datetime(2025, 6, 11, 7, 30, tzinfo=WIB)
    assert next_opening(unit, t, NO_CLOSURES) == t


# --- Idul Fitri 2025: 31 Mar & 1 Apr public holidays, cuti bersama 2, 3, 4 and 7 April ---------

IDUL_FITRI_2025 = [date(2025, 3, 31), date(2025, 4, 1)]
CUTI_BERSAMA_2025 = [date(2025, 4, 2), date(2025, 4, 3), date(2025, 4, 4), date(2025, 4, 7)]


@pytest.mark.parametrize("day", IDUL_FITRI_2025 + CUTI_BERSAMA_2025)
def test_idul_fitri_and_cuti_bersama_are_days_off(day: date) -> None:
    unit = make_unit()
    assert not is_working_day(unit, day, NO_CLOSURES)
    assert not is_open(
        unit, datetime.combine(day, datetime.min.time(), WIB).replace(hour=10), NO_CLOSURES
    )


def test_holiday_names_are_indonesian() -> None:
    unit = make_unit()
    assert day_off_reason(unit, date(2025, 3, 31), NO_CLOSURES) == "Hari Raya Idul Fitri"
    assert (
        day_off_reason(unit, date(2025, 4, 2), NO_CLOSURES) == "Cuti Bersama Hari Raya Idul Fitri"
    )
    assert day_off_reason(unit, date(2025, 4, 5), NO_CLOSURES) == "Sabtu"
    assert day_off_reason(unit, date(2025, 4, 8), NO_CLOSURES) is None


def test_next_opening_after_idul_fitri_includes_the_date() -> None:
    unit = make_unit(time_zone="Asia/Makassar", region_codes=("64",))
    friday_before = datetime(2025, 3, 28, 18, 0, tzinfo=WITA)  # Nyepi cuti bersama, then Lebaran
    assert next_opening(unit, friday_before, NO_CLOSURES) == datetime(
        2025, 4, 8, 7, 30, tzinfo=WITA
    )
    assert (
        format_next_opening(unit, friday_before, "id", NO_CLOSURES) == "Selasa, 8 April 07.30 WITA"
    )
    assert (
        format_next_opening(unit, friday_before, "en", NO_CLOSURES) == "Tuesday, 8 April 07:30 WITA"
    )


def test_unit_that_works_through_cuti_bersama() -> None:
    unit = make_unit(hours=OfficeHours(observe_cuti_bersama=False))
    assert is_open(unit, datetime(2025, 4, 2, 10, 0, tzinfo=WIB), NO_CLOSURES)
    assert not is_open(unit, datetime(2025, 3, 31, 10, 0, tzinfo=WIB), NO_CLOSURES)


def test_extra_cuti_bersama_and_public_holiday_from_closures_file() -> None:
    closures = Closures(
        cuti_bersama=(ExtraDayOff(date=date(2028, 1, 3), name="Cuti Bersama (uji)"),),
        public_holidays=(ExtraDayOff(date=date(2028, 1, 4), name="Hari Pemungutan Suara (uji)"),),
    )
    unit = make_unit()
    assert day_off_reason(unit, date(2028, 1, 3), closures) == "Cuti Bersama (uji)"
    assert day_off_reason(unit, date(2028, 1, 4), closures) == "Hari Pemungutan Suara (uji)"
    assert is_working_day(unit, date(2028, 1, 5), closures)


def test_unit_closure_applies_only_to_listed_units() -> None:
    closures = Closures(
        unit_closures=(
            UnitClosure(
                unit_ids=("balikpapan",),
                start=WEDNESDAY,
                end=WEDNESDAY + timedelta(days=1),
                reason="Pindah kantor",
            ),
        )
    )
    balikpapan = make_unit("balikpapan", time_zone="Asia/Makassar", region_codes=("64",))
    samarinda = make_unit("samarinda", time_zone="Asia/Makassar", region_codes=("64",))
    t = datetime(2025, 6, 11, 10, 0, tzinfo=WITA)
    assert not is_open(balikpapan, t, closures)
    assert is_open(samarinda, t, closures)
    assert next_opening(balikpapan, t, closures) == datetime(2025, 6, 13, 7, 30, tzinfo=WITA)
    assert day_off_reason(balikpapan, WEDNESDAY, closures) == "Pindah kantor"


def test_custom_hours_and_saturday_service() -> None:
    unit = make_unit(
        hours=OfficeHours.model_validate(
            {"working_days": ["senin", "sabtu"], "opens": "08:00", "closes": "12:00"}
        )
    )
    assert is_open(unit, datetime(2025, 6, 14, 8, 0, tzinfo=WIB), NO_CLOSURES)  # Saturday
    assert not is_open(unit, datetime(2025, 6, 11, 9, 0, tzinfo=WIB), NO_CLOSURES)  # Wednesday
    assert opening_hours_text(unit.hours, "id") == "Senin, Sabtu 08.00–12.00 WIB"


def test_opening_hours_text() -> None:
    assert (
        opening_hours_text(OfficeHours(time_zone="Asia/Makassar"), "id")
        == "Senin–Jumat 07.30–16.00 WITA"
    )
    assert (
        opening_hours_text(OfficeHours(time_zone="Asia/Jayapura"), "en")
        == "Monday–Friday 07:30–16:00 WIT"
    )


@pytest.mark.parametrize(
    ("now", "days", "expected"),
    [
        (datetime(2025, 6, 16, 2, 0, tzinfo=WIB), 1, datetime(2025, 6, 16, 16, 0, tzinfo=WIB)),
        (
            datetime(2025, 6, 9, 2, 0, tzinfo=WIB),
            1,
            datetime(2025, 6, 10, 16, 0, tzinfo=WIB),
        ),  # cuti bersama
        (datetime(2025, 6, 10, 10, 0, tzinfo=WIB), 1, datetime(2025, 6, 11, 16, 0, tzinfo=WIB)),
        (datetime(2025, 6, 13, 20, 0, tzinfo=WIB), 1, datetime(2025, 6, 16, 16, 0, tzinfo=WIB)),
        (datetime(2025, 6, 13, 20, 0, tzinfo=WIB), 3, datetime(2025, 6, 18, 16, 0, tzinfo=WIB)),
    ],
)
def test_working_day_close(now: datetime, days: int, expected: datetime) -> None:
    assert working_day_close(make_unit(), now, days, NO_CLOSURES) == expected


def test_a_unit_closed_for_months_is_a_configuration_error() -> None:
    closures = Closures(
        unit_closures=(
            UnitClosure(
                unit_ids=("unit-test",), start=date(2025, 1, 1), end=date(2025, 12, 31), reason="x"
            ),
        )
    )
    with pytest.raises(LookupError):
        next_opening(make_unit(), datetime(2025, 2, 1, 9, 0, tzinfo=WIB), closures)


@pytest.mark.parametrize(
    "bad",
    [
        {"time_zone": "Asia/Atlantis"},
        {"opens": "16:00", "closes": "07:30"},
        {"opens": "7:30"},
        {"working_days": ["funday"]},
        {"working_days": []},
    ],
)
def test_invalid_office_hours_are_rejected(bad: dict) -> None:
    with pytest.raises(ValueError):
        OfficeHours.model_validate(bad)


def test_shipped_closures_file_is_valid() -> None:
    assert isinstance(default_closures(), Closures)


def test_closures_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "closures.yml"
    path.write_text(
        "cuti_bersama:\n  - {date: 2028-01-03, name: Cuti}\n"
        "unit_closures:\n  - {unit_ids: [balikpapan], start: 2028-02-01, end: 2028-02-02, reason: Rapat}\n",
        "utf-8",
    )
    closures = load_closures(path)
    assert closures.cuti_bersama[0].date == date(2028, 1, 3)
    assert closures.unit_closures[0].covers("balikpapan", date(2028, 2, 2))


def test_closure_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError):
        UnitClosure(unit_ids=("x",), start=date(2025, 2, 2), end=date(2025, 2, 1), reason="x")
