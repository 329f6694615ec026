"""Telegram channel gateway (see docs/channels.md)."""

from integrations.telegram.gateway import TelegramGateway

__all__ = ["TelegramGateway"]
