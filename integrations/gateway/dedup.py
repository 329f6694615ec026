"""Fast duplicate check in Redis in front of the SQL unique constraint.

Platforms redeliver a message when our 200 was late or lost. The Redis key is a claim first
("claimed", short TTL) and becomes "stored" once the inbox row is committed: if a gateway dies
between claim and commit, the claim expires and the platform's retry gets through. SQL's unique
constraint on (channel, dedup_key) is the real guard; Redis only spares it repeated work.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from redis.asyncio import Redis
from redis.exceptions import RedisError

from integrations.gateway.keys import GatewayKeys, as_text

logger = logging.getLogger(__name__)

CLAIM_TTL_SECONDS = 60
_CLAIMED = "claimed"
_STORED = "stored"


class Claim(StrEnum):
    NEW = "new"  # first time we see it
    STORED = "stored"  # already in the inbox: a duplicate
    UNSURE = "unsure"  # being stored by a concurrent request, or Redis is down: let SQL decide


class Deduplicator:
    def __init__(self, redis: Redis, keys: GatewayKeys, ttl_seconds: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl_seconds = ttl_seconds

    async def claim(self, dedup_key: str) -> Claim:
        key = self._keys.dedup(dedup_key)
        try:
            if await self._redis.set(key, _CLAIMED, nx=True, ex=CLAIM_TTL_SECONDS):
                return Claim.NEW
            return Claim.STORED if as_text(await self._redis.get(key)) == _STORED else Claim.UNSURE
        except RedisError:
            logger.warning("dedup_redis_unavailable", extra={"channel": self._keys.channel})
            return Claim.UNSURE

    async def mark_stored(self, dedup_key: str) -> None:
        try:
            await self._redis.set(self._keys.dedup(dedup_key), _STORED, ex=self._ttl_seconds)
        except RedisError:
            logger.warning("dedup_redis_unavailable", extra={"channel": self._keys.channel})

    async def release(self, dedup_key: str) -> None:
        """Forget a claim whose message could not be stored, so the platform's retry is accepted."""
        try:
            await self._redis.delete(self._keys.dedup(dedup_key))
        except RedisError:
            logger.warning("dedup_redis_unavailable", extra={"channel": self._keys.channel})
