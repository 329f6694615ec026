"""Time the NLU pipeline alone (tokenizers, DIET, the intent blend and its sentence encoder, the SafetyNet, fallback).

Runs inside the engine environment (Python 3.10, Rasa 3.6); scripts/bench.py calls it after the
stack is stopped, so nothing else competes for the CPU. Prints one JSON object: median, 95th
percentile and mean milliseconds per message over ROUNDS passes of the messages given.

Usage:
    .venv/engine/bin/python scripts/nlu_timing.py MODEL ROUNDS MESSAGE [MESSAGE ...]
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
import sys
import time


async def _time_parses(model: str, rounds: int, messages: list[str]) -> dict[str, float]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    for message in messages:  # first parses build caches and TensorFlow graphs
        await agent.parse_message(message)
    times: list[float] = []
    for _ in range(rounds):
        for message in messages:
            started = time.perf_counter()
            await agent.parse_message(message)
            times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return {
        "parses": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "mean_ms": statistics.fmean(times),
    }


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    model, rounds, messages = argv[0], int(argv[1]), argv[2:]
    logging.disable(logging.WARNING)
    print(json.dumps(asyncio.run(_time_parses(model, rounds, messages))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
