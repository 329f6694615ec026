"""Shared fixtures for the language-logic tests (safety net, normalisation, extraction)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
WIB = timezone(timedelta(hours=7))


@pytest.fixture
def now() -> datetime:
    """Monday 10 March 2025, 22:30 WIB: after office hours, as most reports arrive."""
    return datetime(2025, 3, 10, 22, 30, tzinfo=WIB)
