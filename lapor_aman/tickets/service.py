"""Ticket assembly: from the facts the assistant collected to a triaged, routed ticket."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from lapor_aman.hours import Closures, received_outside_hours
from lapor_aman.routing import UnitDirectory, UnitLevel
from lapor_aman.tickets.reference import new_reference
from lapor_aman.tickets.schema import IntakeSubmission, Risk, Routing, Ticket, ViolenceType
from lapor_aman.triage import assess_submission, due_by, escalated_at, outreach_needed

# UU 12/2022 (TPKS) Art. 41: the decision on a police report is due within 3×24 hours.
POLICE_REPORT_DECISION_WINDOW: Final = timedelta(hours=72)


def police_report_decision_due(submission: IntakeSubmission) -> datetime | None:
    """3×24 hours after the victim's report when sexual violence is reported, else None."""
    if ViolenceType.SEXUAL not in submission.incident.violence_types:
        return None
    return submission.reported_at + POLICE_REPORT_DECISION_WINDOW


def build_ticket(
    submission: IntakeSubmission,
    *,
    now: datetime,
    units: UnitDirectory,
    closures: Closures | None = None,
    reference: str | None = None,
) -> Ticket:
    """Compute reference, risk, due time, office-hours flag and routing for a submission.

    Pure apart from the random reference (pass ``reference`` to fix it). ``closures`` defaults to
    ``lapor_aman/data/closures.yml``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    victim = submission.victim
    unit = units.route(
        victim.province.code if victim.province else None,
        victim.city.code if victim.city else None,
    )
    on_call = units.on_call_for(unit)
    assessment = assess_submission(submission)
    risk = Risk(
        level=assessment.level,
        signals=list(assessment.signals),
        reasons=list(assessment.reasons),
        escalated_at=escalated_at(assessment.level, now),
        due_by=due_by(
            assessment.level,
            unit,
            now,
            on_call_takes_high=on_call.on_call_takes_high,
            closures=closures,
        ),
    )
    routing = Routing(
        unit=unit.name,
        unit_id=unit.id,
        on_call_unit_id=on_call.id,
        outreach_suggested=unit.outreach_capacity > 0 and outreach_needed(submission, risk.level),
        region_resolved=unit.level is not UnitLevel.NATIONAL or victim.province is not None,
    )
    return Ticket(
        reference=reference or new_reference(),
        conversation_id=submission.conversation_id,
        created_at=now,
        reported_at=submission.reported_at,
        channel=submission.channel,
        language=submission.language,
        received_outside_hours=received_outside_hours(unit, submission.reported_at, closures),
        risk=risk,
        reporter=submission.reporter,
        contact=submission.contact,
        victim=submission.victim,
        incident=submission.incident,
        needs=submission.needs,
        narrative=submission.narrative,
        consent=submission.consent,
        routing=routing,
        police_report_decision_due=police_report_decision_due(submission),
    )
