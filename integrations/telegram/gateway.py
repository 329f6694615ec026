"""Telegram gateway: our own webhook (python-telegram-bot for the wire format), the shared inbox.

PTB's bundled webhook server answers 200 before the update is handled and ``drop_pending_updates``
throws away what arrived while we were down; neither is acceptable here, so the webhook is a
FastAPI route that stores the update durably first (see integrations/gateway/intake.py), and
the webhook is registered without dropping pending updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, Message, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from integrations.gateway.catalogue import Catalogue
from integrations.gateway.channel import GatewayCore
from integrations.gateway.intake import Inbound, InboundKind
from integrations.gateway.logs import quiet_third_party_loggers
from integrations.gateway.options import GatewayOptions
from integrations.gateway.worker import DeliveryRetryable
from integrations.rasa_client import RasaClient, RasaReply
from integrations.telegram.inbound import TelegramDraft, load_commands, translate_update
from integrations.telegram.outbound import ChatTrace, batches, inline_keyboard, split_text
from lapor_aman.config import Settings
from lapor_aman.storage.inbox import InboxItem

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
SENDER_PREFIX = "tg"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query")
WEBHOOK_RETRY_MAX_SECONDS = 300.0

T = TypeVar("T")


class TelegramGateway:
    """Telegram channel: ``router`` (POST /telegram/webhook), ``start()``, ``stop()``."""

    def __init__(
        self,
        settings: Settings,
        redis: Redis,
        session_factory: sessionmaker[Session],
        rasa: RasaClient,
        *,
        bot: Bot | None = None,
        options: GatewayOptions | None = None,
        catalogue: Catalogue | None = None,
        sender_id_secret: str | bytes | None = None,
    ) -> None:
        self.core = GatewayCore(
            CHANNEL, settings, redis, session_factory, rasa, options, catalogue, sender_id_secret
        )
        self.settings = settings
        token = settings.telegram_bot_token.get_secret_value()
        self.bot: Bot | None = bot or (
            Bot(
                token,
                base_url=settings.telegram_api_base_url,
                base_file_url=settings.telegram_api_file_url,
            )
            if token
            else None
        )
        self.commands = load_commands()
        self.trace = ChatTrace(redis, self.core.keys)
        self._register_task: asyncio.Task[None] | None = None
        self.router = APIRouter()
        self.router.add_api_route(
            WEBHOOK_PATH, self.webhook, methods=["POST"], include_in_schema=False
        )

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        quiet_third_party_loggers()
        if self.bot is None:
            logger.warning("telegram_not_configured")
            return
        try:
            await self.bot.initialize()
        except TelegramError as error:
            # Never log the error text: PTB puts the token in it.
            logger.error("telegram_unreachable_at_start", extra={"error": type(error).__name__})
        if self.settings.public_base_url:
            self._register_task = asyncio.create_task(self._register_webhook())
        await self.core.start_worker(self)

    async def stop(self) -> None:
        if self._register_task is not None:
            self._register_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._register_task
            self._register_task = None
        await self.core.stop_worker()
        if self.bot is not None:
            with contextlib.suppress(TelegramError):
                await self.bot.shutdown()

    async def _register_webhook(self) -> None:
        """setWebhook with our secret, keeping what Telegram queued while we were away."""
        secret = self.settings.telegram_webhook_secret.get_secret_value()
        if not secret or self.bot is None:
            logger.error("telegram_webhook_secret_missing")
            return
        url = self.settings.public_base_url.rstrip("/") + WEBHOOK_PATH
        delay = 2.0
        while True:
            try:
                await self.bot.set_webhook(
                    url,
                    secret_token=secret,
                    allowed_updates=list(ALLOWED_UPDATES),
                    drop_pending_updates=False,
                )
                logger.info("telegram_webhook_registered")
                return
            except TelegramError as error:
                logger.warning("telegram_webhook_failed", extra={"error": type(error).__name__})
            await asyncio.sleep(delay)
            delay = min(delay * 2, WEBHOOK_RETRY_MAX_SECONDS)

    # --- webhook -------------------------------------------------------------------------

    def secret_matches(self, provided: str | None) -> bool:
        expected = self.settings.telegram_webhook_secret.get_secret_value()
        if not expected or provided is None:
            return False
        return hmac.compare_digest(provided.encode("utf-8"), expected.encode("utf-8"))

    async def webhook(self, request: Request) -> Response:
        if not self.secret_matches(request.headers.get(SECRET_HEADER)):
            return Response(status_code=403)
        try:
            data = json.loads(await request.body())
            update = Update.de_json(data, self.bot)
        except Exception:
            logger.warning("telegram_update_unreadable")
            return Response(status_code=400)
        try:
            drafts = translate_update(update, self.commands)
        except Exception as error:
            # Retrying cannot help with an update we cannot read; refusing it would stall the queue.
            logger.error(
                "telegram_update_untranslatable",
                extra={"update_id": update.update_id, "error": type(error).__name__},
            )
            return Response(status_code=200)
        try:
            for draft in drafts:
                await self.core.intake.accept(await self._inbound(draft))
        except Exception as error:
            # Not stored: a non-2xx answer makes Telegram deliver the update again.
            logger.error(
                "telegram_intake_failed",
                extra={"update_id": update.update_id, "error": type(error).__name__},
            )
            return Response(status_code=503)
        return Response(status_code=200)

    async def _inbound(self, draft: TelegramDraft) -> Inbound:
        sender_key = self.core.pseudonymizer.sender_key(SENDER_PREFIX, str(draft.chat_id))
        kind, text = draft.kind, draft.text
        if draft.button_data is not None:
            text = await self._resolve_button(draft.button_data)
            kind = InboundKind.BUTTON if text is not None else InboundKind.BUTTON_EXPIRED
        with contextlib.suppress(RedisError):
            await self.trace.add(sender_key, draft.user_message_ids)
        return Inbound(
            platform_message_id=draft.platform_message_id,
            sender_key=sender_key,
            kind=kind,
            text=text,
            routing=draft.routing,
            sent_at=draft.sent_at,
            media=draft.media,
        )

    async def _resolve_button(self, data: str) -> str | None:
        try:
            return await self.core.payloads.resolve(data)
        except RedisError:
            return None

    # --- worker side (ChannelAdapter) ----------------------------------------------------

    async def before_forward(self, item: InboxItem) -> None:
        """A pressed button: stop the spinner and remove the keyboard so it is not pressed twice."""
        bot, routing = self._bot(), item.routing
        if "callback_query_id" in routing:
            with contextlib.suppress(TelegramError):
                await bot.answer_callback_query(routing["callback_query_id"])
        if "callback_message_id" in routing:
            with contextlib.suppress(TelegramError):
                await bot.edit_message_reply_markup(
                    chat_id=routing["chat_id"], message_id=routing["callback_message_id"]
                )

    async def deliver(self, item: InboxItem, reply: RasaReply) -> None:
        if reply.erases_chat:
            await self._erase_chat(item)
            return
        text = reply.text or (
            self.core.catalogue.bilingual("choose_option") if reply.buttons else None
        )
        if not text:
            return
        chunks = split_text(text)
        markup = await inline_keyboard(reply.buttons, self.core.payloads) if reply.buttons else None
        for number, chunk in enumerate(chunks, start=1):
            await self._send(item, chunk, markup if number == len(chunks) else None)

    async def send_notice(self, item: InboxItem, text: str) -> None:
        for chunk in split_text(text):
            await self._send(item, chunk, None)

    async def _send(self, item: InboxItem, text: str, markup: Any) -> None:
        message: Message | None = await self._call(
            item,
            self._bot().send_message(
                chat_id=item.routing["chat_id"],
                text=text,
                reply_markup=markup,
                # Keeps the chat from being forwarded or saved by whoever picks up the phone.
                protect_content=True,
            ),
        )
        if message is not None:
            with contextlib.suppress(RedisError):
                await self.trace.add(item.sender_key, [message.message_id])

    async def _erase_chat(self, item: InboxItem) -> None:
        """Leave no trace: delete every message of this chat we still can (48 h rule)."""
        message_ids = await self.trace.take(item.sender_key)
        chat_id = item.routing["chat_id"]
        deleted = 0
        for number, batch in enumerate(batches(message_ids)):
            try:
                await self._bot().delete_messages(chat_id=chat_id, message_ids=batch)
                deleted += len(batch)
            except BadRequest:
                deleted += await self._delete_one_by_one(chat_id, batch)
            except (NetworkError, RetryAfter) as error:
                # Put back what is left so the retry erases it.
                await self.trace.add(item.sender_key, _flatten(list(batches(message_ids))[number:]))
                raise DeliveryRetryable(f"telegram_{type(error).__name__}") from error
        logger.info("telegram_chat_erased", extra={"sender": item.sender_key, "messages": deleted})

    async def _delete_one_by_one(self, chat_id: int, message_ids: Sequence[int]) -> int:
        deleted = 0
        for message_id in message_ids:
            with contextlib.suppress(TelegramError):
                await self._bot().delete_message(chat_id=chat_id, message_id=message_id)
                deleted += 1
        return deleted

    async def _call(self, item: InboxItem, call: Awaitable[T]) -> T | None:
        """Run one Bot API call; transient errors are retried later, permanent ones dropped."""
        try:
            return await call
        except (BadRequest, Forbidden, ChatMigrated) as error:
            # The user blocked the bot, the chat is gone, or the message is malformed: no retry helps.
            logger.warning(
                "telegram_send_rejected",
                extra={"sender": item.sender_key, "error": type(error).__name__},
            )
            return None
        except (RetryAfter, NetworkError, InvalidToken) as error:
            raise DeliveryRetryable(f"telegram_{type(error).__name__}") from error

    def _bot(self) -> Bot:
        if self.bot is None:
            raise DeliveryRetryable("telegram_not_configured")
        return self.bot


def _flatten(groups: Sequence[Sequence[int]]) -> list[int]:
    return [message_id for group in groups for message_id in group]
