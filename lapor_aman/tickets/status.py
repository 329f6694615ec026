"""Ticket status moves, defined in one table.

Casework runs new → acknowledged → contacted → in_service ⇄ referred → closed; a reporter can
withdraw at any open stage. ``closed`` and ``withdrawn`` are final: a returning reporter gets a
new ticket that can link to the old reference.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from lapor_aman.tickets.schema import TicketStatus as S

ALLOWED_TRANSITIONS: Final = MappingProxyType(
    {
        S.NEW: frozenset({S.ACKNOWLEDGED, S.CONTACTED, S.REFERRED, S.CLOSED, S.WITHDRAWN}),
        S.ACKNOWLEDGED: frozenset({S.CONTACTED, S.IN_SERVICE, S.REFERRED, S.CLOSED, S.WITHDRAWN}),
        S.CONTACTED: frozenset({S.IN_SERVICE, S.REFERRED, S.CLOSED, S.WITHDRAWN}),
        S.IN_SERVICE: frozenset({S.REFERRED, S.CLOSED, S.WITHDRAWN}),
        S.REFERRED: frozenset({S.IN_SERVICE, S.CLOSED, S.WITHDRAWN}),
        S.CLOSED: frozenset(),
        S.WITHDRAWN: frozenset(),
    }
)

FINAL_STATUSES: Final = frozenset(s for s, nexts in ALLOWED_TRANSITIONS.items() if not nexts)
OPEN_STATUSES: Final = frozenset(S) - FINAL_STATUSES


def can_transition(current: S | str, new: S | str) -> bool:
    """True when a ticket may move from ``current`` to ``new`` (unknown values: False)."""
    try:
        return S(new) in ALLOWED_TRANSITIONS[S(current)]
    except ValueError:
        return False


def next_statuses(current: S | str) -> frozenset[S]:
    """Statuses reachable in one move from ``current``."""
    return ALLOWED_TRANSITIONS[S(current)]
