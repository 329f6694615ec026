"""The gateways' own texts (``messages.yml``): apology, "didn't catch that", rate limit notice.

Texts are data so a case manager can review the wording without reading Python. Every text is
rendered in both languages, Indonesian first, with the emergency numbers filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lapor_aman.emergency import emergency_numbers

CATALOGUE_PATH = Path(__file__).with_name("messages.yml")
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Catalogue:
    texts: dict[str, dict[str, str]]
    labels: dict[str, str]
    emergency_numbers: tuple[dict[str, str], ...]

    def numbers(self, language: str) -> str:
        """ "112 (darurat), 110 (polisi), …" in one language."""
        return ", ".join(
            f"{entry['number']} ({entry[language]})" for entry in self.emergency_numbers
        )

    def text(self, key: str, language: str) -> str:
        template = " ".join(self.texts[key][language].split())
        return template.replace("{emergency_numbers}", self.numbers(language))

    def bilingual(self, key: str) -> str:
        """Indonesian then English, separated by a blank line."""
        return "\n\n".join(self.text(key, language) for language in LANGUAGES)

    def label(self, key: str) -> str:
        return self.labels[key]


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    texts = {
        key: {lang: str(value[lang]) for lang in LANGUAGES} for key, value in data["texts"].items()
    }
    # One source for the numbers: lapor_aman/data/emergency_numbers.yml (the assistant uses it too).
    numbers = tuple(
        {"number": number, **{lang: labels[lang] for lang in LANGUAGES}}
        for number, labels in emergency_numbers()
    )
    labels = {key: str(value) for key, value in (data.get("labels") or {}).items()}
    return Catalogue(texts=texts, labels=labels, emergency_numbers=numbers)


@lru_cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    with path.open(encoding="utf-8") as handle:
        return parse_catalogue(yaml.safe_load(handle))
