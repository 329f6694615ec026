"""A fake Rasa REST channel (``POST /webhooks/rest/webhook``) that answers from a script.

``responder(sender, message, metadata)`` returns the reply list (default: echo). ``fail(times,
status)`` makes the next calls fail; ``down()`` / ``up()`` switch to failing every call. Calls are
recorded in arrival order, so tests can check per-sender ordering.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import LoopbackServer

Responder = Callable[[str, str, dict[str, Any]], list[dict[str, Any]]]


@dataclass(frozen=True)
class RasaCall:
    sender: str
    message: str
    metadata: dict[str, Any]


def echo(sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"recipient_id": sender, "text": f"echo: {message}"}]


class FakeRasa:
    def __init__(self, responder: Responder = echo) -> None:
        self.responder = responder
        # Seconds to wait before answering a given message (to provoke reordering).
        self.delays: dict[str, float] = {}
        self._lock = threading.Lock()
        self._calls: list[RasaCall] = []
        self._failures_left = 0
        self._failure_status = 503
        self._down = False
        self._server = LoopbackServer(
            Starlette(routes=[Route("/webhooks/rest/webhook", self._webhook, methods=["POST"])])
        )
        self.url = ""

    def start(self) -> FakeRasa:
        self.url = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeRasa:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def reset(self, responder: Responder = echo) -> None:
        with self._lock:
            self.responder = responder
            self.delays = {}
            self._calls.clear()
            self._failures_left = 0
            self._down = False

    def calls(self, sender: str | None = None) -> list[RasaCall]:
        with self._lock:
            return [call for call in self._calls if sender is None or call.sender == sender]

    def messages(self, sender: str | None = None) -> list[str]:
        return [call.message for call in self.calls(sender)]

    def fail(self, times: int = 1, status: int = 503) -> None:
        with self._lock:
            self._failures_left, self._failure_status = times, status

    def down(self, status: int = 503) -> None:
        with self._lock:
            self._down, self._failure_status = True, status

    def up(self) -> None:
        with self._lock:
            self._down, self._failures_left = False, 0

    async def _webhook(self, request: Request) -> Response:
        body = await request.json()
        sender, message = str(body.get("sender")), str(body.get("message"))
        metadata = dict(body.get("metadata") or {})
        with self._lock:
            failing = self._down or self._failures_left > 0
            if self._failures_left > 0:
                self._failures_left -= 1
            status = self._failure_status
            if not failing:
                self._calls.append(RasaCall(sender, message, metadata))
            delay = self.delays.get(message, 0.0)
            responder = self.responder
        if failing:
            return JSONResponse({"error": "service unavailable"}, status_code=status)
        if delay:
            await asyncio.sleep(delay)
        return JSONResponse(responder(sender, message, metadata))
