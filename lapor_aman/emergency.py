"""Emergency numbers, from one data file, formatted for a chat message."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

NUMBERS_FILE = Path(__file__).parent / "data" / "emergency_numbers.yml"


@lru_cache
def emergency_numbers() -> tuple[tuple[str, dict[str, str]], ...]:
    data = yaml.safe_load(NUMBERS_FILE.read_text(encoding="utf-8"))
    return tuple((str(entry["number"]), dict(entry["label"])) for entry in data["numbers"])


def format_numbers(language: str = "id", unit_line: tuple[str, str] | None = None) -> str:
    """ "112 (Darurat), 110 (Polisi), …" plus the unit's own line when it has one."""
    lang = language if language in ("id", "en") else "id"
    parts = [
        f"{number} ({labels.get(lang, labels['id'])})" for number, labels in emergency_numbers()
    ]
    if unit_line is not None:
        parts.append(f"{unit_line[1]} ({unit_line[0]})")
    return ", ".join(parts)
