"""WhatsApp Cloud API channel gateway (see docs/channels.md)."""

from integrations.whatsapp.gateway import WhatsAppGateway

__all__ = ["WhatsAppGateway"]
