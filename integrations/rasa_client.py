"""Client for the Rasa REST channel (``POST /webhooks/rest/webhook``).

The gateways talk to the assistant only through this module. Connection errors and 5xx answers are
retried with exponential backoff; if Rasa is still unreachable :class:`RasaUnavailable` is raised
and the gateway answers the user with an apology and the emergency numbers (never silence).
A read timeout is not retried here: Rasa may already have handled the message, and the gateway's
inbox retries it later anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

logger = logging.getLogger(__name__)

REST_WEBHOOK_PATH = "/webhooks/rest/webhook"


class RasaUnavailable(Exception):
    """Rasa did not answer usably after all retries; ``reason`` is a short code for logs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RasaButton:
    title: str
    payload: str


@dataclass(frozen=True)
class RasaReply:
    """One bot message as the REST channel returns it."""

    text: str | None = None
    buttons: tuple[RasaButton, ...] = ()
    custom: Mapping[str, Any] | None = None
    image: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The shape stored in the inbox outbox (same keys as Rasa's)."""
        data: dict[str, Any] = {}
        if self.text is not None:
            data["text"] = self.text
        if self.buttons:
            data["buttons"] = [{"title": b.title, "payload": b.payload} for b in self.buttons]
        if self.custom is not None:
            data["custom"] = dict(self.custom)
        if self.image is not None:
            data["image"] = self.image
        return data

    @property
    def erases_chat(self) -> bool:
        return bool(self.custom and self.custom.get("erase_chat") is True)


def parse_reply(data: Mapping[str, Any]) -> RasaReply:
    """Build a reply from one element of Rasa's answer, ignoring what we do not understand."""
    buttons = tuple(
        RasaButton(title=str(button.get("title", "")), payload=str(button.get("payload", "")))
        for button in data.get("buttons") or []
        if isinstance(button, Mapping) and button.get("payload")
    )
    text = data.get("text")
    custom = data.get("custom")
    image = data.get("image")
    return RasaReply(
        text=str(text) if text is not None else None,
        buttons=buttons,
        custom=dict(custom) if isinstance(custom, Mapping) else None,
        image=str(image) if image else None,
    )


def parse_replies(body: Any) -> list[RasaReply]:
    if not isinstance(body, list):
        raise RasaUnavailable("rasa_bad_body")
    return [parse_reply(item) for item in body if isinstance(item, Mapping)]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 4.0

    def delay(self, attempt: int) -> float:
        """Pause before retry number ``attempt`` (1-based)."""
        return min(self.backoff_seconds * 2 ** (attempt - 1), self.max_backoff_seconds)


@dataclass
class RasaClient:
    """Async client for the Rasa REST channel; one instance is shared by all gateways."""

    base_url: str
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(20.0, connect=3.0))
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    transport: httpx.AsyncBaseTransport | None = None
    _client: httpx.AsyncClient | None = field(default=None, init=False, repr=False)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.base_url.rstrip("/"), timeout=self.timeout, transport=self.transport
            )
        return self._client

    async def send(
        self, sender_id: str, message: str, metadata: Mapping[str, Any] | None = None
    ) -> list[RasaReply]:
        """Forward one user message; return the bot's replies (possibly empty)."""
        body = {"sender": sender_id, "message": message, "metadata": dict(metadata or {})}
        last_reason = "rasa_unreachable"
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = await self._http().post(REST_WEBHOOK_PATH, json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as error:
                last_reason = f"rasa_{type(error).__name__}"
            except httpx.TimeoutException as error:
                raise RasaUnavailable(f"rasa_{type(error).__name__}") from error
            except httpx.HTTPError as error:
                raise RasaUnavailable(f"rasa_{type(error).__name__}") from error
            else:
                if response.status_code < 300:
                    return parse_replies(_json_or_none(response))
                if response.status_code < 500:
                    raise RasaUnavailable(f"rasa_http_{response.status_code}")
                last_reason = f"rasa_http_{response.status_code}"
            logger.warning(
                "rasa_retry", extra={"attempt": attempt, "reason": last_reason, "sender": sender_id}
            )
            if attempt < self.retry.attempts:
                await asyncio.sleep(self.retry.delay(attempt))
        raise RasaUnavailable(last_reason)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
