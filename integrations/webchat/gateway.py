"""Web chat: ``GET /chat`` (a neutral, self-contained page) and ``POST /api/v1/chat/messages``.

The browser waits for the answer, so messages go straight to Rasa (no inbox): a retried request
with the same ``client_message_id`` gets the stored answer instead of a second turn, and each
session is rate limited. When Rasa is down the answer is the apology with the emergency numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, Field, StringConstraints
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker

from integrations.gateway.catalogue import Catalogue, load_catalogue
from integrations.gateway.identity import Pseudonymizer, sender_secret
from integrations.gateway.keys import GatewayKeys, as_text
from integrations.gateway.options import GatewayOptions
from integrations.gateway.rate_limit import RateDecision, RateLimiter
from integrations.gateway.worker import is_deliverable
from integrations.rasa_client import RasaClient, RasaReply, RasaUnavailable
from lapor_aman.config import Settings

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
SENDER_PREFIX = "web"
STATIC_DIR = Path(__file__).with_name("static")
DEFAULT_EXIT_URL = "https://www.google.com/"
MAX_TEXT_CHARS = 2000
# Answers kept for retried requests; long enough for a flaky mobile connection.
CLIENT_MESSAGE_TTL_SECONDS = 600
_IN_FLIGHT = "in-flight"
# How long a retried request waits for the first one to finish before giving up with 409.
IN_FLIGHT_WAIT_SECONDS = 25.0

# What the page may not hide: it must never reach outside this server.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    # The neutral site we jump to on quick exit must not learn where the user came from.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
}

Token = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")]


class ChatRequest(BaseModel):
    session_id: Token
    client_message_id: Token
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_CHARS)
    ]


class ChatButton(BaseModel):
    title: str
    payload: str


class ChatMessage(BaseModel):
    """One bot message; ``erase_chat`` asks the page to clear the transcript at this point."""

    text: str | None = None
    buttons: list[ChatButton] = Field(default_factory=list)
    erase_chat: bool = False


class ChatResponse(BaseModel):
    messages: list[ChatMessage]


def chat_message(reply: RasaReply) -> ChatMessage:
    return ChatMessage(
        text=reply.text,
        buttons=[ChatButton(title=b.title, payload=b.payload) for b in reply.buttons],
        erase_chat=reply.erases_chat,
    )


def render_page(template: str, exit_url: str, offline_text: str) -> str:
    return template.replace("{{EXIT_URL}}", html.escape(exit_url, quote=True)).replace(
        "{{OFFLINE_TEXT}}", html.escape(offline_text, quote=True)
    )


class WebChatGateway:
    """Web chat channel: ``router`` (page + JSON API), ``start()`` and ``stop()`` (no workers)."""

    def __init__(
        self,
        settings: Settings,
        redis: Redis,
        session_factory: sessionmaker[Session],
        rasa: RasaClient,
        *,
        options: GatewayOptions | None = None,
        catalogue: Catalogue | None = None,
        sender_id_secret: str | bytes | None = None,
        exit_url: str | None = None,
    ) -> None:
        # No inbox here: the browser waits for the answer; session_factory is kept for symmetry.
        self._session_factory = session_factory
        self.settings = settings
        self.redis = redis
        self.rasa = rasa
        self.options = options or GatewayOptions.from_settings(settings)
        self.catalogue = catalogue or load_catalogue()
        self.keys = GatewayKeys(settings.redis_prefix, CHANNEL)
        self.pseudonymizer = Pseudonymizer(sender_secret(settings, sender_id_secret))
        self.rate_limiter = RateLimiter(
            redis,
            self.keys,
            self.options.rate_limit_per_minute,
            self.options.rate_notice_interval_seconds,
        )
        chosen_exit = exit_url or getattr(settings, "webchat_exit_url", None) or DEFAULT_EXIT_URL
        self.page = render_page(
            (STATIC_DIR / "chat.html").read_text(encoding="utf-8"),
            chosen_exit,
            self.catalogue.bilingual("webchat_offline"),
        )
        self.router = APIRouter()
        self.router.add_api_route("/chat", self.chat_page, methods=["GET"], include_in_schema=False)
        self.router.add_api_route(
            "/chat/app.js", self.script, methods=["GET"], include_in_schema=False
        )
        self.router.add_api_route(
            "/chat/app.css", self.stylesheet, methods=["GET"], include_in_schema=False
        )
        self.router.add_api_route(
            "/api/v1/chat/messages",
            self.post_message,
            methods=["POST"],
            response_model=ChatResponse,
            tags=["web chat"],
        )

    async def start(self) -> None:
        """Nothing runs in the background for the web chat."""

    async def stop(self) -> None:
        """Nothing to stop."""

    # --- page ----------------------------------------------------------------------------

    async def chat_page(self) -> Response:
        return Response(self.page, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    async def script(self) -> Response:
        return _static("app.js", "text/javascript; charset=utf-8")

    async def stylesheet(self) -> Response:
        return _static("app.css", "text/css; charset=utf-8")

    # --- API -----------------------------------------------------------------------------

    async def post_message(self, request: ChatRequest) -> ChatResponse:
        sender_key = self.pseudonymizer.sender_key(SENDER_PREFIX, request.session_id)
        answer_key = self.keys.client_message(sender_key, request.client_message_id)
        if not await self._claim(answer_key):
            return await self._earlier_answer(answer_key)
        try:
            response, keep = await self._answer(sender_key, request.text)
        except BaseException:
            await self._forget(answer_key)
            raise
        if keep:
            with contextlib.suppress(RedisError):
                await self.redis.set(
                    answer_key, response.model_dump_json(), ex=CLIENT_MESSAGE_TTL_SECONDS
                )
        else:
            await self._forget(answer_key)
        return response

    async def _answer(self, sender_key: str, text: str) -> tuple[ChatResponse, bool]:
        """The response and whether to keep it for a retried request (not notices: retry may pass)."""
        if await self.rate_limiter.check(sender_key) is not RateDecision.ALLOW:
            return self._notice("rate_limited"), False
        try:
            replies = await self.rasa.send(sender_key, text, {"channel": CHANNEL})
        except RasaUnavailable as error:
            logger.warning(
                "webchat_assistant_unavailable", extra={"sender": sender_key, "error": error.reason}
            )
            return self._notice("assistant_unavailable"), False
        deliverable = [reply for reply in replies if is_deliverable(reply)]
        if not deliverable:
            return self._notice("not_understood"), True
        return ChatResponse(messages=[chat_message(reply) for reply in deliverable]), True

    def _notice(self, key: str) -> ChatResponse:
        return ChatResponse(messages=[ChatMessage(text=self.catalogue.bilingual(key))])

    async def _claim(self, answer_key: str) -> bool:
        try:
            return bool(
                await self.redis.set(answer_key, _IN_FLIGHT, nx=True, ex=CLIENT_MESSAGE_TTL_SECONDS)
            )
        except RedisError:
            return True  # without Redis, answer anyway: a duplicate turn beats silence

    async def _earlier_answer(self, answer_key: str) -> ChatResponse:
        """A retried request: wait for the first one's answer and return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + IN_FLIGHT_WAIT_SECONDS
        while loop.time() < deadline:
            try:
                stored = as_text(await self.redis.get(answer_key))
            except RedisError:
                break
            if stored is None:
                break
            if stored != _IN_FLIGHT:
                return ChatResponse.model_validate_json(stored)
            await asyncio.sleep(0.2)
        raise HTTPException(status_code=409, detail="retry")

    async def _forget(self, answer_key: str) -> None:
        with contextlib.suppress(RedisError):
            await self.redis.delete(answer_key)


def _static(name: str, media_type: str) -> Response:
    return Response((STATIC_DIR / name).read_bytes(), media_type=media_type, headers=PAGE_HEADERS)
