"""Translate a Telegram ``Update`` into inbox drafts (pure: no I/O).

Only private chats are handled. A media message becomes ``/shared_media{"media_type": ...}`` so the
assistant answers in its own words; nothing is downloaded and only metadata is kept for staff
(never coordinates, never a shared contact's phone number). A caption becomes a second message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from telegram import Message, Update
from telegram.constants import ChatType

from integrations.gateway.intake import InboundKind
from integrations.gateway.text import shared_media_message

COMMANDS_PATH = Path(__file__).with_name("commands.yml")
# Checked in this order: an animation also carries a document.
FILE_MEDIA = ("animation", "sticker", "voice", "video_note", "video", "audio", "document")


@dataclass(frozen=True)
class TelegramDraft:
    """One inbox message taken from an update; ``part`` tells a caption from its media."""

    update_id: int
    part: str
    chat_id: int
    kind: InboundKind
    text: str | None
    sent_at: datetime
    routing: dict[str, Any]
    media: dict[str, Any] | None = None
    # Callback data still to resolve into a Rasa payload (it may be a short id).
    button_data: str | None = None
    user_message_ids: tuple[int, ...] = field(default=())

    @property
    def platform_message_id(self) -> str:
        return f"{self.update_id}:{self.part}" if self.part else str(self.update_id)


def load_commands(path: Path = COMMANDS_PATH) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {str(name).lower(): str(message) for name, message in yaml.safe_load(handle).items()}


def media_metadata(message: Message) -> dict[str, Any] | None:
    """Type, file id and size of what was sent; ``None`` for plain text."""
    if message.photo:
        largest = message.photo[-1]
        return _drop_none(
            media_type="photo",
            file_id=largest.file_id,
            file_unique_id=largest.file_unique_id,
            file_size=largest.file_size,
            width=largest.width,
            height=largest.height,
        )
    for attribute in FILE_MEDIA:
        attachment = getattr(message, attribute, None)
        if attachment is not None:
            return _drop_none(
                media_type=attribute,
                file_id=attachment.file_id,
                file_unique_id=attachment.file_unique_id,
                file_size=getattr(attachment, "file_size", None),
                mime_type=getattr(attachment, "mime_type", None),
            )
    if message.location is not None or message.venue is not None:
        return {"media_type": "location"}
    if message.contact is not None:
        return {"media_type": "contact"}
    return None


def command_name(text: str) -> str | None:
    """ "/start@LaporAmanBot payload" -> "start"; ``None`` when the text is not a command."""
    if not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower() or None


def translate_update(update: Update, commands: Mapping[str, str]) -> list[TelegramDraft]:
    """The inbox drafts in an update; empty for what we do not handle (groups, edits, service)."""
    if update.callback_query is not None:
        return _callback_drafts(update)
    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return []
    draft = TelegramDraft(
        update_id=update.update_id,
        part="",
        chat_id=message.chat.id,
        kind=InboundKind.TEXT,
        text=message.text,
        sent_at=_aware(message.date),
        routing={"chat_id": message.chat.id, "message_id": message.message_id},
        user_message_ids=(message.message_id,),
    )
    if message.text:
        name = command_name(message.text)
        if name is not None and name in commands:
            return [replace(draft, kind=InboundKind.COMMAND, text=commands[name])]
        return [draft]
    media = media_metadata(message)
    if media is None:
        return []
    media_type = str(media["media_type"])
    drafts = [
        replace(draft, kind=InboundKind.MEDIA, text=shared_media_message(media_type), media=media)
    ]
    if message.caption:
        drafts.append(replace(draft, part="caption", text=message.caption, user_message_ids=()))
    return drafts


def _callback_drafts(update: Update) -> list[TelegramDraft]:
    query = update.callback_query
    if query is None or query.data is None:
        return []
    message = query.message
    if message is not None and message.chat.type != ChatType.PRIVATE:
        return []
    chat_id = message.chat.id if message is not None else query.from_user.id
    routing: dict[str, Any] = {"chat_id": chat_id, "callback_query_id": query.id}
    if message is not None:
        routing["callback_message_id"] = message.message_id
    return [
        TelegramDraft(
            update_id=update.update_id,
            part="",
            chat_id=chat_id,
            kind=InboundKind.BUTTON,
            text=None,
            sent_at=datetime.now(UTC),
            routing=routing,
            button_data=query.data,
        )
    ]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _drop_none(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
