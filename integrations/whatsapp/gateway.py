"""WhatsApp Cloud API gateway: verified webhook, the shared inbox, Graph API sends.

WhatsApp lets a business reply freely only within 24 hours of the user's last message; outside
that window only paid, pre-approved templates may be sent, and this gateway never sends them:
a reply that would fall outside the window is dropped (and logged), never sent unsolicited.
WhatsApp cannot delete messages on the user's phone, so ``erase_chat`` sends instructions instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker

from integrations.gateway.catalogue import Catalogue
from integrations.gateway.channel import GatewayCore
from integrations.gateway.intake import Inbound, InboundKind
from integrations.gateway.keys import as_text
from integrations.gateway.logs import quiet_third_party_loggers
from integrations.gateway.options import GatewayOptions
from integrations.gateway.worker import DeliveryRetryable
from integrations.rasa_client import RasaButton, RasaClient, RasaReply
from integrations.whatsapp.inbound import WhatsAppDraft, translate_webhook
from integrations.whatsapp.outbound import (
    BUTTON_ID_BYTES,
    MAX_BUTTONS,
    MAX_INTERACTIVE_BODY_CHARS,
    MAX_LIST_ROWS,
    ROW_ID_BYTES,
    SERVICE_WINDOW,
    Choice,
    buttons_body,
    list_body,
    numbered_text,
    read_receipt_body,
    service_window_open,
    split_text,
    text_body,
)
from lapor_aman.config import Settings
from lapor_aman.storage.inbox import InboxItem, utcnow

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
SENDER_PREFIX = "wa"
WEBHOOK_PATH = "/whatsapp/webhook"
SIGNATURE_HEADER = "X-Hub-Signature-256"
# Graph API error codes that no retry can fix: outside the 24 h window, undeliverable, blocked.
PERMANENT_ERROR_CODES = {131047, 131026, 131051, 131052, 131021, 100}
# Rate limited, or a token being rotated: worth another try (5xx too).
RETRYABLE_STATUSES = {401, 408, 429}
NUMBERED_OPTIONS_TTL_SECONDS = int(SERVICE_WINDOW.total_seconds())


def signature_matches(app_secret: str, raw_body: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256(app secret, raw body), hex."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(
        header.removeprefix("sha256=").encode("ascii", "replace"), expected.encode("ascii")
    )


class WhatsAppGateway:
    """WhatsApp channel: ``router`` (GET/POST /whatsapp/webhook), ``start()``, ``stop()``."""

    def __init__(
        self,
        settings: Settings,
        redis: Redis,
        session_factory: sessionmaker[Session],
        rasa: RasaClient,
        *,
        http: httpx.AsyncClient | None = None,
        options: GatewayOptions | None = None,
        catalogue: Catalogue | None = None,
        sender_id_secret: str | bytes | None = None,
    ) -> None:
        self.core = GatewayCore(
            CHANNEL, settings, redis, session_factory, rasa, options, catalogue, sender_id_secret
        )
        self.settings = settings
        self.redis = redis
        self._http = http
        self._owns_http = http is None
        self.router = APIRouter()
        self.router.add_api_route(
            WEBHOOK_PATH, self.verify, methods=["GET"], include_in_schema=False
        )
        self.router.add_api_route(
            WEBHOOK_PATH, self.webhook, methods=["POST"], include_in_schema=False
        )

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        quiet_third_party_loggers()
        if not self.settings.whatsapp_phone_number_id:
            logger.warning("whatsapp_not_configured")
            return
        await self.core.start_worker(self)

    async def stop(self) -> None:
        await self.core.stop_worker()
        if self._http is not None and self._owns_http:
            await self._http.aclose()
            self._http = None

    def _graph(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0))
        return self._http

    # --- webhook -------------------------------------------------------------------------

    async def verify(self, request: Request) -> Response:
        """Meta's subscription check: echo hub.challenge when hub.verify_token is ours."""
        params = request.query_params
        expected = self.settings.whatsapp_verify_token.get_secret_value()
        provided = params.get("hub.verify_token", "")
        if (
            params.get("hub.mode") == "subscribe"
            and expected
            and hmac.compare_digest(provided.encode("utf-8"), expected.encode("utf-8"))
        ):
            return PlainTextResponse(params.get("hub.challenge", ""))
        return Response(status_code=403)

    async def webhook(self, request: Request) -> Response:
        raw_body = await request.body()
        app_secret = self.settings.whatsapp_app_secret.get_secret_value()
        if not signature_matches(app_secret, raw_body, request.headers.get(SIGNATURE_HEADER)):
            return Response(status_code=403)
        try:
            payload = json.loads(raw_body)
        except ValueError:
            return Response(status_code=400)
        if not isinstance(payload, dict):
            return Response(status_code=400)
        try:
            drafts = translate_webhook(payload, self.settings.whatsapp_phone_number_id)
        except Exception as error:
            # Retrying cannot help with a notification we cannot read.
            logger.error("whatsapp_payload_untranslatable", extra={"error": type(error).__name__})
            return Response(status_code=200)
        try:
            for draft in drafts:
                await self.core.intake.accept(await self._inbound(draft))
        except Exception as error:
            # Not stored: a non-2xx answer makes Meta deliver the notification again.
            logger.error("whatsapp_intake_failed", extra={"error": type(error).__name__})
            return Response(status_code=503)
        return Response(status_code=200)

    async def _inbound(self, draft: WhatsAppDraft) -> Inbound:
        sender_key = self.core.pseudonymizer.sender_key(SENDER_PREFIX, draft.wa_id)
        kind, text = draft.kind, draft.text
        if draft.button_id is not None:
            text = await self._resolve(draft.button_id)
            kind = InboundKind.BUTTON if text is not None else InboundKind.BUTTON_EXPIRED
        elif kind is InboundKind.TEXT and text is not None:
            chosen = await self._numbered_choice(sender_key, text)
            if chosen is not None:
                kind, text = InboundKind.BUTTON, chosen
        await self._remember_inbound(sender_key, draft.sent_at)
        return Inbound(
            platform_message_id=draft.platform_message_id,
            sender_key=sender_key,
            kind=kind,
            text=text,
            routing={"to": draft.wa_id, "message_id": draft.message_id},
            sent_at=draft.sent_at,
            media=draft.media,
        )

    async def _resolve(self, button_id: str) -> str | None:
        try:
            return await self.core.payloads.resolve(button_id)
        except RedisError:
            return None

    async def _numbered_choice(self, sender_key: str, text: str) -> str | None:
        """ "2" answers the last numbered list we sent (more than 10 choices)."""
        answer = text.strip().rstrip(".")
        if not answer.isdigit():
            return None
        try:
            stored = as_text(await self.redis.get(self.core.keys.numbered_options(sender_key)))
        except RedisError:
            return None
        payloads = json.loads(stored) if stored else []
        number = int(answer)
        return str(payloads[number - 1]) if 1 <= number <= len(payloads) else None

    async def _remember_inbound(self, sender_key: str, sent_at: datetime) -> None:
        with contextlib.suppress(RedisError):
            await self.redis.set(
                self.core.keys.last_inbound(sender_key),
                str(sent_at.timestamp()),
                ex=NUMBERED_OPTIONS_TTL_SECONDS + 3600,
            )

    # --- worker side (ChannelAdapter) ----------------------------------------------------

    async def before_forward(self, item: InboxItem) -> None:
        """Blue ticks: the user sees we received it (one cheap call, failures ignored)."""
        message_id = item.routing.get("message_id")
        if message_id:
            with contextlib.suppress(DeliveryRetryable, httpx.HTTPError):
                await self._post(item, read_receipt_body(str(message_id)))

    async def deliver(self, item: InboxItem, reply: RasaReply) -> None:
        if not await self._window_open(item):
            logger.warning("whatsapp_outside_service_window", extra={"sender": item.sender_key})
            return
        if reply.erases_chat:
            await self._forget_numbered_options(item)
            await self._send_text(
                item, self.core.catalogue.bilingual("whatsapp_erase_instructions")
            )
            return
        text = reply.text or self.core.catalogue.bilingual("choose_option")
        if not reply.buttons:
            await self._forget_numbered_options(item)
            await self._send_text(item, text)
            return
        await self._send_choices(item, text, reply.buttons)

    async def send_notice(self, item: InboxItem, text: str) -> None:
        if await self._window_open(item):
            await self._send_text(item, text)

    async def _send_choices(
        self, item: InboxItem, text: str, buttons: Sequence[RasaButton]
    ) -> None:
        to = item.routing["to"]
        if len(buttons) > MAX_LIST_ROWS:
            await self._remember_numbered_options(item, [button.payload for button in buttons])
            hint = self.core.catalogue.bilingual("reply_with_number")
            await self._send_text(item, numbered_text(text, [b.title for b in buttons], hint))
            return
        await self._forget_numbered_options(item)
        if len(text) > MAX_INTERACTIVE_BODY_CHARS:
            await self._send_text(item, text)
            text = self.core.catalogue.bilingual("choose_option")
        id_limit = BUTTON_ID_BYTES if len(buttons) <= MAX_BUTTONS else ROW_ID_BYTES
        choices = [
            Choice(
                reply_id=await self.core.payloads.shorten(button.payload, id_limit),
                title=button.title,
            )
            for button in buttons
        ]
        if len(choices) <= MAX_BUTTONS:
            await self._post(item, buttons_body(to, text, choices))
        else:
            label = self.core.catalogue.label("whatsapp_list_button")
            await self._post(item, list_body(to, text, label, choices))

    async def _send_text(self, item: InboxItem, text: str) -> None:
        for chunk in split_text(text):
            await self._post(item, text_body(item.routing["to"], chunk))

    async def _post(self, item: InboxItem, body: dict[str, Any]) -> None:
        """POST /{phone_number_id}/messages; transient failures raise DeliveryRetryable."""
        base_url = self.settings.whatsapp_graph_base_url.rstrip("/")
        url = f"{base_url}/{self.settings.whatsapp_phone_number_id}/messages"
        token = self.settings.whatsapp_access_token.get_secret_value()
        try:
            response = await self._graph().post(
                url, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as error:
            raise DeliveryRetryable(f"whatsapp_{type(error).__name__}") from error
        if response.status_code < 300:
            return
        if response.status_code in RETRYABLE_STATUSES or response.status_code >= 500:
            raise DeliveryRetryable(f"whatsapp_http_{response.status_code}")
        code = _graph_error_code(response)
        # Anything else (e.g. 131047, outside the window) will not succeed on retry: log and drop.
        logger.warning(
            "whatsapp_send_rejected",
            extra={
                "sender": item.sender_key,
                "status": response.status_code,
                "graph_code": code,
                "known_permanent": code in PERMANENT_ERROR_CODES,
            },
        )

    async def _window_open(self, item: InboxItem) -> bool:
        last_inbound = item.sent_at
        with contextlib.suppress(RedisError, ValueError, TypeError):
            stored = as_text(await self.redis.get(self.core.keys.last_inbound(item.sender_key)))
            if stored:
                last_inbound = max(last_inbound, datetime.fromtimestamp(float(stored), UTC))
        return service_window_open(last_inbound, utcnow())

    async def _remember_numbered_options(self, item: InboxItem, payloads: list[str]) -> None:
        with contextlib.suppress(RedisError):
            await self.redis.set(
                self.core.keys.numbered_options(item.sender_key),
                json.dumps(payloads),
                ex=NUMBERED_OPTIONS_TTL_SECONDS,
            )

    async def _forget_numbered_options(self, item: InboxItem) -> None:
        """Any later bot message makes an old numbered list stale ("2" then means two)."""
        with contextlib.suppress(RedisError):
            await self.redis.delete(self.core.keys.numbered_options(item.sender_key))


def _graph_error_code(response: httpx.Response) -> int | None:
    try:
        error = response.json().get("error") or {}
        return int(error["code"]) if "code" in error else None
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
