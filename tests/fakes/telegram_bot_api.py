"""A fake Telegram Bot API server speaking the real wire protocol (enough for python-telegram-bot).

``POST/GET /bot<token>/<method>`` for getMe, setWebhook, deleteWebhook, getWebhookInfo,
sendMessage, editMessageReplyMarkup, answerCallbackQuery, deleteMessage, deleteMessages, getFile,
and ``GET /file/bot<token>/<path>`` for downloads. Answers ``{"ok": true, "result": ...}``; a wrong
token gets 401 like Telegram. Every call is recorded. The chat state (which messages exist, which
were deleted) is kept so tests can check "leave no trace".

Builders make real ``Update`` JSON (text, command, callback, photo) and ``send_update`` POSTs it to
a gateway webhook with the secret header, as Telegram does.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import LoopbackServer

DEFAULT_TOKEN = "123456789:TEST-fake-token-for-tests"
BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Catatan",
    "username": "catatan_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Parameters Telegram treats as strings even when they look like JSON ("123", "true").
STRING_PARAMETERS = {"text", "caption", "callback_query_id", "url", "secret_token", "file_id"}
MAX_TEXT_CHARS = 4096
MAX_CALLBACK_DATA_BYTES = 64
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class BotApiCall:
    method: str
    params: dict[str, Any]
    http_method: str


@dataclass
class _Failure:
    times: int
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class _ChatState:
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    next_message_id: int = 1


class FakeTelegramBotAPI:
    def __init__(self, token: str = DEFAULT_TOKEN) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._calls: list[BotApiCall] = []
        self._chats: dict[int, _ChatState] = {}
        self._files: dict[str, tuple[str, bytes]] = {}
        self._failures: dict[str, _Failure] = {}
        self._update_ids = itertools.count(10_000)
        self._callback_ids = itertools.count(1)
        self.webhook: dict[str, Any] = {}
        self._server = LoopbackServer(self._app())
        self.url = ""

    # --- server ----------------------------------------------------------------------------

    def start(self) -> FakeTelegramBotAPI:
        self.url = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeTelegramBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What ``Bot(base_url=...)`` needs: the token is appended by python-telegram-bot."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._chats.clear()
            self._files.clear()
            self._failures.clear()
            self.webhook = {}

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
            ]
        )

    # --- inspection ------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[BotApiCall]:
        with self._lock:
            return [call for call in self._calls if method is None or call.method == method]

    def sent_texts(self, chat_id: int) -> list[str]:
        """Texts the bot sent to a chat, in order (deleted ones included)."""
        return [
            str(call.params.get("text"))
            for call in self.calls("sendMessage")
            if int(call.params.get("chat_id", 0)) == chat_id
        ]

    def message_ids(self, chat_id: int) -> set[int]:
        """Every message that ever existed in the chat (user's and bot's)."""
        with self._lock:
            return set(self._chat(chat_id).messages)

    def visible_message_ids(self, chat_id: int) -> set[int]:
        with self._lock:
            chat = self._chat(chat_id)
            return set(chat.messages) - chat.deleted

    def deleted_message_ids(self, chat_id: int) -> set[int]:
        with self._lock:
            return set(self._chat(chat_id).deleted)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        with self._lock:
            return dict(self._chat(chat_id).messages[message_id])

    def fail(
        self,
        method: str,
        times: int = 1,
        status: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail like Telegram does."""
        with self._lock:
            self._failures[method] = _Failure(times, status, description, retry_after)

    async def send_update(
        self, gateway_url: str, update: Mapping[str, Any], secret: str | None
    ) -> httpx.Response:
        """POST ``update`` to the gateway webhook as Telegram does (see module ``send_update``)."""
        return await send_update(gateway_url, update, secret)

    # --- update builders -------------------------------------------------------------------

    def _new_user_message(self, chat_id: int, extra: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            chat = self._chat(chat_id)
            message = {
                "message_id": chat.next_message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Uji"},
                "from": {
                    "id": chat_id,
                    "is_bot": False,
                    "first_name": "Uji",
                    "language_code": "id",
                },
                **extra,
            }
            chat.messages[chat.next_message_id] = message
            chat.next_message_id += 1
            return message

    def text_update(self, chat_id: int, text: str) -> dict[str, Any]:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        extra: dict[str, Any] = {"text": text}
        if entities:
            extra["entities"] = entities
        return {
            "update_id": next(self._update_ids),
            "message": self._new_user_message(chat_id, extra),
        }

    def photo_update(
        self, chat_id: int, caption: str | None = None, file_size: int = 48_213
    ) -> dict[str, Any]:
        """A photo in two sizes; the file is downloadable through getFile like on Telegram."""
        number = next(self._update_ids)
        sizes: list[dict[str, Any]] = [
            {
                "file_id": f"AgACAgUAAx-small-{number}",
                "file_unique_id": f"AQADs{number}",
                "file_size": 1_204,
                "width": 90,
                "height": 60,
            },
            {
                "file_id": f"AgACAgUAAx-large-{number}",
                "file_unique_id": f"AQADl{number}",
                "file_size": file_size,
                "width": 1280,
                "height": 853,
            },
        ]
        with self._lock:
            for size in sizes:
                self._files[str(size["file_id"])] = (
                    f"photos/file_{number}.jpg",
                    b"\xff\xd8fake-jpeg",
                )
        extra: dict[str, Any] = {"photo": sizes}
        if caption:
            extra["caption"] = caption
        return {"update_id": number, "message": self._new_user_message(chat_id, extra)}

    def voice_update(self, chat_id: int, duration: int = 7) -> dict[str, Any]:
        number = next(self._update_ids)
        voice = {
            "file_id": f"AwACAgUAAx-voice-{number}",
            "file_unique_id": f"AgADv{number}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 20_480,
        }
        return {"update_id": number, "message": self._new_user_message(chat_id, {"voice": voice})}

    def location_update(self, chat_id: int) -> dict[str, Any]:
        location = {"latitude": -6.2000, "longitude": 106.8166}
        return {
            "update_id": next(self._update_ids),
            "message": self._new_user_message(chat_id, {"location": location}),
        }

    def callback_update(
        self, chat_id: int, data: str, message_id: int | None = None
    ) -> dict[str, Any]:
        """The user presses a button of a bot message (the last one with a keyboard by default)."""
        with self._lock:
            chat = self._chat(chat_id)
            if message_id is None:
                with_keyboard = [
                    mid
                    for mid, message in chat.messages.items()
                    if message.get("reply_markup") and mid not in chat.deleted
                ]
                message_id = max(with_keyboard)
            message = dict(chat.messages[message_id])
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": f"cbq-{next(self._callback_ids)}",
                "from": {"id": chat_id, "is_bot": False, "first_name": "Uji"},
                "chat_instance": f"ci-{chat_id}",
                "data": data,
                "message": message,
            },
        }

    # --- Bot API ---------------------------------------------------------------------------

    def _chat(self, chat_id: int) -> _ChatState:
        return self._chats.setdefault(int(chat_id), _ChatState())

    async def _method(self, request: Request) -> Response:
        token, method = request.path_params["token"], request.path_params["method"]
        if token != self.token:
            return _error(401, "Unauthorized")
        params = await _parameters(request)
        with self._lock:
            self._calls.append(BotApiCall(method=method, params=params, http_method=request.method))
            failure = self._failures.get(method)
            if failure is not None and failure.times > 0:
                failure.times -= 1
                return _error(failure.status, failure.description, failure.retry_after)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        try:
            return _ok(handler(params))
        except _BadRequest as error:
            return _error(400, f"Bad Request: {error}")

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        if not params.get("url"):
            raise _BadRequest("bad webhook: URL is empty")
        with self._lock:
            self.webhook = dict(params)
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        with self._lock:
            self.webhook = {}
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        with self._lock:
            info: dict[str, Any] = {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
            if "allowed_updates" in self.webhook:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id, text = params.get("chat_id"), params.get("text")
        if chat_id is None:
            raise _BadRequest("chat not found")
        if not text:
            raise _BadRequest("message text is empty")
        if len(str(text)) > MAX_TEXT_CHARS:
            raise _BadRequest("message is too long")
        markup = params.get("reply_markup")
        _check_keyboard(markup)
        with self._lock:
            chat = self._chat(int(chat_id))
            message: dict[str, Any] = {
                "message_id": chat.next_message_id,
                "date": int(time.time()),
                "chat": {"id": int(chat_id), "type": "private", "first_name": "Uji"},
                "from": BOT_USER,
                "text": str(text),
            }
            if markup:
                message["reply_markup"] = markup
            chat.messages[chat.next_message_id] = message
            chat.next_message_id += 1
            return message

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        with self._lock:
            chat = self._chat(int(chat_id or 0))
            message = chat.messages.get(int(message_id or 0))
            if message is None or int(message_id or 0) in chat.deleted:
                raise _BadRequest("message to edit not found")
            markup = params.get("reply_markup")
            if markup:
                message["reply_markup"] = markup
            else:
                message.pop("reply_markup", None)
            return message

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if not params.get("callback_query_id"):
            raise _BadRequest(
                "query is too old and response timeout expired or query ID is invalid"
            )
        return True

    def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        with self._lock:
            chat = self._chat(int(params.get("chat_id", 0)))
            message_id = int(params.get("message_id", 0))
            if message_id not in chat.messages or message_id in chat.deleted:
                raise _BadRequest("message to delete not found")
            chat.deleted.add(message_id)
        return True

    def _api_deleteMessages(self, params: dict[str, Any]) -> Any:
        message_ids = params.get("message_ids")
        if not isinstance(message_ids, list) or not 1 <= len(message_ids) <= 100:
            raise _BadRequest("message_ids must be a list of 1-100 identifiers")
        with self._lock:
            chat = self._chat(int(params.get("chat_id", 0)))
            # Like Telegram: ids that cannot be found are skipped.
            chat.deleted.update(int(mid) for mid in message_ids if int(mid) in chat.messages)
        return True

    def _api_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id", ""))
        with self._lock:
            found = self._files.get(file_id)
        if found is None:
            raise _BadRequest("invalid file_id")
        path, content = found
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        path = request.path_params["path"]
        with self._lock:
            self._calls.append(
                BotApiCall(method="download", params={"path": path}, http_method="GET")
            )
            content = next((data for name, data in self._files.values() if name == path), None)
        if content is None:
            return _error(404, "Not Found")
        return Response(content, media_type="application/octet-stream")


class _BadRequest(Exception):
    pass


def _check_keyboard(markup: Any) -> None:
    if not markup:
        return
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        raise _BadRequest("can't parse reply keyboard markup JSON object")
    for row in markup["inline_keyboard"]:
        for button in row:
            data = button.get("callback_data")
            if not button.get("text"):
                raise _BadRequest("text buttons are unallowed in the inline keyboard")
            if (
                data is not None
                and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
            ):
                raise _BadRequest("BUTTON_DATA_INVALID")


async def _parameters(request: Request) -> dict[str, Any]:
    """Query string, JSON or form body (python-telegram-bot posts JSON-encoded form fields)."""
    raw: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if body and "application/json" in content_type:
        raw.update(json.loads(body))
        return raw
    if body and "application/x-www-form-urlencoded" in content_type:
        raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return {key: _decode(key, value) for key, value in raw.items()}


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in STRING_PARAMETERS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(status: int, description: str, retry_after: int | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return JSONResponse(body, status_code=status)


async def send_update(
    gateway_url: str,
    update: Mapping[str, Any],
    secret: str | None,
    path: str = "/telegram/webhook",
    client: httpx.AsyncClient | None = None,
) -> httpx.Response:
    """POST an Update to a gateway webhook the way Telegram does (JSON + secret header)."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    body = json.dumps(update).encode("utf-8")
    if client is not None:
        return await client.post(gateway_url.rstrip("/") + path, content=body, headers=headers)
    async with httpx.AsyncClient(timeout=10.0) as own_client:
        return await own_client.post(gateway_url.rstrip("/") + path, content=body, headers=headers)
