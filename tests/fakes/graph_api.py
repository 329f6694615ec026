"""A fake WhatsApp Cloud API (Graph API) server, plus webhook builders signed like Meta.

``POST /{version}/{phone_number_id}/messages`` checks the Bearer token and the body shape
(text, interactive button/list, read receipts, with WhatsApp's length limits) and answers like
Meta: ``{"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid..."}]}``.
Errors use Graph's ``{"error": {"message", "type", "code"}}`` shape. Every call is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import LoopbackServer

DEFAULT_ACCESS_TOKEN = "EAATESTfakeAccessToken"
DEFAULT_PHONE_NUMBER_ID = "100000000000001"
DEFAULT_VERSION = "v21.0"
SIGNATURE_HEADER = "X-Hub-Signature-256"


@dataclass(frozen=True)
class GraphCall:
    version: str
    phone_number_id: str
    body: dict[str, Any]
    status: int


class _Invalid(Exception):
    def __init__(self, details: str, code: int = 100) -> None:
        super().__init__(details)
        self.details = details
        self.code = code


class FakeGraphAPI:
    def __init__(
        self,
        access_token: str = DEFAULT_ACCESS_TOKEN,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        version: str = DEFAULT_VERSION,
    ) -> None:
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.version = version
        self._lock = threading.Lock()
        self._calls: list[GraphCall] = []
        self._failures: list[tuple[int, dict[str, Any]]] = []
        self._message_numbers = itertools.count(1)
        self._server = LoopbackServer(
            Starlette(
                routes=[
                    Route("/{version}/{phone_number_id}/messages", self._messages, methods=["POST"])
                ]
            )
        )
        self.url = ""

    def start(self) -> FakeGraphAPI:
        self.url = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeGraphAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def graph_base_url(self) -> str:
        """What ``whatsapp_graph_base_url`` should be set to."""
        return f"{self.url}/{self.version}"

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._failures.clear()

    def calls(self) -> list[GraphCall]:
        with self._lock:
            return list(self._calls)

    def sent(self, to: str | None = None) -> list[dict[str, Any]]:
        """Accepted outgoing messages (not read receipts), optionally for one recipient."""
        return [
            call.body
            for call in self.calls()
            if call.status == 200
            and call.body.get("status") != "read"
            and (to is None or call.body.get("to") == to)
        ]

    def read_receipts(self) -> list[str]:
        return [
            str(call.body.get("message_id"))
            for call in self.calls()
            if call.body.get("status") == "read"
        ]

    def fail(
        self, times: int = 1, status: int = 500, code: int = 1, message: str = "Unknown error"
    ) -> None:
        """Make the next ``times`` sends fail with a Graph error."""
        error = {"error": {"message": message, "type": "OAuthException", "code": code}}
        with self._lock:
            self._failures.extend([(status, error)] * times)

    async def send_webhook(
        self, gateway_url: str, payload: Mapping[str, Any], app_secret: str | None
    ) -> httpx.Response:
        """POST ``payload`` to the gateway webhook signed like Meta (see module ``send_webhook``)."""
        return await send_webhook(gateway_url, payload, app_secret)

    # --- API -------------------------------------------------------------------------------

    async def _messages(self, request: Request) -> Response:
        version, phone_number_id = (
            request.path_params["version"],
            request.path_params["phone_number_id"],
        )
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = {}
        status, answer = self._answer(
            request.headers.get("authorization", ""), phone_number_id, body
        )
        with self._lock:
            self._calls.append(
                GraphCall(version, phone_number_id, body if isinstance(body, dict) else {}, status)
            )
        return JSONResponse(answer, status_code=status)

    def _answer(
        self, authorization: str, phone_number_id: str, body: Any
    ) -> tuple[int, dict[str, Any]]:
        if authorization != f"Bearer {self.access_token}":
            return 401, _graph_error(190, "Invalid OAuth access token - Cannot parse access token")
        if phone_number_id != self.phone_number_id:
            return 400, _graph_error(100, "Unsupported post request. Object does not exist")
        with self._lock:
            if self._failures:
                return self._failures.pop(0)
        try:
            validate_message(body)
        except _Invalid as error:
            return 400, _graph_error(error.code, "(#100) Invalid parameter", error.details)
        if body.get("status") == "read":
            return 200, {"success": True}
        to = str(body["to"])
        wamid = f"wamid.FAKE{next(self._message_numbers):06d}{secrets.token_hex(4)}"
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }


def _graph_error(code: int, message: str, details: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AfakeTrace",
    }
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


def validate_message(body: Any) -> None:
    """The checks Graph applies that matter to us; raises _Invalid with Graph's wording."""
    if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
        raise _Invalid("The parameter messaging_product is required.")
    if body.get("status") == "read":
        if not body.get("message_id"):
            raise _Invalid("The parameter message_id is required.")
        return
    if not body.get("to"):
        raise _Invalid("The parameter to is required.")
    kind = body.get("type", "text")
    if kind == "text":
        text = (body.get("text") or {}).get("body")
        if not text or len(text) > 4096:
            raise _Invalid("Param text['body'] must be 1-4096 characters")
    elif kind == "interactive":
        _validate_interactive(body.get("interactive") or {})
    else:
        raise _Invalid(f"Unsupported message type {kind} in this fake")


def _validate_interactive(interactive: Mapping[str, Any]) -> None:
    text = (interactive.get("body") or {}).get("text")
    if not text or len(text) > 1024:
        raise _Invalid("Param interactive['body']['text'] must be 1-1024 characters", 131009)
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        buttons = action.get("buttons") or []
        if not 1 <= len(buttons) <= 3:
            raise _Invalid("Param interactive['action']['buttons'] must have 1-3 buttons", 131009)
        titles = [button["reply"]["title"] for button in buttons]
        ids = [button["reply"]["id"] for button in buttons]
        _check_lengths(titles, 20, "button title")
        _check_lengths(ids, 256, "button id", unit="bytes")
        if len(set(titles)) != len(titles) or len(set(ids)) != len(ids):
            raise _Invalid("Button titles and ids must be unique", 131009)
    elif interactive.get("type") == "list":
        label = action.get("button") or ""
        _check_lengths([label], 20, "list button")
        rows = [
            row for section in action.get("sections") or [] for row in section.get("rows") or []
        ]
        if not 1 <= len(rows) <= 10:
            raise _Invalid("Total row count exceed max allowed count: 10", 131009)
        _check_lengths([row["title"] for row in rows], 24, "row title")
        _check_lengths([row.get("description", "x") for row in rows], 72, "row description")
        _check_lengths([row["id"] for row in rows], 200, "row id", unit="bytes")
    else:
        raise _Invalid("Unsupported interactive type", 131009)


def _check_lengths(values: Sequence[str], limit: int, name: str, unit: str = "chars") -> None:
    for value in values:
        size = len(value.encode("utf-8")) if unit == "bytes" else len(value)
        if not 1 <= size <= limit:
            raise _Invalid(f"{name} must be 1-{limit} {unit}", 131009)


# --- webhook builders (what Meta POSTs to the gateway) ---------------------------------------

_wamid_numbers = itertools.count(1)


def new_wamid() -> str:
    return f"wamid.HBgLNjI4MTIwMDAwMDAxFQIAEhgg{next(_wamid_numbers):08d}{secrets.token_hex(6).upper()}"


def _message(
    wa_id: str, message_type: str, content: Mapping[str, Any], timestamp: int | None = None
) -> dict[str, Any]:
    return {
        "from": wa_id,
        "id": new_wamid(),
        "timestamp": str(timestamp if timestamp is not None else int(time.time())),
        "type": message_type,
        **content,
    }


def text_message(wa_id: str, body: str, timestamp: int | None = None) -> dict[str, Any]:
    return _message(wa_id, "text", {"text": {"body": body}}, timestamp)


def button_reply(wa_id: str, reply_id: str, title: str) -> dict[str, Any]:
    interactive = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    return _message(
        wa_id,
        "interactive",
        {"context": {"from": "6281200000000", "id": new_wamid()}, "interactive": interactive},
    )


def list_reply(wa_id: str, reply_id: str, title: str) -> dict[str, Any]:
    interactive = {
        "type": "list_reply",
        "list_reply": {"id": reply_id, "title": title, "description": ""},
    }
    return _message(wa_id, "interactive", {"interactive": interactive})


def image_message(wa_id: str, caption: str | None = None) -> dict[str, Any]:
    image: dict[str, Any] = {
        "id": f"1{secrets.randbelow(10**14):014d}",
        "mime_type": "image/jpeg",
        "sha256": secrets.token_hex(32),
    }
    if caption:
        image["caption"] = caption
    return _message(wa_id, "image", {"image": image})


def voice_message(wa_id: str) -> dict[str, Any]:
    audio = {
        "id": f"2{secrets.randbelow(10**14):014d}",
        "mime_type": "audio/ogg; codecs=opus",
        "voice": True,
    }
    return _message(wa_id, "audio", {"audio": audio})


def document_message(wa_id: str) -> dict[str, Any]:
    document = {
        "id": f"3{secrets.randbelow(10**14):014d}",
        "mime_type": "application/pdf",
        "filename": "surat.pdf",
    }
    return _message(wa_id, "document", {"document": document})


def location_message(wa_id: str) -> dict[str, Any]:
    return _message(wa_id, "location", {"location": {"latitude": -6.2, "longitude": 106.8166}})


def status_update(wa_id: str, status: str = "delivered") -> dict[str, Any]:
    return {
        "id": new_wamid(),
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
        "conversation": {"id": secrets.token_hex(16), "origin": {"type": "service"}},
        "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"},
    }


def webhook_payload(
    messages: Sequence[Mapping[str, Any]] = (),
    statuses: Sequence[Mapping[str, Any]] = (),
    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
) -> dict[str, Any]:
    """The envelope Meta sends: entry[].changes[].value with messages[] and/or statuses[]."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281200000000", "phone_number_id": phone_number_id},
    }
    if messages:
        value["contacts"] = [
            {"profile": {"name": "Uji"}, "wa_id": wa_id}
            for wa_id in sorted({str(m["from"]) for m in messages})
        ]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "200000000000002", "changes": [{"value": value, "field": "messages"}]}],
    }


def sign(raw_body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


async def send_webhook(
    gateway_url: str,
    payload: Mapping[str, Any],
    app_secret: str | None,
    path: str = "/whatsapp/webhook",
    client: httpx.AsyncClient | None = None,
) -> httpx.Response:
    """POST a webhook notification signed like Meta (X-Hub-Signature-256 over the raw body)."""
    raw_body = json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if app_secret is not None:
        headers[SIGNATURE_HEADER] = sign(raw_body, app_secret)
    url = gateway_url.rstrip("/") + path
    if client is not None:
        return await client.post(url, content=raw_body, headers=headers)
    async with httpx.AsyncClient(timeout=10.0) as own_client:
        return await own_client.post(url, content=raw_body, headers=headers)
