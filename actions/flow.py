"""The intake form's flow, as pure functions over slot values.

Which question comes next, how a typed answer becomes a slot value, and which facts a message
already gives. No Rasa types here, so every rule is tested without servers
(tests/unit/actions/test_flow.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lapor_aman import extract
from lapor_aman.regions import resolve_place
from lapor_aman.safety import detect_emergency
from lapor_aman.tickets.schema import (
    ContactChannel,
    IncidentTiming,
    LocationType,
    Need,
    ReporterRole,
    Sex,
    ShareService,
    ViolenceType,
)

# A slot the reporter chose not to answer ("lewati", "tidak tahu"). Distinct from None, which
# means "not asked yet", so the form moves on and the ticket records "unknown".
SKIPPED = "skipped"

SAFETY_SLOTS = ("safe_to_talk", "shared_device")
FACT_SLOTS = (
    "reporter_role",
    "victim_age",
    "victim_sex",
    "place",
    "violence_types",
    "perpetrator_relation",
    "perpetrator_lives_with_victim",
    "occurred",
    "ongoing",
    "location_type",
    "victim_disability",
    "victim_documents",
    "needs",
    "narrative",
)
CONTACT_SLOTS = ("contact_allowed", "contact_channel", "contact_phone", "safe_times", "code_word")
# Slots that hold consent or safety answers are never inferred from other messages: only asked.
ASK_ONLY_SLOTS = frozenset(
    {
        *SAFETY_SLOTS,
        "consent_record",
        "contact_allowed",
        "consent_share",
        "confirmed",
        "code_word",
        "narrative",
        "contact_phone",
        "safe_times",
        "victim_disability",
        "victim_documents",
    }
)

SERVICES = ("health", "psychologist", "legal_aid", "police", "shelter", "social_services")


def is_answered(value: Any) -> bool:
    return value is not None


def required_slots(slots: Mapping[str, Any]) -> list[str]:
    """The questions of this conversation, in order; the form asks the first unanswered one.

    A "not safe" answer or a refusal to be recorded ends the form early; phone and safe-time
    questions appear only when the reporter allows contact by phone or SMS.
    """
    order: list[str] = ["safe_to_talk"]
    if slots.get("safe_to_talk") is False:
        return order
    order += ["shared_device", "consent_record"]
    if slots.get("consent_record") is not True:
        return order
    order += list(FACT_SLOTS)
    order.append("contact_allowed")
    if slots.get("contact_allowed") is True:
        order.append("contact_channel")
        if slots.get("contact_channel") in ("phone_call", "sms"):
            order.append("contact_phone")
        order += ["safe_times", "code_word"]
    order += ["consent_share", "confirmed"]
    return order


def next_question(slots: Mapping[str, Any]) -> str | None:
    for slot in required_slots(slots):
        if not is_answered(slots.get(slot)):
            return slot
    return None


# --- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """What one message says for one slot; `extra` carries companion slots (e.g. the region)."""

    value: Any
    extra: Mapping[str, Any] | None = None


def _yes_no(text: str, _now: datetime) -> Parsed | None:
    answer = extract.parse_yes_no(text)
    return None if answer is None else Parsed(answer)


def _age(text: str, _now: datetime) -> Parsed | None:
    age = extract.parse_age(text)
    if age is not None:
        return Parsed(age)
    group = extract.parse_age_group(text)
    return None if group is None else Parsed(group)


def _place(text: str, _now: datetime) -> Parsed | None:
    resolution = resolve_place(text)
    if resolution.status == "resolved" and resolution.region is not None:
        return Parsed(
            text.strip(), {"region": region_dict(resolution.region), "place_candidates": None}
        )
    if resolution.status == "ambiguous" and resolution.candidates:
        return Parsed(
            None,
            {"place_candidates": [region_dict(c) for c in resolution.candidates[:5]]},
        )
    return None


def region_dict(region: Any) -> dict[str, Any]:
    """A resolved region as plain JSON for a slot: {province: {code, name}, city: {code, name} | None}."""
    if hasattr(region, "model_dump"):
        return dict(region.model_dump(mode="json"))
    return dict(region)


def _violence(text: str, _now: datetime) -> Parsed | None:
    types = extract.parse_violence_types(text)
    if types:
        return Parsed(sorted(set(types)))
    # A described event we cannot classify is still violence reported; staff read the words.
    if len(text.split()) >= 3:
        return Parsed(["other"])
    return None


def _relation(text: str, _now: datetime) -> Parsed | None:
    relation = extract.parse_relation(text)
    return None if relation is None else Parsed(relation)


def _lives_with(text: str, _now: datetime) -> Parsed | None:
    value = extract.parse_lives_with(text, as_answer=True)
    if value is None:
        value = extract.parse_yes_no(text)
    return None if value is None else Parsed(value)


def _occurred(text: str, now: datetime) -> Parsed | None:
    bucket, when = extract.parse_occurred(text, now)
    if bucket in (None, "unknown"):
        return None
    return Parsed(bucket, {"incident_date": when.isoformat() if when else None})


def _ongoing(text: str, _now: datetime) -> Parsed | None:
    value = extract.parse_ongoing(text, as_answer=True)
    if value is None:
        value = extract.parse_yes_no(text)
    return None if value is None else Parsed(value)


def _location(text: str, _now: datetime) -> Parsed | None:
    value = extract.parse_location_type(text)
    return None if value is None else Parsed(value)


def _disability(text: str, _now: datetime) -> Parsed | None:
    answer = extract.parse_yes_no(text)
    if answer is False:
        return Parsed("none")
    stripped = text.strip()
    if answer is True and len(stripped.split()) <= 2:
        return Parsed("yes, not described")
    return Parsed(stripped[:200]) if stripped else None


DOCUMENT_CHOICES = {
    "both": {"has_id_card": True, "has_bpjs": True},
    "ktp_only": {"has_id_card": True, "has_bpjs": False},
    "bpjs_only": {"has_id_card": False, "has_bpjs": True},
    "neither": {"has_id_card": False, "has_bpjs": False},
}


DOCUMENT_WORDS = {
    "has_id_card": ("ktp", "kia", "id card", "identity card", "e-ktp"),
    "has_bpjs": ("bpjs", "kis", "jkn", "insurance", "asuransi"),
}
BOTH_WORDS = ("keduanya", "dua-duanya", "dua duanya", "both", "semua")
NEGATION = re.compile(
    r"\b(tidak|tdk|gak|ga|nggak|enggak|ngga|belum|blm|tak|no|not|don't|doesn't|neither|none)\b"
)


def _documents(text: str, _now: datetime) -> Parsed | None:
    """KTP / BPJS, each possibly negated in its own clause: "punya ktp tapi gak punya bpjs"."""
    has: dict[str, bool] = {}
    clauses = re.split(r"\btapi\b|\btetapi\b|\bbut\b|\bdan\b|\band\b|[,;.]", text.lower())
    for clause in clauses:
        negative = bool(NEGATION.search(clause))
        named = [
            field for field, words in DOCUMENT_WORDS.items() if any(w in clause for w in words)
        ]
        if any(w in clause for w in BOTH_WORDS) and not named:
            named = list(DOCUMENT_WORDS)
        for field in named:
            has[field] = not negative
        if not named and negative and not has:
            has = dict.fromkeys(DOCUMENT_WORDS, False)
    if not has:
        answer = extract.parse_yes_no(text)
        if answer is None:
            return None
        has = dict.fromkeys(DOCUMENT_WORDS, answer)
    key = (has.get("has_id_card", False), has.get("has_bpjs", False))
    return Parsed(
        {
            (True, True): "both",
            (True, False): "ktp_only",
            (False, True): "bpjs_only",
            (False, False): "neither",
        }[key]
    )


def _needs(text: str, _now: datetime) -> Parsed | None:
    needs = extract.parse_needs(text)
    return Parsed(sorted(set(needs))) if needs else None


def _free_text(limit: int) -> Callable[[str, datetime], Parsed | None]:
    def parse(text: str, _now: datetime) -> Parsed | None:
        stripped = text.strip()
        return Parsed(stripped[:limit]) if stripped else None

    return parse


def _contact_channel(text: str, _now: datetime) -> Parsed | None:
    value = extract.parse_contact_channel(text)
    return None if value is None else Parsed(value)


def _phone(text: str, _now: datetime) -> Parsed | None:
    value = extract.parse_phone(text)
    return None if value is None else Parsed(value)


def _safe_times(text: str, _now: datetime) -> Parsed | None:
    windows = extract.parse_safe_times(text)
    return Parsed(list(windows)) if windows else None


AS_NEEDED_WORDS = (
    "diperlukan",
    "yang perlu",
    "semua",
    "semuanya",
    "terserah",
    "as needed",
    "all of them",
    "whoever",
)


def _consent_share(text: str, _now: datetime) -> Parsed | None:
    lowered = text.lower()
    if any(w in lowered for w in AS_NEEDED_WORDS):
        return Parsed("as_needed")
    chosen = [s for s, words in SERVICE_WORDS.items() if any(w in lowered for w in words)]
    if chosen:
        return Parsed(sorted(set(chosen)))
    answer = extract.parse_yes_no(text)
    if answer is True:
        return Parsed("as_needed")
    if answer is False:
        return Parsed([])
    return None


SERVICE_WORDS: dict[str, tuple[str, ...]] = {
    "health": ("kesehatan", "rumah sakit", "puskesmas", "dokter", "health", "medical", "hospital"),
    "psychologist": ("psikolog", "konseling", "psychologist", "counsel"),
    "legal_aid": ("hukum", "pengacara", "advokat", "lbh", "legal", "lawyer"),
    "police": ("polisi", "polres", "polsek", "police"),
    "shelter": ("rumah aman", "shelter", "penampungan"),
    "social_services": ("dinas sosial", "dinsos", "pekerja sosial", "social"),
}


def _confirmed(text: str, _now: datetime) -> Parsed | None:
    # Only a clear yes confirms; anything else is a correction or gets the summary again.
    return Parsed(True) if extract.parse_yes_no(text) is True else None


PARSERS: dict[str, Callable[[str, datetime], Parsed | None]] = {
    "safe_to_talk": _yes_no,
    "shared_device": _yes_no,
    "consent_record": _yes_no,
    "reporter_role": lambda t, _n: _wrap(extract.parse_reporter_role(t)),
    "victim_age": _age,
    "victim_sex": lambda t, _n: _wrap(extract.parse_sex(t)),
    "place": _place,
    "violence_types": _violence,
    "perpetrator_relation": _relation,
    "perpetrator_lives_with_victim": _lives_with,
    "occurred": _occurred,
    "ongoing": _ongoing,
    "location_type": _location,
    "victim_disability": _disability,
    "victim_documents": _documents,
    "needs": _needs,
    "narrative": _free_text(4000),
    "contact_allowed": _yes_no,
    "contact_channel": _contact_channel,
    "contact_phone": _phone,
    "safe_times": _safe_times,
    "code_word": _free_text(40),
    "consent_share": _consent_share,
    "confirmed": _confirmed,
}


def _wrap(value: Any) -> Parsed | None:
    return None if value is None else Parsed(value)


def parse_answer(slot: str, text: str, now: datetime) -> Parsed | None:
    parser = PARSERS.get(slot)
    return parser(text, now) if parser else None


# Entities that button payloads carry, e.g. /inform{"contact_channel":"sms"}, mapped to slots.
ENTITY_TO_SLOT: dict[str, str] = {
    "reporter_role": "reporter_role",
    "victim_sex": "victim_sex",
    "occurred": "occurred",
    "location_type": "location_type",
    "contact_channel": "contact_channel",
}


# The values each entity may carry into a slot: the ticket contract's enums. The NLU model may
# extract a word it has no synonym for ("makan" from "gak dikasih makan"); such a value is dropped
# here, and the open question's text parser reads the message instead.
ALLOWED_ENTITY_VALUES: dict[str, frozenset[str]] = {
    "reporter_role": frozenset(ReporterRole),
    "victim_sex": frozenset(Sex),
    "occurred": frozenset(IncidentTiming),
    "location_type": frozenset(LocationType),
    "contact_channel": frozenset(ContactChannel),
    "violence_type": frozenset(ViolenceType),
    "need": frozenset(Need),
    "service": frozenset(ShareService) | {"as_needed"},
}


def _usable(entity_name: str, value: Any) -> bool:
    allowed = ALLOWED_ENTITY_VALUES.get(entity_name)
    return allowed is None or (isinstance(value, str) and value in allowed)


def answer_from_entities(slot: str, entities: Sequence[Mapping[str, Any]]) -> Parsed | None:
    """A button tap: the payload's entity fills the requested slot without parsing text.

    Only values of the ticket contract count; anything else is left to the text parser.
    """
    by_name: dict[str, list[Any]] = {}
    for entity in entities:
        name, value = str(entity.get("entity")), entity.get("value")
        if _usable(name, value):
            by_name.setdefault(name, []).append(value)
    for entity_name, target in ENTITY_TO_SLOT.items():
        if target == slot and by_name.get(entity_name):
            return Parsed(by_name[entity_name][0])
    choice = (by_name.get("choice") or [None])[0]
    if slot == "victim_age" and choice in ("child", "adult", "elderly"):
        return Parsed(choice)
    if slot == "victim_documents" and choice in DOCUMENT_CHOICES:
        return Parsed(choice)
    if slot == "violence_types" and by_name.get("violence_type"):
        return Parsed(sorted({str(v) for v in by_name["violence_type"]}))
    if slot == "needs" and by_name.get("need"):
        return Parsed(sorted({str(v) for v in by_name["need"]}))
    if slot == "consent_share" and by_name.get("service"):
        services = [str(v) for v in by_name["service"]]
        return Parsed("as_needed" if "as_needed" in services else sorted(set(services)))
    if slot == "place" and by_name.get("choice"):
        return None  # place choices are resolved by the form from place_candidates
    if slot == "victim_age" and by_name.get("age"):
        try:
            return Parsed(int(by_name["age"][0]))
        except (TypeError, ValueError):
            return None
    return None


# --- facts volunteered in any message -------------------------------------------------------------


# The victim's sex is always asked: "my husband beats me" says nothing reliable about it.
FACT_TO_SLOT: dict[str, str] = {
    "reporter_role": "reporter_role",
    "age": "victim_age",
    "age_group": "victim_age",
    "relation": "perpetrator_relation",
    "violence_types": "violence_types",
    "lives_with": "perpetrator_lives_with_victim",
    "ongoing": "ongoing",
    "location_type": "location_type",
    "needs": "needs",
}


def volunteered_facts(text: str, now: datetime, slots: Mapping[str, Any]) -> dict[str, Any]:
    """Facts a message gives beyond the question asked, for slots still unanswered.

    "tolong kak suami saya mukul lagi" fills the violence type, the relation and "ongoing" so the
    form does not ask them again. Never overwrites an answer and never infers consent or safety.
    """
    facts = extract.extract_facts(text, now)
    found: dict[str, Any] = {}
    for key, slot in FACT_TO_SLOT.items():
        value = _fact(facts, key)
        if value in (None, [], "") or is_answered(slots.get(slot)) or slot in found:
            continue
        named_act = _fact(facts, "violence_types") or detect_emergency(text).is_emergency
        if key == "relation" and not named_act:
            # "kekerasan yang dialami keponakan saya": a relative named without an act is the
            # victim as often as the perpetrator; only "suami saya mukul" names who did it.
            continue
        found[slot] = sorted(set(value)) if isinstance(value, list) else value
    occurred = _fact(facts, "occurred")
    if occurred not in (None, "unknown") and not is_answered(slots.get("occurred")):
        found["occurred"] = occurred
        incident_date = _fact(facts, "occurred_on")
        if incident_date is not None:
            found["incident_date"] = incident_date.isoformat()
    place = _fact(facts, "place")
    if place and not is_answered(slots.get("place")):
        parsed = _place(str(place), now)
        if parsed is not None and parsed.value is not None:
            found["place"] = parsed.value
            found.update(parsed.extra or {})
    return found


def _fact(facts: Any, key: str) -> Any:
    if isinstance(facts, Mapping):
        return facts.get(key)
    return getattr(facts, key, None)


# --- corrections ------------------------------------------------------------------------------

CORRECTABLE_FIELDS: dict[str, str] = {
    "age": "victim_age",
    "victim_age": "victim_age",
    "place": "place",
    "relation": "perpetrator_relation",
    "perpetrator_relation": "perpetrator_relation",
    "sex": "victim_sex",
    "victim_sex": "victim_sex",
    "reporter_role": "reporter_role",
    "violence_types": "violence_types",
    "occurred": "occurred",
    "location_type": "location_type",
    "needs": "needs",
    "phone": "contact_phone",
    "contact_phone": "contact_phone",
    "contact_channel": "contact_channel",
    "safe_times": "safe_times",
}


def correction(text: str, now: datetime) -> dict[str, Any] | None:
    """Slot updates for "eh salah, umurnya 15" style messages, or None if it is not a correction."""
    found = extract.parse_correction(text)
    if not found:
        return None
    field, raw = found
    slot = CORRECTABLE_FIELDS.get(field)
    if slot is None:
        return None
    if isinstance(raw, str):
        parsed = parse_answer(slot, raw, now)
        if parsed is None or parsed.value is None:
            return None
        return {slot: parsed.value, **(parsed.extra or {})}
    if slot == "place":
        parsed = _place(str(raw), now)
        return (
            None
            if parsed is None or parsed.value is None
            else {slot: parsed.value, **(parsed.extra or {})}
        )
    return {slot: raw}


def is_child_victim(slots: Mapping[str, Any]) -> bool:
    age = slots.get("victim_age")
    return (isinstance(age, int) and not isinstance(age, bool) and age < 18) or age == "child"


def child_mode(slots: Mapping[str, Any]) -> bool:
    """Child-friendly wording when the person writing is the child victim."""
    return slots.get("reporter_role") == "victim" and is_child_victim(slots)
