"""Ticket references: short, unguessable, and easy to read aloud on the phone.

Format ``LA-XXXX-XXXX`` over a 32-symbol alphabet without the look-alikes 0/O and 1/I, so
8 symbols carry 40 random bits (about 10^12 values): not guessable by trying, short enough to
dictate.
"""

from __future__ import annotations

import re
import secrets
from typing import Final

REFERENCE_ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_PREFIX: Final = "LA"
GROUP_LENGTH: Final = 4
GROUPS: Final = 2
_SYMBOL: Final = "[2-9A-HJ-NP-Z]"
REFERENCE_PATTERN: Final = rf"^{REFERENCE_PREFIX}-{_SYMBOL}{{4}}-{_SYMBOL}{{4}}$"


def new_reference() -> str:
    """A fresh random reference such as ``LA-7K3M-Q9XP`` (cryptographic randomness)."""
    groups = (
        "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(GROUP_LENGTH))
        for _ in range(GROUPS)
    )
    return "-".join((REFERENCE_PREFIX, *groups))


def normalise_reference(text: str) -> str | None:
    """The canonical reference from what someone typed (``"la 7k3m q9xp"``), or None if invalid."""
    compact = re.sub(r"[\s\-_.]", "", text).upper()
    compact = compact.removeprefix(REFERENCE_PREFIX)
    if len(compact) != GROUP_LENGTH * GROUPS or any(c not in REFERENCE_ALPHABET for c in compact):
        return None
    return f"{REFERENCE_PREFIX}-{compact[:GROUP_LENGTH]}-{compact[GROUP_LENGTH:]}"


def is_valid_reference(text: str) -> bool:
    return re.fullmatch(REFERENCE_PATTERN, text) is not None
