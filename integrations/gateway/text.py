"""Small text helpers shared by the channels."""

from __future__ import annotations

import json


def shared_media_message(media_type: str) -> str:
    """What the assistant receives for a photo, voice note, file or location (intent shared_media)."""
    return "/shared_media" + json.dumps({"media_type": media_type}, separators=(",", ":"))


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long text into messages at line or word boundaries."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks
