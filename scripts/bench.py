"""Benchmarks of the running stack, on loopback only, with bounded counts: `make bench`.

Measures the time to a healthy stack, the latency and throughput of chat turns through the web
chat gateway (gateway -> Rasa -> action server -> bridge), the time of a complete intake that
creates a ticket, the memory (RSS) of each process, and the NLU pipeline's own time per message
(scripts/nlu_timing.py, after the stack has stopped). Writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from stack import ENGINE_BIN, Stack, free_port  # noqa: E402

NLU_TIMING_ROUNDS = 20
POSITION_INTAKES = 5

BENCH_REDIS_URL = "redis://127.0.0.1:6379/11"
# A whole intake, answered the way a reporter might; every turn must be answered.
INTAKE = [
    "tolong kak suami saya mukul lagi",
    "iya aman",
    "tidak",
    "boleh",
    "saya korbannya",
    "32",
    "perempuan",
    "Samarinda",
    "masih serumah",
    "kemarin malam",
    "di rumah",
    "tidak",
    "punya keduanya",
    "konseling dan bantuan hukum",
    "lewati",
    "tidak",
    "tidak",
    "ya",
]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    children = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True
    ).stdout.split()
    pids += [int(c) for c in children]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


async def turn(client: httpx.AsyncClient, session: str, text: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = await client.post(
        "/api/v1/chat/messages",
        json={"session_id": session, "client_message_id": uuid.uuid4().hex, "text": text},
    )
    response.raise_for_status()
    return time.perf_counter() - started, len(response.json()["messages"])


async def rasa_turn(client: httpx.AsyncClient, session: str, text: str) -> tuple[float, int]:
    """The same turn sent straight to Rasa's REST channel, without the gateway (the sender id is
    the gateway's, so the action server sees the web chat)."""
    started = time.perf_counter()
    response = await client.post(
        "/webhooks/rest/webhook", json={"sender": f"web:{session}", "message": text}
    )
    response.raise_for_status()
    return time.perf_counter() - started, len(response.json())


async def intake(
    client: httpx.AsyncClient, send: Callable[..., Awaitable[tuple[float, int]]] = turn
) -> tuple[list[float], int]:
    session = uuid.uuid4().hex
    latencies: list[float] = []
    empty = 0
    for text in INTAKE:
        latency, count = await send(client, session, text)
        latencies.append(latency)
        empty += count == 0
    return latencies, empty


async def by_position(base_url: str, intakes: int, direct: bool = False) -> list[float]:
    """Median latency (ms) of each turn of the intake, over intakes run one at a time."""
    send = rasa_turn if direct else turn
    runs = []
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        for _ in range(intakes):
            runs.append((await intake(client, send))[0])
    return [1000 * statistics.median(run[i] for run in runs) for i in range(len(INTAKE))]


async def load(base_url: str, conversations: int, concurrency: int) -> dict[str, float]:
    semaphore = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    empty = 0

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal empty
        async with semaphore:
            result, silent = await intake(client)
            latencies.extend(result)
            empty += silent

    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(one(client) for _ in range(conversations)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "turns": len(latencies),
        "elapsed_s": elapsed,
        "turns_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
        "max_ms": 1000 * ordered[-1],
        "empty_replies": empty,
        "intakes_per_min": 60 * conversations / elapsed,
    }


def nlu_timing(model: Path) -> dict[str, float]:
    """Milliseconds per message of the NLU pipeline alone, in the engine environment."""
    command = [str(ENGINE_BIN / "python"), str(ROOT / "scripts" / "nlu_timing.py"), str(model)]
    command += [str(NLU_TIMING_ROUNDS), *INTAKE]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="lapor-bench-"))
    prefix = f"bench{secrets.token_hex(3)}"
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "REDIS_URL": BENCH_REDIS_URL,
        "LAPOR_REDIS_PREFIX": f"{prefix}:",
        "LAPOR_ADMIN_TOKEN": secrets.token_urlsafe(16),
        "LAPOR_INTERNAL_TOKEN": secrets.token_urlsafe(16),
        "LAPOR_GATEWAY_RATE_LIMIT_PER_MINUTE": "100000",
    }
    stack = Stack(
        model=ROOT / args.model,
        rasa_port=free_port(),
        actions_port=free_port(),
        bridge_port=free_port(),
        env_overrides=env,
        log_dir=tmp / "logs",
    )
    started = time.perf_counter()
    stack.start(timeout=300)
    startup = time.perf_counter() - started
    base = f"http://127.0.0.1:{stack.bridge_port}"
    try:
        warm = asyncio.run(load(base, 1, 1))
        single = asyncio.run(load(base, 3, 1))
        loaded = asyncio.run(load(base, args.conversations, args.concurrency))
        through_gateway = asyncio.run(by_position(base, POSITION_INTAKES))
        rasa_alone = asyncio.run(
            by_position(f"http://127.0.0.1:{stack.rasa_port}", POSITION_INTAKES, direct=True)
        )
        memory = {name: rss_mb(process.pid) for name, process in stack.processes.items()}
    finally:
        stack.stop()
        client = redis.Redis.from_url(BENCH_REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}*", count=500):
            client.delete(key)

    nlu = nlu_timing(ROOT / args.model)
    report = render(args, startup, warm, single, loaded, memory, nlu, (through_gateway, rasa_alone))
    args.out.write_text(report, encoding="utf-8")
    print(report)


def render(
    args: argparse.Namespace,
    startup: float,
    warm: dict[str, float],
    single: dict[str, float],
    loaded: dict[str, float],
    memory: dict[str, float],
    nlu: dict[str, float],
    positions: tuple[list[float], list[float]],
) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    rows = "\n".join(
        f"| {name} | {values['turns']:.0f} | {values['p50_ms']:.0f} | {values['p95_ms']:.0f} | "
        f"{values['max_ms']:.0f} | {values['turns_per_s']:.1f} | {values['intakes_per_min']:.1f} | {values['empty_replies']:.0f} |"
        for name, values in (
            ("first intake (warm-up)", warm),
            ("3 intakes, one at a time", single),
            (f"{args.conversations} intakes, {args.concurrency} at a time", loaded),
        )
    )
    memory_rows = "\n".join(f"| {name} | {mb:.0f} |" for name, mb in memory.items())
    gateway, rasa = positions
    position_rows = "\n".join(
        f"| {i + 1} | {text} | {g:.0f} | {r:.0f} |"
        for i, (text, g, r) in enumerate(zip(INTAKE, gateway, rasa, strict=True))
    )
    return f"""# Benchmarks

Measured by `make bench` (`scripts/bench.py`) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on this
machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()} (app), Rasa 3.6.21 (engine).
Loopback only, bounded counts. Every chat turn goes web chat gateway -> Rasa (NLU + SafetyNet +
policies) -> action server (form validation, parsers, region resolver) -> and at the end the bridge
(ticket built, encrypted, stored in SQLite, handoff stream). An intake is {len(INTAKE)} turns ending in a ticket.

## Start-up

Time from launching the three processes to all health checks green (model already trained;
the action server and bridge start in a few seconds, Rasa's model load dominates):
**{startup:.1f} s**.

## Chat turns

| Scenario | turns | p50 ms | p95 ms | max ms | turns/s | intakes/min | empty replies |
|---|---|---|---|---|---|---|---|
{rows}

Of a turn's time, the NLU pipeline alone (tokenizers, DIET, the intent blend with its sentence encoder, the SafetyNet and the
fallback; the intake's {len(INTAKE)} messages parsed {NLU_TIMING_ROUNDS} times in one process, nothing else running):
p50 **{nlu["p50_ms"]:.1f} ms**, p95 {nlu["p95_ms"]:.1f} ms, mean {nlu["mean_ms"]:.1f} ms over {nlu["parses"]:.0f} parses.
The rest is the dialogue policies, the tracker and lock stores in Redis, the action server and the
gateway.

Turn by turn ({POSITION_INTAKES} intakes one at a time, median ms), through the gateway and sent straight to
Rasa's REST channel (same turns, no gateway). The difference is the gateway (dedup, rate limit,
inbox row, reply relay); the growth down the column is Rasa's: each turn reads and writes the whole
conversation's tracker in Redis and the policies featurise its history, so later turns cost more.

| turn | message | gateway -> Rasa ms | Rasa alone ms |
|---|---|---|---|
{position_rows}

## Memory (RSS after the load)

| Process | MB |
|---|---|
{memory_rows}

## Reading the figures

- One Rasa process uses one core; on a 2-core machine the action server and bridge share the other.
  Throughput scales by running more Rasa processes behind the gateways (the tracker and lock stores
  are in Redis, so any process can take any conversation).
- A hotline's night traffic is a few conversations per hour; the figures above leave a wide margin.
"""


if __name__ == "__main__":
    main()
