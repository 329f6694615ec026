"""Office hours (jam layanan) of each unit, in the unit's own time zone.

A unit is open on its working days between ``opens`` and ``closes`` (default 07:30–16:00,
Monday–Friday), except on Indonesian public holidays and cuti bersama (from the ``holidays``
package, categories ``public`` and ``government``) and on the extra days and unit closures that
staff list in ``lapor_aman/data/closures.yml``. Every function takes a time-zone-aware datetime in
any zone and answers in the unit's zone; all are pure given the closures passed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Annotated, Final, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from lapor_aman.tickets.schema import HHMM_PATTERN, Language, parse_hhmm, weekday_number

DATA_DIR: Final = Path(__file__).resolve().parent / "data"
CLOSURES_FILE: Final = DATA_DIR / "closures.yml"

# The three Indonesian time zones by the names people use; Pontianak is WIB too.
ZONE_ABBREVIATIONS: Final[dict[str, str]] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
DAY_NAMES: Final[dict[Language, tuple[str, ...]]] = {
    Language.ID: ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    Language.EN: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES: Final[dict[Language, tuple[str, ...]]] = {
    Language.ID: (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    Language.EN: (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
# Longest closure we look past when searching for the next opening (Idul Fitri + cuti bersama
# plus a unit closure fit easily); beyond it the configuration is surely wrong.
SEARCH_HORIZON_DAYS: Final = 90


class OfficeHours(BaseModel):
    """When a unit's staff answer: working days and hours in its time zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_zone: str = "Asia/Jakarta"
    working_days: tuple[int, ...] = Field(default=(0, 1, 2, 3, 4), min_length=1)
    opens: Annotated[str, StringConstraints(pattern=HHMM_PATTERN)] = "07:30"
    closes: Annotated[str, StringConstraints(pattern=HHMM_PATTERN)] = "16:00"
    observe_public_holidays: bool = True
    observe_cuti_bersama: bool = True

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("working_days", mode="before")
    @classmethod
    def _day_names(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(sorted({weekday_number(v) for v in value}))
        return value

    @model_validator(mode="after")
    def _opens_before_closes(self) -> OfficeHours:
        if parse_hhmm(self.opens) >= parse_hhmm(self.closes):
            raise ValueError("opening time must be before closing time")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def zone_abbreviation(self) -> str:
        return ZONE_ABBREVIATIONS.get(self.time_zone, self.time_zone)


class HasOfficeHours(Protocol):
    """Anything with an id and office hours (a :class:`lapor_aman.routing.Unit`)."""

    @property
    def id(self) -> str: ...

    @property
    def hours(self) -> OfficeHours: ...


class ExtraDayOff(BaseModel):
    """A national day off that the ``holidays`` package does not list (yet)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: date
    name: str


class UnitClosure(BaseModel):
    """Days (inclusive) on which some units are closed: local holiday, office move, retreat."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit_ids: tuple[str, ...] = Field(min_length=1)
    start: date
    end: date
    reason: str

    @model_validator(mode="after")
    def _ordered(self) -> UnitClosure:
        if self.end < self.start:
            raise ValueError(f"closure ends before it starts: {self.start} – {self.end}")
        return self

    def covers(self, unit_id: str, day: date) -> bool:
        return unit_id in self.unit_ids and self.start <= day <= self.end


class Closures(BaseModel):
    """The staff-edited part of the calendar (``lapor_aman/data/closures.yml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cuti_bersama: tuple[ExtraDayOff, ...] = ()
    public_holidays: tuple[ExtraDayOff, ...] = ()
    unit_closures: tuple[UnitClosure, ...] = ()


def load_closures(path: Path = CLOSURES_FILE) -> Closures:
    """Read and validate a closures file."""
    raw = yaml.safe_load(path.read_text("utf-8")) or {}
    return Closures.model_validate(raw)


@lru_cache(maxsize=1)
def default_closures() -> Closures:
    return load_closures()


@cache
def _package_calendar(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """(public holidays, cuti bersama) for one year from the ``holidays`` package, Indonesian names."""
    public = holidays.country_holidays("ID", years=year, categories=("public",), language="id")
    government = holidays.country_holidays(
        "ID", years=year, categories=("government",), language="id"
    )
    return dict(public.items()), dict(government.items())


def day_off_reason(unit: HasOfficeHours, day: date, closures: Closures | None = None) -> str | None:
    """Why ``day`` is not a working day for ``unit`` (holiday name, "Sabtu"...), or None if it is."""
    closures = closures if closures is not None else default_closures()
    hours = unit.hours
    for closure in closures.unit_closures:
        if closure.covers(unit.id, day):
            return closure.reason
    if day.weekday() not in hours.working_days:
        return DAY_NAMES[Language.ID][day.weekday()]
    public, government = _package_calendar(day.year)
    if hours.observe_public_holidays:
        if day in public:
            return public[day]
        extra = next((d.name for d in closures.public_holidays if d.date == day), None)
        if extra:
            return extra
    if hours.observe_cuti_bersama:
        if day in government:
            return government[day]
        extra = next((d.name for d in closures.cuti_bersama if d.date == day), None)
        if extra:
            return extra
    return None


def is_working_day(unit: HasOfficeHours, day: date, closures: Closures | None = None) -> bool:
    return day_off_reason(unit, day, closures) is None


def _aware(t: datetime) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("time must be time-zone aware")
    return t


def _session(hours: OfficeHours, day: date) -> tuple[datetime, datetime]:
    zone = hours.zone
    start = datetime.combine(day, parse_hhmm(hours.opens), zone)
    end = datetime.combine(day, parse_hhmm(hours.closes), zone)
    return start, end


def opening_sessions(
    unit: HasOfficeHours, t: datetime, closures: Closures | None = None
) -> Iterator[tuple[datetime, datetime]]:
    """Opening periods (start, end) in the unit's zone that end after ``t``, in order."""
    local = _aware(t).astimezone(unit.hours.zone)
    for offset in range(SEARCH_HORIZON_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if not is_working_day(unit, day, closures):
            continue
        start, end = _session(unit.hours, day)
        if end > local:
            yield start, end


def _first(
    sessions: Iterator[tuple[datetime, datetime]], unit: HasOfficeHours
) -> tuple[datetime, datetime]:
    try:
        return next(sessions)
    except StopIteration:
        raise LookupError(
            f"unit {unit.id!r} has no opening in the next {SEARCH_HORIZON_DAYS} days"
        ) from None


def is_open(unit: HasOfficeHours, t: datetime, closures: Closures | None = None) -> bool:
    """True when the unit's staff are at work at ``t``."""
    local = _aware(t).astimezone(unit.hours.zone)
    if not is_working_day(unit, local.date(), closures):
        return False
    start, end = _session(unit.hours, local.date())
    return start <= local < end


def received_outside_hours(
    unit: HasOfficeHours, t: datetime, closures: Closures | None = None
) -> bool:
    """True when a report arriving at ``t`` finds the unit closed (nights, weekends, holidays)."""
    return not is_open(unit, t, closures)


def next_opening(unit: HasOfficeHours, t: datetime, closures: Closures | None = None) -> datetime:
    """Start of the next opening period at or after ``t``, in the unit's zone.

    When the unit is open at ``t`` this is the following opening (the next working morning),
    so "we open again at …" is always a future opening time.
    """
    local = _aware(t).astimezone(unit.hours.zone)
    sessions = (s for s in opening_sessions(unit, local, closures) if s[0] >= local)
    return _first(sessions, unit)[0]


def working_day_close(
    unit: HasOfficeHours, t: datetime, working_days_ahead: int, closures: Closures | None = None
) -> datetime:
    """Closing time of the N-th opening period that starts after ``t`` (N ≥ 1).

    ``working_days_ahead=1`` is "the end of the next working day": Monday 02:00 → Monday 16:00,
    Monday 10:00 → Tuesday 16:00, Friday 20:00 → Monday 16:00.
    """
    if working_days_ahead < 1:
        raise ValueError("working_days_ahead must be at least 1")
    local = _aware(t).astimezone(unit.hours.zone)
    upcoming = (s for s in opening_sessions(unit, local, closures) if s[0] > local)
    end = local
    for _ in range(working_days_ahead):
        end = _first(upcoming, unit)[1]
    return end


def format_opening(moment: datetime, hours: OfficeHours, language: Language | str) -> str:
    """``"Senin 07.30 WITA"`` / ``"Monday 07:30 WITA"``; the date is added when 7+ days away."""
    language = Language(language)
    local = moment.astimezone(hours.zone)
    day = DAY_NAMES[language][local.weekday()]
    clock = local.strftime("%H.%M" if language is Language.ID else "%H:%M")
    return f"{day} {clock} {hours.zone_abbreviation}"


def format_next_opening(
    unit: HasOfficeHours,
    t: datetime,
    language: Language | str = Language.ID,
    closures: Closures | None = None,
) -> str:
    """When the unit opens next, for users: ``"Senin 07.30 WITA"`` / ``"Monday 07:30 WITA"``.

    If that is a week or more after ``t`` (long holidays) the date is included so the weekday
    is not ambiguous: ``"Senin, 7 April 07.30 WIB"`` / ``"Monday, 7 April 07:30 WIB"``.
    """
    language = Language(language)
    opening = next_opening(unit, t, closures)
    text = format_opening(opening, unit.hours, language)
    local_t = _aware(t).astimezone(unit.hours.zone)
    if (opening.date() - local_t.date()).days >= 7:
        day, rest = text.split(" ", 1)
        text = f"{day}, {opening.day} {MONTH_NAMES[language][opening.month - 1]} {rest}"
    return text


def opening_hours_text(hours: OfficeHours, language: Language | str = Language.ID) -> str:
    """``"Senin–Jumat 07.30–16.00 WIB"`` for the unit's usual schedule."""
    language = Language(language)
    names = DAY_NAMES[language]
    days = list(hours.working_days)
    contiguous = days == list(range(days[0], days[-1] + 1))
    span = (
        f"{names[days[0]]}–{names[days[-1]]}"
        if contiguous and len(days) > 1
        else ", ".join(names[d] for d in days)
    )
    sep = "." if language is Language.ID else ":"
    opens, closes = (parse_hhmm(v) for v in (hours.opens, hours.closes))
    return f"{span} {_clock(opens, sep)}–{_clock(closes, sep)} {hours.zone_abbreviation}"


def _clock(value: time, sep: str) -> str:
    return f"{value.hour:02d}{sep}{value.minute:02d}"
