"""Human labels (Indonesian and English) for the ticket contract's enum values.

One catalogue, `lapor_aman/data/labels.yml`, shared by the assistant's summary and the staff
console, so a value is named the same way everywhere.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LABELS_FILE = Path(__file__).parent / "data" / "labels.yml"


@lru_cache
def catalogue() -> dict[str, dict[str, dict[str, str]]]:
    if not LABELS_FILE.exists():
        return {}
    data: dict[str, Any] = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8")) or {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def label(enum_name: str, value: str, language: str = "id") -> str:
    """The label of one value; the raw value when the catalogue has none (never fails a chat)."""
    entry = catalogue().get(enum_name, {}).get(value)
    if isinstance(entry, dict):
        return str(entry.get(language) or entry.get("id") or value)
    return value
