"""The Rasa REST client: retries, failures, reply parsing."""

from __future__ import annotations

import socket

import pytest

from integrations.rasa_client import RasaClient, RasaUnavailable, RetryPolicy
from tests.fakes import FakeRasa

pytestmark = pytest.mark.integration

FAST_RETRY = RetryPolicy(attempts=3, backoff_seconds=0.01)


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_5xx_is_retried_then_answered(fake_rasa: FakeRasa) -> None:
    fake_rasa.fail(times=2, status=502)
    client = RasaClient(fake_rasa.url, retry=FAST_RETRY)

    replies = await client.send("tg:abc", "halo", {"channel": "telegram"})
    await client.aclose()

    assert [reply.text for reply in replies] == ["echo: halo"]
    assert fake_rasa.calls()[0].metadata == {"channel": "telegram"}


async def test_still_failing_after_all_attempts_raises_unavailable(fake_rasa: FakeRasa) -> None:
    fake_rasa.down(status=500)
    client = RasaClient(fake_rasa.url, retry=FAST_RETRY)

    with pytest.raises(RasaUnavailable) as raised:
        await client.send("tg:abc", "halo")
    await client.aclose()

    assert raised.value.reason == "rasa_http_500"


async def test_a_refused_connection_raises_unavailable() -> None:
    client = RasaClient(f"http://127.0.0.1:{unused_port()}", retry=FAST_RETRY)

    with pytest.raises(RasaUnavailable) as raised:
        await client.send("tg:abc", "halo")
    await client.aclose()

    assert raised.value.reason == "rasa_ConnectError"


async def test_a_4xx_is_not_retried(fake_rasa: FakeRasa) -> None:
    fake_rasa.fail(times=1, status=400)
    client = RasaClient(fake_rasa.url, retry=FAST_RETRY)

    with pytest.raises(RasaUnavailable):
        await client.send("tg:abc", "halo")
    second = await client.send("tg:abc", "lagi")
    await client.aclose()

    assert [reply.text for reply in second] == ["echo: lagi"]


async def test_buttons_custom_payloads_and_unknown_keys_are_parsed(fake_rasa: FakeRasa) -> None:
    fake_rasa.responder = lambda sender, message, metadata: [
        {
            "recipient_id": sender,
            "text": "Pilih",
            "buttons": [{"title": "Ya", "payload": "/affirm"}, {"title": "rusak"}],
        },
        {"recipient_id": sender, "custom": {"erase_chat": True}},
        {"recipient_id": sender, "attachment": {"weird": 1}},
    ]
    client = RasaClient(fake_rasa.url, retry=FAST_RETRY)

    first, erase, unknown = await client.send("tg:abc", "halo")
    await client.aclose()

    assert first.text == "Pilih" and [(b.title, b.payload) for b in first.buttons] == [
        ("Ya", "/affirm")
    ]
    assert erase.erases_chat and erase.text is None
    assert unknown.text is None and not unknown.buttons and not unknown.erases_chat
