"""Web chat channel: a neutral static page and a JSON endpoint (see docs/channels.md)."""

from integrations.webchat.gateway import WebChatGateway

__all__ = ["WebChatGateway"]
