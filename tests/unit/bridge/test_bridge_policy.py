"""Who is escalated, to whom, with what words, and who sees which unit's tickets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integrations.bridge.oncall import escalation_chain, needs_escalation, ticket_message
from integrations.bridge.staff.auth import Caller, CallerKind, visible_units
from lapor_aman.routing import get_units
from lapor_aman.storage.staff import StaffAccount, StaffRole
from lapor_aman.storage.tickets import TicketSummary
from lapor_aman.tickets.schema import RiskLevel, TicketStatus

NOW = datetime(2025, 3, 15, 14, 40, tzinfo=UTC)


def summary(
    level: RiskLevel, unit_id: str = "uptd-ppa-kota-samarinda", outside: bool = True
) -> TicketSummary:
    return TicketSummary(
        reference="LA-2345-6789",
        status=TicketStatus.NEW,
        risk_level=level,
        due_by=NOW,
        unit_id=unit_id,
        on_call_unit_id=unit_id,
        channel="telegram",
        language="id",
        received_outside_hours=outside,
        created_at=NOW,
        updated_at=NOW,
        escalated_at=None,
        handoff_published_at=None,
        acknowledged_at=None,
        assigned_staff_id=None,
        conversation_id="tg:abc",
    )


def staff(role: StaffRole, unit_id: str) -> Caller:
    account = StaffAccount(1, "Uji", role, unit_id, True, False, None, NOW)
    return Caller(CallerKind.STAFF, account)


def test_emergency_is_always_escalated() -> None:
    assert needs_escalation(summary(RiskLevel.EMERGENCY, outside=False), get_units())


def test_high_risk_at_night_is_escalated_only_where_on_call_takes_high() -> None:
    units = get_units()
    assert needs_escalation(summary(RiskLevel.HIGH, "uptd-ppa-kota-samarinda"), units)
    assert not needs_escalation(summary(RiskLevel.HIGH, "uptd-ppa-kaltim"), units)
    assert not needs_escalation(
        summary(RiskLevel.HIGH, "uptd-ppa-kota-samarinda", outside=False), units
    )
    assert not needs_escalation(summary(RiskLevel.MEDIUM), units)


def test_escalation_chain_ends_at_the_national_unit_without_repeats() -> None:
    units = get_units()
    assert escalation_chain(("uptd-ppa-kaltim", "uptd-ppa-kota-balikpapan"), units) == [
        "uptd-ppa-kaltim",
        "uptd-ppa-kota-balikpapan",
        "sapa129",
    ]
    assert escalation_chain((None, "sapa129"), units) == ["sapa129"]


def test_on_call_message_has_codes_and_link_only() -> None:
    text = ticket_message(
        summary(RiskLevel.EMERGENCY), "UPTD PPA Kota Samarinda", "https://x.test/console"
    )
    assert "LA-2345-6789" in text and "Darurat" in text and "Emergency" in text
    assert "https://x.test/console#LA-2345-6789" in text
    assert "tg:abc" not in text


@pytest.mark.parametrize(
    ("role", "unit_id", "expected"),
    [
        (StaffRole.CASE_MANAGER, "uptd-ppa-kaltim", {"uptd-ppa-kaltim"}),
        (
            StaffRole.SUPERVISOR,
            "uptd-ppa-kaltim",
            {"uptd-ppa-kaltim", "uptd-ppa-kota-balikpapan", "uptd-ppa-kota-samarinda"},
        ),
        (StaffRole.ADMIN, "uptd-ppa-kota-samarinda", {"uptd-ppa-kota-samarinda"}),
        (StaffRole.CASE_MANAGER, "sapa129", {"sapa129"}),
        (StaffRole.SUPERVISOR, "sapa129", None),
    ],
)
def test_visible_units(role: StaffRole, unit_id: str, expected: set[str] | None) -> None:
    visible = visible_units(staff(role, unit_id), get_units())
    assert (set(visible) if visible is not None else None) == expected


def test_bootstrap_admin_sees_everything_and_internal_sees_nothing() -> None:
    assert visible_units(Caller(CallerKind.BOOTSTRAP_ADMIN), get_units()) is None
    assert visible_units(Caller(CallerKind.INTERNAL), get_units()) == frozenset()
