"""Who is calling, and which units' tickets they may see.

Three kinds of caller: the action server (``internal_token``), staff (their own API token), and
the bootstrap administrator (``admin_token``). The bootstrap token exists only to create the
first real administrators; rotate it (change ``LAPOR_ADMIN_TOKEN``) once they exist.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from lapor_aman.routing import UnitDirectory, UnitLevel
from lapor_aman.storage.audit import ActorKind
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.staff import StaffAccount, StaffRepository, StaffRole
from lapor_aman.storage.tickets import Actor

if TYPE_CHECKING:
    from integrations.bridge.context import BridgeContext


class CallerKind(StrEnum):
    STAFF = "staff"
    BOOTSTRAP_ADMIN = "bootstrap_admin"
    INTERNAL = "internal"


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of one request."""

    kind: CallerKind
    staff: StaffAccount | None = None

    @property
    def role(self) -> StaffRole | None:
        if self.kind is CallerKind.BOOTSTRAP_ADMIN:
            return StaffRole.ADMIN
        return self.staff.role if self.staff else None

    @property
    def staff_id(self) -> int | None:
        return self.staff.id if self.staff else None

    @property
    def actor_kind(self) -> ActorKind:
        return (
            ActorKind.BOOTSTRAP_ADMIN
            if self.kind is CallerKind.BOOTSTRAP_ADMIN
            else ActorKind.STAFF
        )

    @property
    def actor(self) -> Actor:
        return Actor(kind=self.actor_kind.value, staff_id=self.staff_id)


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison; an empty configured secret never matches."""
    return bool(expected) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def identify(context: BridgeContext, token: str) -> Caller | None:
    """Who a token belongs to, or None (blocking: may run argon2 and a query)."""
    settings = context.settings
    if same_secret(token, settings.internal_token.get_secret_value()):
        return Caller(CallerKind.INTERNAL)
    if same_secret(token, settings.admin_token.get_secret_value()):
        return Caller(CallerKind.BOOTSTRAP_ADMIN)
    with session_scope(context.session_factory) as session:
        staff = StaffRepository(session).authenticate(token, context.verifier)
    return Caller(CallerKind.STAFF, staff) if staff else None


def visible_units(caller: Caller, units: UnitDirectory) -> frozenset[str] | None:
    """Units whose tickets a caller may see; None means every unit.

    Case managers see their own unit. Supervisors and admins of the national unit see all; of a
    province unit, the province and its kabupaten/kota units; of a city unit, that unit.
    """
    if caller.kind is CallerKind.BOOTSTRAP_ADMIN:
        return None
    staff = caller.staff
    if staff is None:
        return frozenset()
    if staff.role is StaffRole.CASE_MANAGER or staff.unit_id not in units.units:
        return frozenset({staff.unit_id})
    unit = units.get(staff.unit_id)
    if unit.level is UnitLevel.NATIONAL:
        return None
    if unit.level is UnitLevel.PROVINCE:
        provinces = set(unit.region_codes)
        inside = {u.id for u in units if any(code[:2] in provinces for code in u.region_codes)}
        return frozenset({unit.id} | inside)
    return frozenset({unit.id})


def can_see_unit(caller: Caller, unit_id: str, units: UnitDirectory) -> bool:
    visible = visible_units(caller, units)
    return visible is None or unit_id in visible
