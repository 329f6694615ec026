"""Risk triage (penilaian risiko): the level of a report, when staff must act, and outreach.

Pure functions; the rule is explained for supervisors in docs/triage.md. The rule may be refined
but never weakened: every signal that set a level before must still set at least that level.

- emergency: danger now, suicidal thoughts, trafficking in progress, or a weapon together with a
  threat to kill.
- high: injury, sexual violence in the last 72 hours, a child living with the perpetrator, a threat
  to kill, a weapon, a child victim of sexual violence, or a pregnant victim of physical or sexual
  violence or of violence that is still going on.
- medium: any other report of violence (or anything that is not only a request for information).
- low: a request for information with no incident reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

from lapor_aman.hours import Closures, HasOfficeHours, is_open, next_opening, working_day_close
from lapor_aman.tickets.schema import (
    AgeGroup,
    IncidentTiming,
    IntakeSubmission,
    Need,
    ReporterRole,
    RiskLevel,
    RiskSignal,
    ViolenceType,
)

S = RiskSignal

EMERGENCY_SIGNALS: Final = frozenset({S.DANGER_NOW, S.SUICIDAL, S.TRAFFICKING_IN_PROGRESS})
EMERGENCY_COMBINATIONS: Final = (frozenset({S.WEAPON, S.THREAT_TO_KILL}),)
HIGH_SIGNALS: Final = frozenset(
    {S.INJURY, S.SEXUAL_VIOLENCE_72H, S.CHILD_WITH_PERPETRATOR, S.THREAT_TO_KILL, S.WEAPON}
)
# Violence against a pregnant victim that puts the pregnancy at risk (physical or sexual).
PREGNANCY_HIGH_RISK_TYPES: Final = frozenset({ViolenceType.PHYSICAL, ViolenceType.SEXUAL})
SEXUAL_EVIDENCE_WINDOW: Final = timedelta(hours=72)

# Due time per level (docs/triage.md, "When staff must act").
HIGH_RISK_RESPONSE: Final = timedelta(hours=1)
MEDIUM_WORKING_DAYS: Final = 1
LOW_WORKING_DAYS: Final = 3

LEVEL_ORDER: Final = (RiskLevel.EMERGENCY, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)


@dataclass(frozen=True)
class TriageFacts:
    """The facts the rule looks at; build one from a submission or mid-conversation."""

    signals: frozenset[RiskSignal] = frozenset()
    violence_types: frozenset[ViolenceType] = frozenset()
    victim_is_child: bool = False
    perpetrator_lives_with_victim: bool | None = None
    ongoing: bool | None = None
    occurred: IncidentTiming = IncidentTiming.UNKNOWN
    incident_date: date | None = None
    reported_on: date | None = None
    needs: frozenset[Need] = frozenset()

    @classmethod
    def from_submission(cls, submission: IntakeSubmission) -> TriageFacts:
        incident = submission.incident
        return cls(
            signals=frozenset(submission.risk_signals),
            violence_types=frozenset(incident.violence_types),
            victim_is_child=victim_is_child(submission),
            perpetrator_lives_with_victim=incident.perpetrator_lives_with_victim,
            ongoing=incident.ongoing,
            occurred=incident.occurred,
            incident_date=incident.incident_date,
            reported_on=submission.reported_at.date(),
            needs=frozenset(submission.needs),
        )


@dataclass(frozen=True)
class RiskAssessment:
    """Level, all signals (detected and derived, in enum order) and the reasons for the level."""

    level: RiskLevel
    signals: tuple[RiskSignal, ...]
    reasons: tuple[str, ...] = field(default=())


def victim_is_child(submission: IntakeSubmission) -> bool:
    """The victim is under 18: by age group, or a child reporting about themself."""
    if submission.victim.age_group is AgeGroup.CHILD:
        return True
    reporter = submission.reporter
    return (
        reporter.role is ReporterRole.VICTIM
        and bool(reporter.is_child)
        and submission.victim.age_group is AgeGroup.UNKNOWN
    )


def _sexual_violence_recent(facts: TriageFacts) -> bool:
    if ViolenceType.SEXUAL not in facts.violence_types:
        return False
    if facts.occurred is IncidentTiming.LAST_72H:
        return True
    # A date has no hour, so "within 3 calendar days" errs on the side of the victim.
    return (
        facts.incident_date is not None
        and facts.reported_on is not None
        and timedelta(0) <= facts.reported_on - facts.incident_date <= timedelta(days=3)
    )


def derive_signals(facts: TriageFacts) -> frozenset[RiskSignal]:
    """Detected signals plus those that follow from the form's facts."""
    signals = set(facts.signals)
    if _sexual_violence_recent(facts):
        signals.add(S.SEXUAL_VIOLENCE_72H)
    if facts.victim_is_child and facts.perpetrator_lives_with_victim:
        signals.add(S.CHILD_WITH_PERPETRATOR)
    if ViolenceType.TRAFFICKING in facts.violence_types and facts.ongoing:
        signals.add(S.TRAFFICKING_IN_PROGRESS)
    return frozenset(signals)


def _emergency_reasons(signals: frozenset[RiskSignal]) -> list[str]:
    reasons = [f"signal:{s.value}" for s in RiskSignal if s in EMERGENCY_SIGNALS & signals]
    reasons += [
        "combination:" + "+".join(sorted(s.value for s in combo))
        for combo in EMERGENCY_COMBINATIONS
        if combo <= signals
    ]
    return reasons


def _high_reasons(facts: TriageFacts, signals: frozenset[RiskSignal]) -> list[str]:
    reasons = [f"signal:{s.value}" for s in RiskSignal if s in HIGH_SIGNALS & signals]
    if facts.victim_is_child and ViolenceType.SEXUAL in facts.violence_types:
        reasons.append("child_sexual_violence")
    if S.PREGNANT in signals:
        if facts.violence_types & PREGNANCY_HIGH_RISK_TYPES:
            reasons.append("pregnant_physical_or_sexual_violence")
        elif facts.violence_types and facts.ongoing:
            reasons.append("pregnant_ongoing_violence")
    return reasons


def is_information_only(facts: TriageFacts) -> bool:
    """Only asked for information: no violence, no signal, no service other than information."""
    return (
        not facts.violence_types
        and not facts.signals
        and Need.INFORMATION in facts.needs
        and facts.needs <= {Need.INFORMATION}
    )


def assess_risk(facts: TriageFacts) -> RiskAssessment:
    """Apply the risk rule to the facts of a report."""
    signals = derive_signals(facts)
    ordered = tuple(s for s in RiskSignal if s in signals)
    if reasons := _emergency_reasons(signals):
        return RiskAssessment(RiskLevel.EMERGENCY, ordered, tuple(reasons))
    if reasons := _high_reasons(facts, signals):
        return RiskAssessment(RiskLevel.HIGH, ordered, tuple(reasons))
    if is_information_only(facts):
        return RiskAssessment(RiskLevel.LOW, ordered, ("information_only",))
    reason = "violence_reported" if facts.violence_types else "not_information_only"
    return RiskAssessment(RiskLevel.MEDIUM, ordered, (reason,))


def assess_submission(submission: IntakeSubmission) -> RiskAssessment:
    return assess_risk(TriageFacts.from_submission(submission))


def is_more_urgent(a: RiskLevel, b: RiskLevel) -> bool:
    return LEVEL_ORDER.index(a) < LEVEL_ORDER.index(b)


def due_by(
    level: RiskLevel,
    unit: HasOfficeHours,
    now: datetime,
    *,
    on_call_takes_high: bool = False,
    closures: Closures | None = None,
) -> datetime:
    """When staff must first act on a ticket of ``level`` that reaches ``unit`` at ``now``.

    emergency: now (raised to the on-call person at once);
    high: within 1 hour if the unit is open or its on-call person takes high-risk cases,
    else 1 hour after the next opening; medium: end of the next working day;
    low: end of the third working day. Returned in the unit's time zone.
    """
    local_now = now.astimezone(unit.hours.zone)
    if level is RiskLevel.EMERGENCY:
        return local_now
    if level is RiskLevel.HIGH:
        if on_call_takes_high or is_open(unit, local_now, closures):
            return local_now + HIGH_RISK_RESPONSE
        return next_opening(unit, local_now, closures) + HIGH_RISK_RESPONSE
    days = MEDIUM_WORKING_DAYS if level is RiskLevel.MEDIUM else LOW_WORKING_DAYS
    return working_day_close(unit, local_now, days, closures)


def escalated_at(level: RiskLevel, now: datetime) -> datetime | None:
    """Emergencies are raised to the on-call person when the ticket is made."""
    return now if level is RiskLevel.EMERGENCY else None


def outreach_needed(submission: IntakeSubmission, level: RiskLevel) -> bool:
    """Penjangkauan (a companion goes to the victim) fits this case, capacity aside.

    Urgent cases, child victims (always accompanied), elderly or disabled victims, and anyone
    who asks for a safe shelter.
    """
    victim = submission.victim
    return (
        level in (RiskLevel.EMERGENCY, RiskLevel.HIGH)
        or victim_is_child(submission)
        or victim.age_group is AgeGroup.ELDERLY
        or bool(victim.disability)
        or Need.SHELTER in submission.needs
    )
