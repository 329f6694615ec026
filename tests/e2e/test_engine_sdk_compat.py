"""Rasa 3.6 (engine, Python 3.10) and the rasa-sdk 3.x action server (app, Python 3.11) work
together: a form whose slots are filled by a FormValidationAction, custom actions that set slots
and ask for follow-up actions, and responses rendered with their values. Talks to Rasa's own REST
channel directly, with no gateway in between.
"""

from __future__ import annotations

import uuid
from importlib.metadata import version

import pytest

from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def texts(messages: list[dict[str, object]]) -> str:
    return " ".join(str(m.get("text") or "") for m in messages)


def test_action_server_sdk_is_the_modern_one() -> None:
    assert version("rasa-sdk").split(".")[0] == "3"
    assert int(version("rasa-sdk").split(".")[1]) >= 6


def test_form_slots_fill_through_the_validation_action(stack: RunningStack) -> None:
    sender = f"web:{uuid.uuid4().hex}"
    # Custom action (action_opening) renders a response with values it computed, then the form starts.
    opening = stack.rasa_turn(sender, "/greet")
    assert "Lapor Aman" in texts(opening)
    assert any(m.get("buttons") for m in opening), "the first form question carries buttons"
    # Each answer is validated by validate_intake_form (rasa-sdk) and the form asks the next slot.
    assert "orang lain" in texts(
        stack.rasa_turn(sender, "/affirm")
    )  # safe_to_talk -> shared_device
    assert "catat" in texts(stack.rasa_turn(sender, "/deny"))  # shared_device -> consent_record
    assert "Siapa yang menulis" in texts(
        stack.rasa_turn(sender, "/affirm")
    )  # consent -> reporter_role
    # A button payload with an entity fills a slot directly.
    answer = stack.rasa_turn(sender, '/inform{"reporter_role":"family"}')
    assert "umur" in texts(answer).lower()
