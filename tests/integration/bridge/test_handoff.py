"""Handoff stream: Redis carries the notice, SQL keeps the truth, the stream survives a flush."""

from __future__ import annotations

import asyncio
import contextlib
import json

import httpx
import uvicorn
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlalchemy import select

from integrations.bridge import Bridge
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.tickets import TicketRecord

from .conftest import BridgeHarness, SubmitFn, build_app, internal_headers, submission


async def _stream(redis: Redis, harness: BridgeHarness) -> list[dict[str, str]]:
    entries = await redis.xrange(harness.bridge.context.handoff.key)
    return [{k.decode(): v.decode() for k, v in fields.items()} for _, fields in entries]


async def test_new_ticket_is_announced_without_personal_data(
    harness: BridgeHarness, submit: SubmitFn, redis: Redis
) -> None:
    receipt = (await submit(submission(signals=["danger_now"]))).json()
    events = await _stream(redis, harness)
    assert len(events) == 1
    event = events[0]
    assert event["reference"] == receipt["reference"]
    assert event["risk_level"] == "emergency"
    assert event["unit_id"] == "uptd-ppa-kota-samarinda"
    assert event["due_by"]
    assert set(event) == {
        "event",
        "reference",
        "risk_level",
        "unit_id",
        "due_by",
        "received_outside_hours",
        "replayed",
    }
    with session_scope(harness.session_factory) as session:
        assert session.scalars(select(TicketRecord)).one().handoff_published_at is not None


async def test_ticket_stored_while_redis_is_down_is_published_later(
    harness: BridgeHarness, redis: Redis
) -> None:
    dead_redis = Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    offline = Bridge(
        harness.settings,
        harness.session_factory,
        dead_redis,
        notifier=harness.bridge.context.escalator.notifier,
        migrate_on_start=False,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build_app(offline)), base_url="http://t"
    ) as client:
        response = await client.post(
            "/api/v1/intake/tickets", json=submission(), headers=internal_headers()
        )
        assert response.status_code == 201  # SQL is the system of record: intake still works
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["redis"] == "unavailable"
    await dead_redis.aclose()
    with session_scope(harness.session_factory) as session:
        assert session.scalars(select(TicketRecord)).one().handoff_published_at is None

    published = await harness.bridge.context.handoff.republish()
    assert published == 1
    events = await _stream(redis, harness)
    assert [e["reference"] for e in events] == [response.json()["reference"]]
    with session_scope(harness.session_factory) as session:
        assert session.scalars(select(TicketRecord)).one().handoff_published_at is not None


async def test_stream_is_rebuilt_from_sql_after_a_redis_flush(
    harness: BridgeHarness, submit: SubmitFn, redis: Redis
) -> None:
    handoff = harness.bridge.context.handoff
    await handoff.republish()  # seeds the marker: nothing to publish yet
    first = (await submit(submission())).json()["reference"]
    second = (await submit(submission())).json()["reference"]
    _, headers = harness.staff()
    taken = await harness.client.post(f"/api/v1/tickets/{first}/acknowledge", headers=headers)
    assert taken.status_code == 200
    assert len(await _stream(redis, harness)) == 2

    await redis.flushdb()  # our own test db (13)
    assert await redis.exists(handoff.key) == 0
    await handoff.republish()
    events = await _stream(redis, harness)
    assert [(e["reference"], e["replayed"]) for e in events] == [
        (second, "1")
    ]  # only tickets still new
    assert await handoff.republish() == 0  # rebuilt once, not on every pass


async def test_console_receives_live_arrivals_over_sse(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    _, samarinda = harness.staff(unit_id="uptd-ppa-kota-samarinda")
    _, kaltim_cm = harness.staff(unit_id="uptd-ppa-kaltim")
    config = uvicorn.Config(
        harness.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            assert (await client.get("/api/v1/handoff/events")).status_code == 401
            assert (
                await client.get("/api/v1/handoff/events", headers=internal_headers())
            ).status_code == 403

            async def first_event(
                headers: dict[str, str], params: dict[str, str]
            ) -> dict[str, object]:
                async with client.stream(
                    "GET", "/api/v1/handoff/events", headers=headers, params=params
                ) as stream:
                    assert stream.status_code == 200
                    assert stream.headers["content-type"].startswith("text/event-stream")
                    event = ""
                    async for line in stream.aiter_lines():
                        if line.startswith("event:"):
                            event = line.split(":", 1)[1].strip()
                        if line.startswith("data:") and event == "ticket.created":
                            return dict(json.loads(line.split(":", 1)[1]))
                raise AssertionError("stream ended")

            token = samarinda["Authorization"].removeprefix("Bearer ")
            listener = asyncio.create_task(first_event({}, {"access_token": token}))
            other_unit = asyncio.create_task(first_event(kaltim_cm, {}))
            await asyncio.sleep(0.3)
            reference = (await submit(submission())).json()["reference"]
            data = await asyncio.wait_for(listener, 5)
            assert data["reference"] == reference and data["risk_level"] == "medium"
            await asyncio.sleep(0.3)
            assert not other_unit.done()  # a case manager of another unit hears nothing
            other_unit.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await other_unit
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 10)


async def test_bridge_start_republishes_and_stop_ends_the_background_tasks(
    harness: BridgeHarness, redis: Redis
) -> None:
    dead_redis = Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    offline = Bridge(harness.settings, harness.session_factory, dead_redis, migrate_on_start=False)
    transport = httpx.ASGITransport(app=build_app(offline))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(
            "/api/v1/intake/tickets", json=submission(), headers=internal_headers()
        )
    await dead_redis.aclose()
    reference = response.json()["reference"]

    bridge = Bridge(
        harness.settings,
        harness.session_factory,
        redis,
        migrate_on_start=True,
        republish_interval=0.1,
    )
    await bridge.start()
    try:
        for _ in range(50):
            if await redis.exists(bridge.context.handoff.key):
                break
            await asyncio.sleep(0.05)
        assert [e["reference"] for e in await _stream(redis, harness)] == [reference]
    finally:
        await bridge.stop()
    assert bridge._tasks == []
