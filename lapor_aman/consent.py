"""The version of the consent text a reporter agreed to (recorded on every ticket)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

CONSENT_FILE = Path(__file__).parent / "data" / "consent.yml"
DOMAIN_DIR = Path(__file__).resolve().parent.parent / "bot" / "domain"
CONSENT_RESPONSES = (
    "utter_ask_consent_record",
    "utter_ask_contact_allowed",
    "utter_ask_consent_share",
)


def _load() -> dict[str, Any]:
    return dict(yaml.safe_load(CONSENT_FILE.read_text(encoding="utf-8")))


CONSENT_TEXT_VERSION: str = str(_load()["version"])


def recorded_digest() -> str:
    return str(_load()["sha256"])


def current_digest(domain_dir: Path = DOMAIN_DIR) -> str:
    """SHA-256 over every variation of the consent questions, in a stable order."""
    texts: dict[str, Any] = {}
    for path in sorted(domain_dir.glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for name in CONSENT_RESPONSES:
            if name in responses:
                texts[name] = [variation.get("text") for variation in responses[name]]
    blob = json.dumps(texts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()
