"""Button payloads too long for the platform (Telegram callback_data: 64 bytes) go through Redis.

``shorten`` returns the payload itself when it fits, else "k:" + a random token whose payload is
kept in Redis for ``ttl_seconds``. Rasa payloads start with "/", so the two never collide.
"""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

from integrations.gateway.keys import GatewayKeys, as_text

SHORT_PREFIX = "k:"


class PayloadShortener:
    def __init__(self, redis: Redis, keys: GatewayKeys, ttl_seconds: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl_seconds = ttl_seconds

    async def shorten(self, payload: str, max_bytes: int) -> str:
        if len(payload.encode("utf-8")) <= max_bytes and not payload.startswith(SHORT_PREFIX):
            return payload
        token = secrets.token_urlsafe(12)
        await self._redis.set(self._keys.payload(token), payload, ex=self._ttl_seconds)
        return SHORT_PREFIX + token

    async def resolve(self, data: str) -> str | None:
        """The payload behind button data; ``None`` when its token has expired."""
        if not data.startswith(SHORT_PREFIX):
            return data
        return as_text(await self._redis.get(self._keys.payload(data.removeprefix(SHORT_PREFIX))))
