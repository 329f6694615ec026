"""Per-sender rate limit (fixed one-minute windows in Redis).

Over the limit a message is not read by the assistant, and the sender is told so politely. To
avoid answering a flood with a flood, the notice goes out at most once per
``notice_interval_seconds``; messages in between fall inside a window the sender was just told
about. If Redis is down the limit is not applied: a victim must get through.
"""

from __future__ import annotations

import logging
import time
from enum import StrEnum

from redis.asyncio import Redis
from redis.exceptions import RedisError

from integrations.gateway.keys import GatewayKeys

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


class RateDecision(StrEnum):
    ALLOW = "allow"
    NOTIFY = "notify"  # over the limit: tell the sender
    SUPPRESS = "suppress"  # over the limit, sender told moments ago


class RateLimiter:
    def __init__(
        self,
        redis: Redis,
        keys: GatewayKeys,
        limit_per_minute: int,
        notice_interval_seconds: float,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._limit = limit_per_minute
        self._notice_interval_ms = max(int(notice_interval_seconds * 1000), 1)

    async def check(self, sender_key: str, now: float | None = None) -> RateDecision:
        window = int((now if now is not None else time.time()) // WINDOW_SECONDS)
        key = self._keys.rate(sender_key, window)
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS * 2)
            count, _ = await pipe.execute()
            if int(count) <= self._limit:
                return RateDecision.ALLOW
            notice_key = self._keys.rate_notice(sender_key)
            first_notice = await self._redis.set(
                notice_key, "1", nx=True, px=self._notice_interval_ms
            )
        except RedisError:
            logger.warning("rate_limit_redis_unavailable", extra={"channel": self._keys.channel})
            return RateDecision.ALLOW
        logger.info("rate_limited", extra={"channel": self._keys.channel, "sender": sender_key})
        return RateDecision.NOTIFY if first_notice else RateDecision.SUPPRESS
