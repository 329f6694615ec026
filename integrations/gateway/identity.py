"""Pseudonymous ids: what Rasa, logs and the inbox see instead of phone numbers and chat ids.

A keyed hash (HMAC-SHA256 with a server secret) per channel: stable, so a conversation continues
across messages, and not reversible without the secret, so the tracker, the logs and the inbox
never hold a raw phone number or Telegram id.
"""

from __future__ import annotations

import hashlib
import hmac

from lapor_aman.config import Settings

SENDER_KEY_HEX_CHARS = 32


class Pseudonymizer:
    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("the sender id secret must not be empty")
        self._secret = secret

    def _digest(self, *parts: str) -> str:
        message = "\x1f".join(parts).encode("utf-8")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def sender_key(self, channel_prefix: str, platform_sender_id: str) -> str:
        """ "tg:3f2a…" for a Telegram chat id, "wa:…" for a WhatsApp number, "web:…" for a tab."""
        digest = self._digest("sender", channel_prefix, platform_sender_id)
        return f"{channel_prefix}:{digest[:SENDER_KEY_HEX_CHARS]}"

    def dedup_key(self, channel: str, platform_message_id: str) -> str:
        """Hash of the platform's message id (a WhatsApp wamid encodes the phone number)."""
        return self._digest("message", channel, platform_message_id)


def sender_secret(settings: Settings, explicit: str | bytes | None = None) -> bytes:
    """The explicit secret (tests), else ``settings.sender_id_secret``."""
    if explicit:
        return explicit.encode("utf-8") if isinstance(explicit, str) else explicit
    return settings.sender_id_secret.get_secret_value().encode("utf-8")
