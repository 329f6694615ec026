"""Service units (UPTD PPA, SAPA 129) and which one serves a place.

A report goes to the UPTD PPA of the victim's kabupaten/kota when one is configured, else to the
UPTD PPA of the province, else to SAPA 129 (KemenPPPA, national). Units are listed in
``lapor_aman/data/units.yml``, which staff edit; see docs/triage.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Final

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from lapor_aman.hours import DATA_DIR, OfficeHours
from lapor_aman.tickets.schema import normalise_phone

UNITS_FILE: Final = DATA_DIR / "units.yml"
# Public short numbers that are real and safe to show (emergency 112, police 110, ambulance 119, SAPA 129).
SHORT_PUBLIC_NUMBERS: Final = frozenset({"112", "110", "119", "129"})


class UnitLevel(StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    CITY = "city"  # kabupaten or kota


RegionCode = Annotated[str, StringConstraints(pattern=r"^\d{2}(\.\d{2})?$")]


class Unit(BaseModel):
    """A service unit that receives tickets: its area, hours, phone and on-call arrangement."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: str
    level: UnitLevel
    region_codes: tuple[RegionCode, ...] = Field(
        default=(),
        description='Provinces ("64") or kabupaten/kota ("64.71") served; empty for national.',
    )
    hours: OfficeHours = Field(default_factory=OfficeHours)
    call_center_phone: str = Field(description="E.164 number or a public short number (129).")
    on_call: bool = Field(
        default=False, description="Someone answers escalations outside office hours."
    )
    on_call_takes_high: bool = Field(
        default=False, description="The on-call person also takes high-risk cases at night."
    )
    outreach_capacity: int = Field(
        default=0, ge=0, description="Companions available for penjangkauan (outreach visits)."
    )

    @field_validator("call_center_phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return value if value in SHORT_PUBLIC_NUMBERS else normalise_phone(value)

    @model_validator(mode="after")
    def _codes_match_level(self) -> Unit:
        expected = {UnitLevel.NATIONAL: 0, UnitLevel.PROVINCE: 2, UnitLevel.CITY: 5}[self.level]
        if self.level is UnitLevel.NATIONAL and self.region_codes:
            raise ValueError(f"national unit {self.id} must not list region codes")
        if self.level is not UnitLevel.NATIONAL and not self.region_codes:
            raise ValueError(f"unit {self.id} must list the region codes it serves")
        if any(len(code) != expected for code in self.region_codes):
            raise ValueError(
                f"unit {self.id}: {self.level.value} units list {expected}-character codes"
            )
        return self

    @property
    def time_zone(self) -> str:
        return self.hours.time_zone


class UnitDirectory:
    """All configured units with the routing rule: kabupaten/kota → province → national."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._units: dict[str, Unit] = {}
        self._by_region: dict[str, Unit] = {}
        national: list[Unit] = []
        for unit in units:
            if unit.id in self._units:
                raise ValueError(f"duplicate unit id {unit.id}")
            self._units[unit.id] = unit
            if unit.level is UnitLevel.NATIONAL:
                national.append(unit)
            for code in unit.region_codes:
                if code in self._by_region:
                    raise ValueError(
                        f"region {code} is served by both {self._by_region[code].id} and {unit.id}"
                    )
                self._by_region[code] = unit
        if len(national) != 1:
            raise ValueError("exactly one national unit (SAPA 129) is required")
        self.national: Unit = national[0]

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def __len__(self) -> int:
        return len(self._units)

    @property
    def units(self) -> Mapping[str, Unit]:
        return self._units

    def get(self, unit_id: str) -> Unit:
        """The unit with this id; KeyError if there is none."""
        return self._units[unit_id]

    def route(self, province_code: str | None = None, city_code: str | None = None) -> Unit:
        """The unit responsible for a place: city/regency UPTD PPA, else province, else SAPA 129."""
        province_code = province_code or (city_code[:2] if city_code else None)
        for code in (city_code, province_code):
            if code and code in self._by_region:
                return self._by_region[code]
        return self.national

    def on_call_for(self, unit: Unit) -> Unit:
        """Who takes emergencies for ``unit`` at night: itself, else its province's unit, else national."""
        if unit.on_call:
            return unit
        if unit.level is UnitLevel.CITY:
            province = self._by_region.get(unit.region_codes[0][:2])
            if province is not None and province.on_call:
                return province
        return self.national


def load_units(path: Path = UNITS_FILE) -> UnitDirectory:
    """Read and validate a units file."""
    raw = yaml.safe_load(path.read_text("utf-8")) or {}
    return UnitDirectory(Unit.model_validate(item) for item in raw.get("units", []))


@lru_cache(maxsize=1)
def get_units() -> UnitDirectory:
    """The units of ``lapor_aman/data/units.yml`` (read once per process)."""
    return load_units()


def get_unit(unit_id: str) -> Unit:
    """A configured unit by id (e.g. ``get_unit(get_settings().default_unit_id)``)."""
    return get_units().get(unit_id)


def route_region(province_code: str | None, city_code: str | None = None) -> Unit:
    """The responsible configured unit for a place (see :meth:`UnitDirectory.route`)."""
    return get_units().route(province_code, city_code)
