"""What the Telegram gateway sends: text chunks, inline keyboards, and the chat trace it can erase."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from redis.asyncio import Redis
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from integrations.gateway.keys import GatewayKeys
from integrations.gateway.payloads import PayloadShortener
from integrations.gateway.text import split_text as split_into_messages
from integrations.rasa_client import RasaButton

MAX_MESSAGE_CHARS = 4096
MAX_CALLBACK_DATA_BYTES = 64
# deleteMessages takes at most 100 ids per call.
DELETE_BATCH = 100
# Bots may delete messages in private chats for 48 h; keep an hour of margin.
TRACE_TTL_SECONDS = 47 * 3600


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    return split_into_messages(text, limit)


async def inline_keyboard(
    buttons: Sequence[RasaButton], payloads: PayloadShortener
) -> InlineKeyboardMarkup:
    """One button per row (titles are sentences); long payloads go through a short id."""
    rows = [
        [
            InlineKeyboardButton(
                text=button.title,
                callback_data=await payloads.shorten(button.payload, MAX_CALLBACK_DATA_BYTES),
            )
        ]
        for button in buttons
    ]
    return InlineKeyboardMarkup(rows)


def batches(ids: Sequence[int], size: int = DELETE_BATCH) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


class ChatTrace:
    """Message ids (the user's and the bot's) in one chat, kept 47 h, for erase_chat.

    A sorted set per sender scored by time, so ids too old to delete are dropped, not retried.
    """

    def __init__(
        self, redis: Redis, keys: GatewayKeys, ttl_seconds: int = TRACE_TTL_SECONDS
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl_seconds = ttl_seconds

    async def add(self, sender_key: str, message_ids: Iterable[int]) -> None:
        members = {str(message_id): time.time() for message_id in message_ids}
        if not members:
            return
        key = self._keys.trace(sender_key)
        pipe = self._redis.pipeline(transaction=True)
        pipe.zadd(key, members)
        pipe.expire(key, self._ttl_seconds)
        await pipe.execute()

    async def take(self, sender_key: str) -> list[int]:
        """The deletable ids, oldest first; the trace is emptied."""
        key = self._keys.trace(sender_key)
        pipe = self._redis.pipeline(transaction=True)
        pipe.zrangebyscore(key, time.time() - self._ttl_seconds, "+inf")
        pipe.delete(key)
        members, _ = await pipe.execute()
        return sorted(int(member) for member in members)
