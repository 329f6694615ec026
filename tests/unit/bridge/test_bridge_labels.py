"""The label catalogue names every coded value of the ticket contract in Indonesian and English."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest

from lapor_aman.labels import catalogue
from lapor_aman.storage.staff import StaffRole
from lapor_aman.tickets import schema

CONTRACT_ENUMS = [
    value
    for value in vars(schema).values()
    if isinstance(value, type)
    and issubclass(value, StrEnum)
    and value.__module__ == schema.__name__
]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_every_contract_enum_is_found() -> None:
    assert len(CONTRACT_ENUMS) >= 15


@pytest.mark.parametrize("enum", [*CONTRACT_ENUMS, StaffRole], ids=lambda e: e.__name__)
def test_every_enum_value_has_both_labels(enum: type[StrEnum]) -> None:
    labels = catalogue().get(snake(enum.__name__))
    assert labels is not None, f"labels.yml lacks {snake(enum.__name__)}"
    for member in enum:
        entry = labels.get(member.value)
        assert entry, f"{snake(enum.__name__)}.{member.value} has no label"
        assert entry.get("id") and entry.get("en"), f"{member.value} needs id and en"


def test_no_label_key_was_read_as_a_boolean() -> None:
    for group in catalogue().values():
        assert all(isinstance(key, str) for key in group)


def test_on_call_templates_only_use_code_placeholders() -> None:
    allowed = {"reference", "risk_id", "risk_en", "unit", "url"}
    for entry in catalogue()["oncall_message"].values():
        for text in entry.values():
            assert set(re.findall(r"{(\w+)}", text)) <= allowed
