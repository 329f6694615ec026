"""Conversation tests: each YAML conversation in tests/e2e/conversations/ is held through the web
chat gateway against the real stack, turn by turn; the resulting ticket is checked via the API.

Every turn must get at least one message back: the assistant is never silent.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.conftest import REFERENCE, RunningStack

pytestmark = pytest.mark.e2e

CONVERSATIONS_DIR = Path(__file__).parent / "conversations"


def load_conversations() -> list[dict[str, Any]]:
    conversations: list[dict[str, Any]] = []
    for path in sorted(CONVERSATIONS_DIR.glob("*.yml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            conversation["file"] = path.name
            conversations.append(conversation)
    return conversations


CONVERSATIONS = load_conversations()


def dotted(document: Any, path: str) -> Any:
    value = document
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value.get(part)
    return value


def transcript_line(user: str, messages: list[dict[str, Any]]) -> str:
    bot = " | ".join(
        (m.get("text") or "")
        + (
            f" [{', '.join(b['payload'] for b in m.get('buttons') or [])}]"
            if m.get("buttons")
            else ""
        )
        for m in messages
    )
    return f"  user: {user}\n  bot:  {bot}"


def test_there_are_enough_conversation_tests() -> None:
    assert len(CONVERSATIONS) >= 40


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
def test_conversation(stack: RunningStack, conversation: dict[str, Any]) -> None:
    session = uuid.uuid4().hex
    transcript: list[str] = []
    references: list[str] = []
    for number, turn in enumerate(conversation["turns"], start=1):
        messages = stack.chat(session, turn["user"])
        transcript.append(transcript_line(turn["user"], messages))
        context = "\n".join(transcript)
        assert messages, f"turn {number}: the assistant was silent\n{context}"
        assert any((m.get("text") or "").strip() or m.get("buttons") for m in messages), (
            f"turn {number}: only empty messages\n{context}"
        )
        text = " ".join(m.get("text") or "" for m in messages).lower()
        payloads = {b["payload"] for m in messages for b in m.get("buttons") or []}
        references += REFERENCE.findall(" ".join(m.get("text") or "" for m in messages))
        if "expect_any" in turn:
            assert any(s.lower() in text for s in turn["expect_any"]), (
                f"turn {number}: expected one of {turn['expect_any']}\n{context}"
            )
        for wanted in turn.get("expect_all", []):
            assert wanted.lower() in text, f"turn {number}: expected {wanted!r}\n{context}"
        for unwanted in turn.get("expect_none", []):
            assert unwanted.lower() not in text, (
                f"turn {number}: did not expect {unwanted!r}\n{context}"
            )
        for payload in turn.get("buttons", []):
            assert payload in payloads, f"turn {number}: expected a button {payload}\n{context}"
        if turn.get("erase"):
            assert any(m.get("erase_chat") for m in messages), (
                f"turn {number}: expected erase\n{context}"
            )

    context = "\n".join(transcript)
    if conversation.get("no_ticket"):
        assert not references, f"no ticket expected, got {references}\n{context}"
    if "ticket" in conversation:
        assert references, f"no ticket reference was given\n{context}"
        ticket = stack.ticket(references[-1])
        for path, expected in conversation["ticket"].items():
            actual = dotted(ticket, path)
            if isinstance(expected, list) and isinstance(actual, list):
                assert sorted(map(str, expected)) == sorted(map(str, actual)), (
                    f"{path}: {actual}\n{context}"
                )
            else:
                assert actual == expected, f"ticket {path}: {actual!r} != {expected!r}\n{context}"
