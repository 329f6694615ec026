"""Translate a WhatsApp Cloud API webhook payload into inbox drafts (pure: no I/O).

Payload shape: ``entry[].changes[].value.messages[]`` (``statuses[]`` are delivery receipts and are
ignored). Media types are normalised to the vocabulary the Telegram gateway uses (image -> photo,
voice note -> voice) so the assistant handles one set of ``/shared_media`` messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from integrations.gateway.intake import InboundKind
from integrations.gateway.text import shared_media_message

FILE_MEDIA = {
    "image": "photo",
    "audio": "audio",
    "video": "video",
    "document": "document",
    "sticker": "sticker",
}
# Message types that carry nothing for the assistant (a reaction to an earlier message, system notes).
IGNORED_TYPES = {"reaction", "system", "request_welcome"}


@dataclass(frozen=True)
class WhatsAppDraft:
    message_id: str
    part: str
    wa_id: str
    kind: InboundKind
    text: str | None
    sent_at: datetime
    media: dict[str, Any] | None = None
    # Id of the pressed reply button or list row, still to resolve into a Rasa payload.
    button_id: str | None = None

    @property
    def platform_message_id(self) -> str:
        return f"{self.message_id}:{self.part}" if self.part else self.message_id


def translate_webhook(payload: Mapping[str, Any], phone_number_id: str) -> list[WhatsAppDraft]:
    """Drafts for every user message addressed to our number; receipts and others are skipped."""
    drafts: list[WhatsAppDraft] = []
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, Mapping):
                continue
            addressed_to = (value.get("metadata") or {}).get("phone_number_id")
            if phone_number_id and addressed_to and addressed_to != phone_number_id:
                continue
            for message in _list(value.get("messages")):
                drafts.extend(message_drafts(message))
    return drafts


def message_drafts(message: Mapping[str, Any]) -> list[WhatsAppDraft]:
    wa_id, message_id = message.get("from"), message.get("id")
    message_type = str(message.get("type", "unknown"))
    if not wa_id or not message_id or message_type in IGNORED_TYPES:
        return []
    common: dict[str, Any] = {
        "message_id": str(message_id),
        "wa_id": str(wa_id),
        "sent_at": _timestamp(message.get("timestamp")),
    }
    if message_type == "text":
        body = (message.get("text") or {}).get("body") or ""
        return [WhatsAppDraft(part="", kind=InboundKind.TEXT, text=body, **common)] if body else []
    button_id = _button_id(message, message_type)
    if button_id is not None:
        return [
            WhatsAppDraft(
                part="", kind=InboundKind.BUTTON, text=None, button_id=button_id, **common
            )
        ]
    media = media_metadata(message, message_type)
    drafts = [
        WhatsAppDraft(
            part="",
            kind=InboundKind.MEDIA,
            text=shared_media_message(str(media["media_type"])),
            media=media,
            **common,
        )
    ]
    caption = (
        (message.get(message_type) or {}).get("caption") if message_type in FILE_MEDIA else None
    )
    if caption:
        drafts.append(
            WhatsAppDraft(part="caption", kind=InboundKind.TEXT, text=str(caption), **common)
        )
    return drafts


def media_metadata(message: Mapping[str, Any], message_type: str) -> dict[str, Any]:
    """Type, media id, mime type (WhatsApp sends no size); never coordinates or contact numbers."""
    if message_type in FILE_MEDIA:
        attachment = message.get(message_type) or {}
        media_type = (
            "voice"
            if message_type == "audio" and attachment.get("voice")
            else FILE_MEDIA[message_type]
        )
        metadata = {
            "media_type": media_type,
            "file_id": attachment.get("id"),
            "mime_type": attachment.get("mime_type"),
            "file_size": attachment.get("file_size"),
        }
        return {key: value for key, value in metadata.items() if value is not None}
    if message_type == "location":
        return {"media_type": "location"}
    if message_type == "contacts":
        return {"media_type": "contact"}
    return {"media_type": "other"}


def _button_id(message: Mapping[str, Any], message_type: str) -> str | None:
    if message_type == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get(str(interactive.get("type"))) or {}
        return str(reply["id"]) if reply.get("id") else None
    if message_type == "button":
        payload = (message.get("button") or {}).get("payload")
        return str(payload) if payload else None
    return None


def _timestamp(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
