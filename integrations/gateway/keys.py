"""Redis key names of the gateways; every key starts with the deployment's ``redis_prefix``."""

from __future__ import annotations

from dataclasses import dataclass


def as_text(value: bytes | str | int | float | None) -> str | None:
    """Redis answers bytes or str depending on how the client was built; accept both."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


@dataclass(frozen=True)
class GatewayKeys:
    prefix: str
    channel: str

    def _key(self, *parts: str) -> str:
        return ":".join((f"{self.prefix}gw", self.channel, *parts))

    @property
    def stream(self) -> str:
        return self._key("inbound")

    def dedup(self, dedup_key: str) -> str:
        return self._key("seen", dedup_key)

    def rate(self, sender_key: str, window: int) -> str:
        return self._key("rate", sender_key, str(window))

    def rate_notice(self, sender_key: str) -> str:
        return self._key("rate-notice", sender_key)

    def sender_lock(self, sender_key: str) -> str:
        return self._key("lock", sender_key)

    def payload(self, token: str) -> str:
        return self._key("payload", token)

    def trace(self, sender_key: str) -> str:
        """Telegram: message ids in the chat, for erase_chat."""
        return self._key("trace", sender_key)

    def last_inbound(self, sender_key: str) -> str:
        """WhatsApp: when the user last wrote (the 24 h customer-service window)."""
        return self._key("last-inbound", sender_key)

    def numbered_options(self, sender_key: str) -> str:
        """WhatsApp: payloads behind "reply with a number" choices."""
        return self._key("options", sender_key)

    def client_message(self, sender_key: str, client_message_id: str) -> str:
        """Web chat: the answer to one client message id, for retried requests."""
        return self._key("client-msg", sender_key, client_message_id)
