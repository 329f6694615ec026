"""Read the examples of Rasa NLU files (data/nlu, tests/nlu/heldout): one reader for every tool.

The data checks (tests/unit/test_nlu_data.py), the never-silent end-to-end test and
``scripts/lexicon_check.py`` all read the same files; they read them here, so an annotation or a line
is understood the same way by each.

An example line is ``- text`` inside an intent's ``examples: |`` block. Entity annotations are
``[surface](entity)`` or ``[surface]{"entity": "...", "value": "..."}``; ``text`` is the message
as a person typed it (annotations replaced by their surface text, runs of spaces made one).
Blocks that are not intents (synonyms, lookups, regexes) are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import yaml

ANNOTATION = re.compile(r"\[(?P<text>[^\]]*)\](?:\((?P<name>[^)]*)\)|(?P<json>\{[^}]*\}))")


class Entity(NamedTuple):
    entity: str
    text: str
    value: str | None  # the normalised value of {"entity": ..., "value": ...}, else None


@dataclass(frozen=True)
class Example:
    source: str  # the file's name, e.g. "emergency.yml"
    intent: str
    raw: str  # the line as written, annotations included
    text: str
    entities: tuple[Entity, ...]


def plain_text(raw: str) -> str:
    """The message without its entity annotations, runs of whitespace made one space."""
    return " ".join(ANNOTATION.sub(lambda match: match.group("text"), raw).split())


def entities_in(raw: str) -> tuple[Entity, ...]:
    return tuple(_entity(match) for match in ANNOTATION.finditer(raw))


def _entity(match: re.Match[str]) -> Entity:
    if match.group("json") is None:
        return Entity(match.group("name"), match.group("text"), None)
    spec = json.loads(match.group("json"))
    return Entity(spec["entity"], match.group("text"), spec.get("value"))


def examples_in(block: str) -> Iterator[str]:
    """The raw example lines of one ``examples: |`` block."""
    for line in block.splitlines():
        line = line.strip()
        raw = line[2:].strip() if line.startswith("- ") else ""
        if raw:
            yield raw


def read_file(path: Path) -> list[Example]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for block in document.get("nlu", []):
        if "intent" not in block:
            continue
        for raw in examples_in(str(block.get("examples", ""))):
            text = plain_text(raw)
            if text:
                found.append(Example(path.name, str(block["intent"]), raw, text, entities_in(raw)))
    return found


def read_examples(folders: Iterable[Path]) -> list[Example]:
    """Every intent example of every ``*.yml`` under the folders, in a stable order."""
    return [
        example
        for folder in folders
        for path in sorted(folder.rglob("*.yml"))
        for example in read_file(path)
    ]
