"""Tunables shared by the queued gateways; the defaults are the production values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lapor_aman.config import Settings


@dataclass(frozen=True)
class GatewayOptions:
    # Concurrent consumers per gateway process (different senders run in parallel, one sender never).
    worker_concurrency: int = 4
    # Per-sender limit; beyond it the message is not read and the sender is told so.
    rate_limit_per_minute: int = 20
    # At most one "too fast" notice per sender in this many seconds.
    rate_notice_interval_seconds: float = 10.0
    # A queued message not handled after this long is queued again from SQL.
    requeue_after_seconds: float = 60.0
    # How often the reconciler looks for stale stream entries and forgotten inbox rows.
    reconcile_interval_seconds: float = 15.0
    # Stream entries delivered to a consumer that went silent this long are taken over.
    claim_idle_ms: int = 60_000
    # Backoff between attempts when Rasa or the platform fails.
    retry_base_seconds: float = 5.0
    retry_max_seconds: float = 300.0
    # A message still not handled after this long is given up (text erased); WhatsApp's window is 24 h.
    max_pending_age_seconds: float = 24 * 3600.0
    # XREADGROUP block time; also the worst-case delay of a graceful stop.
    read_block_ms: int = 1000
    # Time a consumer may hold a sender's lock (one message: Rasa retries + platform sends).
    sender_lock_seconds: float = 120.0
    # Grace period for in-flight messages on stop before the workers are cancelled.
    stop_grace_seconds: float = 10.0
    # How long a platform message id is remembered in Redis (SQL keeps it for ever, hashed).
    dedup_ttl_seconds: int = 7 * 24 * 3600
    # How long a long button payload stays resolvable (Telegram lets users press for 48 h).
    payload_ttl_seconds: int = 48 * 3600

    def retry_delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure (1-based)."""
        return min(self.retry_base_seconds * 2 ** max(attempts - 1, 0), self.retry_max_seconds)

    @classmethod
    def from_settings(cls, settings: Settings) -> GatewayOptions:
        """Read the optional ``gateway_*`` settings when the lead has added them to Settings."""
        overrides: dict[str, Any] = {}
        for name, setting in (
            ("rate_limit_per_minute", "gateway_rate_limit_per_minute"),
            ("worker_concurrency", "gateway_worker_concurrency"),
        ):
            value = getattr(settings, setting, None)
            if value is not None:
                overrides[name] = value
        return cls(**overrides)
