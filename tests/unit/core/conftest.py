"""Shared builders for the core tests: units in each time zone and a minimal valid submission."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lapor_aman.hours import Closures, OfficeHours
from lapor_aman.routing import Unit, UnitDirectory, UnitLevel, get_units
from lapor_aman.tickets.schema import IntakeSubmission

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
UTC = ZoneInfo("UTC")
NO_CLOSURES = Closures()


def make_unit(
    unit_id: str = "unit-test",
    *,
    time_zone: str = "Asia/Jakarta",
    level: UnitLevel = UnitLevel.PROVINCE,
    region_codes: tuple[str, ...] = ("31",),
    **fields: Any,
) -> Unit:
    hours = fields.pop("hours", None) or OfficeHours(time_zone=time_zone)
    return Unit(
        id=unit_id,
        name=f"Unit {unit_id}",
        level=level,
        region_codes=() if level is UnitLevel.NATIONAL else region_codes,
        hours=hours,
        call_center_phone=fields.pop("call_center_phone", "+6281200000199"),
        **fields,
    )


@pytest.fixture
def jakarta_unit() -> Unit:
    return make_unit("jakarta", time_zone="Asia/Jakarta", region_codes=("31",))


@pytest.fixture
def balikpapan_unit() -> Unit:
    return make_unit(
        "balikpapan", time_zone="Asia/Makassar", level=UnitLevel.CITY, region_codes=("64.71",)
    )


@pytest.fixture
def papua_unit() -> Unit:
    return make_unit("papua", time_zone="Asia/Jayapura", region_codes=("91",))


@pytest.fixture
def units() -> UnitDirectory:
    """The shipped units.yml (synthetic example data)."""
    return get_units()


def submission_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "conversation_id": "conv-test-1",
        "channel": "telegram",
        "language": "id",
        "reported_at": datetime(2025, 6, 10, 22, 15, tzinfo=WITA),
        "consent": {"record": True, "contact": False, "text_version": "consent-v1"},
        "incident": {"violence_types": ["physical"]},
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def make_submission() -> Callable[..., IntakeSubmission]:
    def build(**overrides: Any) -> IntakeSubmission:
        return IntakeSubmission.model_validate(submission_payload(**overrides))

    return build
