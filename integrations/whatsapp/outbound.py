"""Message bodies for the WhatsApp Cloud API (pure) and the 24-hour customer-service window.

Choices: up to 3 as reply buttons, 4 to 10 as a list, more as numbered text the user answers with
a number. Limits are WhatsApp's: button title 20 characters, list row title 24, row description 72,
interactive body 1024, text 4096.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from integrations.gateway.text import split_text as split_into_messages

MAX_TEXT_CHARS = 4096
MAX_INTERACTIVE_BODY_CHARS = 1024
MAX_BUTTONS = 3
MAX_LIST_ROWS = 10
BUTTON_TITLE_CHARS = 20
ROW_TITLE_CHARS = 24
ROW_DESCRIPTION_CHARS = 72
BUTTON_ID_BYTES = 256
ROW_ID_BYTES = 200
SERVICE_WINDOW = timedelta(hours=24)
# Stop a little early: a reply that lands one second late is refused (error 131047).
WINDOW_SAFETY_MARGIN = timedelta(minutes=2)


@dataclass(frozen=True)
class Choice:
    """A button ready to send: ``reply_id`` is the payload or its short id."""

    reply_id: str
    title: str


def shorten_title(title: str, limit: int) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def unique_titles(titles: Sequence[str], limit: int) -> list[str]:
    """Shortened titles, numbered where shortening made two equal (WhatsApp requires unique ones)."""
    shortened = [shorten_title(title, limit) for title in titles]
    result: list[str] = []
    for number, title in enumerate(shortened, start=1):
        if shortened.count(title) > 1:
            suffix = f" {number}"
            title = shorten_title(title, limit - len(suffix)) + suffix
        result.append(title)
    return result


def _envelope(to: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}


def text_body(to: str, text: str) -> dict[str, Any]:
    return {**_envelope(to), "type": "text", "text": {"preview_url": False, "body": text}}


def buttons_body(to: str, text: str, choices: Sequence[Choice]) -> dict[str, Any]:
    titles = unique_titles([choice.title for choice in choices], BUTTON_TITLE_CHARS)
    buttons = [
        {"type": "reply", "reply": {"id": choice.reply_id, "title": title}}
        for choice, title in zip(choices, titles, strict=True)
    ]
    return {
        **_envelope(to),
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": text}, "action": {"buttons": buttons}},
    }


def list_row(choice: Choice) -> dict[str, Any]:
    row = {"id": choice.reply_id, "title": shorten_title(choice.title, ROW_TITLE_CHARS)}
    if len(choice.title) > ROW_TITLE_CHARS:
        # The full title stays readable in the description.
        row["description"] = shorten_title(choice.title, ROW_DESCRIPTION_CHARS)
    return row


def list_body(to: str, text: str, button_label: str, choices: Sequence[Choice]) -> dict[str, Any]:
    return {
        **_envelope(to),
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": text},
            "action": {
                "button": shorten_title(button_label, BUTTON_TITLE_CHARS),
                "sections": [{"rows": [list_row(choice) for choice in choices]}],
            },
        },
    }


def numbered_text(text: str, titles: Sequence[str], hint: str) -> str:
    lines = [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
    return "\n".join([text, "", *lines, "", hint])


def read_receipt_body(message_id: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    return split_into_messages(text, limit)


def service_window_open(last_inbound: datetime, now: datetime) -> bool:
    """WhatsApp allows free-form replies only within 24 h of the user's last message."""
    return now < last_inbound + SERVICE_WINDOW - WINDOW_SAFETY_MARGIN
