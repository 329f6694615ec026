"""The shipped Kemendagri region tables: provinsi, kabupaten/kota, kecamatan, kelurahan/desa.

Codes are the dotted Kemendagri codes (``"64"``, ``"64.71"``, ``"64.71.01"``, ``"64.71.01.1001"``).
Source, date and checks: ``lapor_aman/data/regions/README.md``.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

REGIONS_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "regions"

# Time zone of each province (UU-era division: WIB west, WITA centre, WIT east).
_WIB: Final = (
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "18",
    "19",
    "21",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
)
_WIB_PONTIANAK: Final = ("61", "62")
_WITA: Final = ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76")
_WIT: Final = ("81", "82", "91", "92", "93", "94", "95", "96")
PROVINCE_TIME_ZONES: Final[dict[str, str]] = {
    **dict.fromkeys(_WIB, "Asia/Jakarta"),
    **dict.fromkeys(_WIB_PONTIANAK, "Asia/Pontianak"),
    **dict.fromkeys(_WITA, "Asia/Makassar"),
    **dict.fromkeys(_WIT, "Asia/Jayapura"),
}


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class City:
    """A kabupaten (regency) or kota (city)."""

    code: str
    name: str

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def is_kota(self) -> bool:
        return self.name.startswith("Kota ")


@dataclass(frozen=True, slots=True)
class District:
    """A kecamatan (called distrik in Papua)."""

    code: str
    name: str

    @property
    def city_code(self) -> str:
        return self.code[:5]


@dataclass(frozen=True, slots=True)
class Village:
    """A kelurahan or desa."""

    code: str
    name: str

    @property
    def district_code(self) -> str:
        return self.code[:8]


def _read_csv(name: str) -> list[dict[str, str]]:
    path = REGIONS_DIR / name
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def provinces() -> dict[str, Province]:
    return {
        r["code"]: Province(r["code"], r["name"], r["time_zone"])
        for r in _read_csv("provinces.csv")
    }


@cache
def cities() -> dict[str, City]:
    return {r["code"]: City(r["code"], r["name"]) for r in _read_csv("cities.csv")}


@cache
def districts() -> dict[str, District]:
    return {r["code"]: District(r["code"], r["name"]) for r in _read_csv("districts.csv")}


@cache
def villages() -> dict[str, Village]:
    """All ~84,000 villages; loaded only when a place is not found among larger regions."""
    return {r["code"]: Village(r["code"], r["name"]) for r in _read_csv("villages.csv.gz")}


def cities_in(province_code: str) -> list[City]:
    return [c for c in cities().values() if c.province_code == province_code]


def province_time_zone(code: str) -> str:
    """IANA time zone of the province that contains region ``code``."""
    return provinces()[code[:2]].time_zone
