"""Silence and return hours later: the conversation's session expires (6 h), the answers given so
far are carried over, and the next message resumes the form, asking again whether it is safe now.

Time is moved by shifting the stored tracker's event timestamps in Redis back by seven hours:
the real Rasa session logic then sees a conversation that went quiet that long ago.
"""

from __future__ import annotations

import json
import uuid

import pytest
import redis

from tests.e2e.conftest import E2E_REDIS_URL, RunningStack

pytestmark = pytest.mark.e2e

SEVEN_HOURS = 7 * 3600


def tracker_key(client: redis.Redis, prefix: str) -> list[bytes]:
    return list(client.scan_iter(match=f"{prefix}:tracker:web:*", count=1000))


def age_conversation(stack: RunningStack, sender_keys_before: set[bytes]) -> bytes:
    client = redis.Redis.from_url(E2E_REDIS_URL)
    new_keys = [k for k in tracker_key(client, stack.redis_prefix) if k not in sender_keys_before]
    assert len(new_keys) == 1, new_keys
    key = new_keys[0]
    tracker = json.loads(client.get(key) or b"{}")
    for event in tracker["events"]:
        event["timestamp"] = float(event["timestamp"]) - SEVEN_HOURS
    ttl = client.ttl(key)
    client.set(key, json.dumps(tracker), ex=ttl if ttl and ttl > 0 else None)
    client.close()
    return key


def test_a_report_resumes_after_hours_of_silence(stack: RunningStack) -> None:
    client = redis.Redis.from_url(E2E_REDIS_URL)
    before = set(tracker_key(client, stack.redis_prefix))
    client.close()
    session = uuid.uuid4().hex
    for text in ("halo", "/affirm", "/deny", "/affirm", '/inform{"reporter_role":"victim"}'):
        assert stack.chat(session, text)
    age_conversation(stack, before)

    messages = stack.chat(session, "halo, saya kembali")
    text = " ".join(m.get("text") or "" for m in messages)
    assert "kembali" in text.lower() and "lanjut" in text.lower(), text
    # Safety is asked again, then the form goes on from where it stopped (not from the start).
    assert "aman" in text.lower(), text
    after_safe = " ".join(m.get("text") or "" for m in stack.chat(session, "/affirm"))
    assert "umur" in after_safe.lower(), after_safe
