"""Slots of a finished intake -> the `IntakeSubmission` the bridge turns into a ticket.

Pure: the contract (lapor_aman.tickets.schema) validates the result, so a slot value that does
not fit the ticket fails here, in tests, not in front of a case manager.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from actions.flow import DOCUMENT_CHOICES, SERVICES, SKIPPED, is_child_victim
from lapor_aman.consent import CONSENT_TEXT_VERSION
from lapor_aman.tickets.schema import (
    IncidentTiming,
    IntakeSubmission,
    LocationType,
    Need,
    PerpetratorRelation,
    ReporterRole,
    ViolenceType,
)

CHANNEL_PREFIXES = {"tg": "telegram", "wa": "whatsapp", "web": "web"}


def channel_of(sender_id: str) -> str:
    """Gateways prefix the opaque sender id with the channel ("tg:…", "wa:…", "web:…")."""
    prefix = sender_id.split(":", 1)[0]
    return CHANNEL_PREFIXES.get(prefix, "web")


def _known(value: Any) -> Any:
    return None if value == SKIPPED else value


def _member(value: Any, enum: type[StrEnum]) -> str | None:
    """The value if the contract's enum has it, else None: one unexpected word from the NLU must
    not make the whole report fail validation (the reporter could never send it)."""
    return value if isinstance(value, str) and value in set(enum) else None


def _members(value: Any, enum: type[StrEnum]) -> list[str]:
    values = value if isinstance(value, list) else []
    return sorted({v for v in values if _member(v, enum)})


def _bool(value: Any) -> bool | None:
    value = _known(value)
    return value if isinstance(value, bool) else None


def _victim(slots: Mapping[str, Any]) -> dict[str, Any]:
    age = _known(slots.get("victim_age"))
    victim: dict[str, Any] = {}
    if isinstance(age, int) and not isinstance(age, bool):
        victim["age"] = age
    elif age in ("child", "adult", "elderly"):
        victim["age_group"] = age
    sex = _known(slots.get("victim_sex"))
    if sex in ("female", "male"):
        victim["sex"] = sex
    disability = _known(slots.get("victim_disability"))
    if disability and disability != "none":
        victim["disability"] = str(disability)
    region = slots.get("region") or {}
    if region.get("province"):
        victim["province"] = region["province"]
    if region.get("city"):
        victim["city"] = region["city"]
    documents = DOCUMENT_CHOICES.get(str(_known(slots.get("victim_documents"))), {})
    victim.update(documents)
    return victim


def _incident(slots: Mapping[str, Any]) -> dict[str, Any]:
    incident: dict[str, Any] = {}
    types = _known(slots.get("violence_types"))
    if isinstance(types, list):
        incident["violence_types"] = _members(types, ViolenceType)
    for slot, enum in (
        ("perpetrator_relation", PerpetratorRelation),
        ("occurred", IncidentTiming),
        ("location_type", LocationType),
    ):
        value = _member(_known(slots.get(slot)), enum)
        if value:
            incident[slot] = value
    for slot in ("perpetrator_lives_with_victim", "ongoing"):
        incident[slot] = _bool(slots.get(slot))
    when = slots.get("incident_date")
    if when:
        incident["incident_date"] = date.fromisoformat(str(when)[:10])
    return incident


def _contact(slots: Mapping[str, Any]) -> dict[str, Any]:
    allowed = slots.get("contact_allowed") is True
    contact: dict[str, Any] = {
        "allowed": allowed,
        "shared_device": _bool(slots.get("shared_device")),
        "channel": "none",
    }
    if not allowed:
        return contact
    channel = _known(slots.get("contact_channel"))
    phone = _known(slots.get("contact_phone"))
    if channel in ("phone_call", "sms") and not phone:
        # Phone or SMS chosen but no number given: this chat is the only way left to reach them.
        channel = "this_chat"
    contact["channel"] = channel if channel in ("this_chat", "phone_call", "sms") else "this_chat"
    if phone:
        contact["phone"] = phone
    times = _known(slots.get("safe_times"))
    if isinstance(times, list):
        contact["safe_times"] = times
    code_word = _known(slots.get("code_word"))
    if code_word:
        contact["code_word"] = str(code_word)
    return contact


def _sharing(value: Any) -> dict[str, bool]:
    if value == "as_needed":
        return dict.fromkeys(SERVICES, True)
    chosen = set(value) if isinstance(value, list) else set()
    return {service: service in chosen for service in SERVICES}


def build_submission(
    slots: Mapping[str, Any], *, sender_id: str, now: datetime
) -> IntakeSubmission:
    role = _known(slots.get("reporter_role"))
    reporter_is_child = role == "victim" and is_child_victim(slots)
    consent_given_at = slots.get("consent_given_at") or now.isoformat()
    signals = slots.get("emergency_signals") or []
    narrative = _known(slots.get("narrative"))
    # A child's report is processed in the child's vital interest (DOMAIN.md: always accompanied).
    basis = "vital_interest" if reporter_is_child or signals else "own_consent"
    payload = {
        "conversation_id": sender_id,
        "channel": channel_of(sender_id),
        "language": slots.get("language") or "id",
        "reported_at": now,
        "reporter": {
            "role": _member(role, ReporterRole) or "other",
            "is_child": reporter_is_child or None,
        },
        "contact": _contact(slots),
        "victim": _victim(slots),
        "incident": _incident(slots),
        "needs": _members(_known(slots.get("needs")), Need),
        "narrative": str(narrative or ""),
        "consent": {
            "record": slots.get("consent_record") is True,
            "contact": slots.get("contact_allowed") is True,
            "share_with_services": _sharing(_known(slots.get("consent_share"))),
            "text_version": CONSENT_TEXT_VERSION,
            "given_at": consent_given_at,
            "basis": basis,
        },
        "risk_signals": sorted(set(signals)),
    }
    return IntakeSubmission.model_validate(payload)
