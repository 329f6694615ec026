"""The summary the reporter confirms: its line labels come from the label catalogue."""

from __future__ import annotations

import pytest

from actions.flow import SKIPPED
from actions.summary import FIELDS, SUMMARY_LINE, build_summary
from lapor_aman.labels import catalogue

EXTRA_KEYS = ("yes", "no", "skipped", "not_contacted", "contact")


@pytest.mark.parametrize("key", sorted({key for _, _, key in FIELDS} | set(EXTRA_KEYS)))
def test_every_summary_line_has_both_labels(key: str) -> None:
    entry = catalogue()[SUMMARY_LINE].get(key)
    assert entry, f"labels.yml summary_line lacks {key}"
    assert entry.get("id") and entry.get("en")


def test_summary_lines_in_both_languages() -> None:
    slots = {
        "victim_age": 15,
        "ongoing": True,
        "perpetrator_relation": "step_parent",
        "location_type": SKIPPED,
        "contact_allowed": False,
    }

    assert build_summary(slots, "id").splitlines() == [
        "• Umur korban: 15",
        "• Pelaku: Orang tua tiri",
        "• Masih terjadi: ya",
        "• Lokasi: (dilewati)",
        "• Dihubungi lewat: tidak dihubungi",
    ]
    assert build_summary(slots, "en").splitlines()[1:] == [
        "• Perpetrator: Step-parent",
        "• Still happening: yes",
        "• Where: (skipped)",
        "• Contact by: no contact",
    ]
