"""The short, readable summary shown before the reporter confirms (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actions.flow import SKIPPED
from lapor_aman.labels import label

FIELDS: tuple[tuple[str, str, str], ...] = (
    # (slot, enum name in labels.yml, line label key)
    ("reporter_role", "reporter_role", "reporter"),
    ("victim_age", "age_group", "age"),
    ("victim_sex", "sex", "sex"),
    ("place", "", "place"),
    ("violence_types", "violence_type", "violence"),
    ("perpetrator_relation", "perpetrator_relation", "perpetrator"),
    ("perpetrator_lives_with_victim", "", "lives_with"),
    ("occurred", "incident_timing", "when"),
    ("ongoing", "", "ongoing"),
    ("location_type", "location_type", "where"),
    ("needs", "need", "needs"),
    ("contact_channel", "contact_channel", "contact"),
    ("safe_times", "", "safe_times"),
)

# Line labels live in the label catalogue (lapor_aman/data/labels.yml, group "summary_line"), so
# reviewers edit the wording without reading Python.
SUMMARY_LINE = "summary_line"


def _word(key: str, language: str) -> str:
    return label(SUMMARY_LINE, key, language)


def _value_text(
    slot: str, enum_name: str, value: Any, language: str, slots: Mapping[str, Any]
) -> str:
    if value == SKIPPED:
        return _word("skipped", language)
    if isinstance(value, bool):
        return _word("yes" if value else "no", language)
    if slot == "victim_age" and isinstance(value, int):
        return str(value)
    if slot == "place":
        region = slots.get("region") or {}
        city = (region.get("city") or {}).get("name")
        province = (region.get("province") or {}).get("name")
        return ", ".join(p for p in (city, province) if p) or str(value)
    if slot == "safe_times" and isinstance(value, list):
        return "; ".join(
            f"{w.get('start')}–{w.get('end')}" for w in value if isinstance(w, Mapping)
        )
    if isinstance(value, list):
        return ", ".join(label(enum_name, str(v), language) for v in value) or "-"
    return label(enum_name, str(value), language) if enum_name else str(value)


def build_summary(slots: Mapping[str, Any], language: str) -> str:
    lines = []
    for slot, enum_name, key in FIELDS:
        value = slots.get(slot)
        if value is None:
            continue
        lines.append(
            f"• {_word(key, language)}: {_value_text(slot, enum_name, value, language, slots)}"
        )
    if slots.get("contact_allowed") is False:
        lines.append(f"• {_word('contact', language)}: {_word('not_contacted', language)}")
    return "\n".join(lines)
