"""The ticket contract (formulir pengaduan): one pydantic v2 definition for every consumer.

The action server sends an :class:`IntakeSubmission` (facts only); :func:`lapor_aman.tickets.service.build_ticket`
turns it into a :class:`Ticket` (facts plus computed triage, routing and deadlines). The bridge API,
storage, console and docs all derive from these models; the enums below are the only place their
values are spelled.

Run ``python -m lapor_aman.tickets.schema`` to write ``docs/ticket.schema.json``.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final

import phonenumbers
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from lapor_aman.tickets.reference import REFERENCE_PATTERN

SCHEMA_VERSION: Final = "1"

# --------------------------------------------------------------------------------------------
# Enums: the one source of truth for every coded value in a ticket.
# --------------------------------------------------------------------------------------------


class Channel(StrEnum):
    """Where the report came in."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    WEB = "web"


class Language(StrEnum):
    """Conversation language (Indonesian first)."""

    ID = "id"
    EN = "en"


class TicketStatus(StrEnum):
    """Case status; allowed moves live in :mod:`lapor_aman.tickets.status`."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    CONTACTED = "contacted"
    IN_SERVICE = "in_service"
    REFERRED = "referred"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class RiskLevel(StrEnum):
    """Triage level, most urgent first (see docs/triage.md)."""

    EMERGENCY = "emergency"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class RiskSignal(StrEnum):
    """A time-critical fact detected in the conversation or derived from the form."""

    DANGER_NOW = "danger_now"
    INJURY = "injury"
    SEXUAL_VIOLENCE_72H = "sexual_violence_72h"
    CHILD_WITH_PERPETRATOR = "child_with_perpetrator"
    THREAT_TO_KILL = "threat_to_kill"
    WEAPON = "weapon"
    SUICIDAL = "suicidal"
    PREGNANT = "pregnant"
    TRAFFICKING_IN_PROGRESS = "trafficking_in_progress"


class ReporterRole(StrEnum):
    """Who is reporting: the victim (korban), family, a companion (pendamping), a witness, other."""

    VICTIM = "victim"
    FAMILY = "family"
    COMPANION = "companion"
    WITNESS = "witness"
    OTHER = "other"


class ContactChannel(StrEnum):
    """How the service may reach the reporter; ``none`` means do not contact."""

    THIS_CHAT = "this_chat"
    PHONE_CALL = "phone_call"
    SMS = "sms"
    NONE = "none"


class AgeGroup(StrEnum):
    """Age bands used in the service's reports: anak 0–17, dewasa 18–59, lansia 60+."""

    CHILD = "child"
    ADULT = "adult"
    ELDERLY = "elderly"
    UNKNOWN = "unknown"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class ViolenceType(StrEnum):
    """Forms of violence (bentuk kekerasan) as recorded by UPTD PPA."""

    PHYSICAL = "physical"
    PSYCHOLOGICAL = "psychological"
    SEXUAL = "sexual"
    ECONOMIC = "economic"
    NEGLECT = "neglect"  # penelantaran
    EXPLOITATION = "exploitation"
    TRAFFICKING = "trafficking"  # TPPO
    ONLINE = "online"  # KBGO, online gender-based violence
    OTHER = "other"


class PerpetratorRelation(StrEnum):
    """Who the perpetrator (pelaku) is to the victim."""

    PARTNER = "partner"
    FORMER_PARTNER = "former_partner"
    PARENT = "parent"
    STEP_PARENT = "step_parent"
    OTHER_FAMILY = "other_family"
    TEACHER_OR_CAREGIVER = "teacher_or_caregiver"
    EMPLOYER_OR_COWORKER = "employer_or_coworker"
    NEIGHBOR_OR_ACQUAINTANCE = "neighbor_or_acquaintance"
    STRANGER = "stranger"
    ONLINE_CONTACT = "online_contact"
    UNKNOWN = "unknown"


class IncidentTiming(StrEnum):
    """When the (latest) incident happened, relative to the report."""

    LAST_72H = "last_72h"
    WITHIN_MONTH = "within_month"
    OLDER = "older"
    UNKNOWN = "unknown"


class LocationType(StrEnum):
    HOME = "home"
    SCHOOL = "school"
    WORKPLACE = "workplace"
    PUBLIC = "public"
    ONLINE = "online"
    OTHER = "other"
    UNKNOWN = "unknown"


class Need(StrEnum):
    """Needs the reporter states (kebutuhan layanan)."""

    MEDICAL = "medical"
    FORENSIC_EXAM = "forensic_exam"  # visum et repertum
    PSYCHOLOGICAL = "psychological"
    LEGAL = "legal"
    POLICE = "police"
    SHELTER = "shelter"  # rumah aman
    REPATRIATION = "repatriation"  # pemulangan
    INFORMATION = "information"


class ShareService(StrEnum):
    """Services a victim can separately agree to have their case shared with."""

    HEALTH = "health"
    PSYCHOLOGIST = "psychologist"
    LEGAL_AID = "legal_aid"
    POLICE = "police"
    SHELTER = "shelter"
    SOCIAL_SERVICES = "social_services"


class ConsentBasis(StrEnum):
    """Lawful basis for processing: own consent, a guardian's (child), or vital interest (danger)."""

    OWN_CONSENT = "own_consent"
    GUARDIAN = "guardian"
    VITAL_INTEREST = "vital_interest"


# --------------------------------------------------------------------------------------------
# Small value types
# --------------------------------------------------------------------------------------------

HHMM_PATTERN: Final = r"^([01]\d|2[0-3]):[0-5]\d$"
HourMinute = Annotated[str, StringConstraints(pattern=HHMM_PATTERN)]
Reference = Annotated[str, StringConstraints(pattern=REFERENCE_PATTERN)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]

# Monday=0 … Sunday=6, as ``datetime.weekday()``; names accepted in English and Indonesian.
_WEEKDAY_NAMES: Final[dict[str, int]] = {
    **{
        n: i
        for i, n in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{n: i for i, n in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        n: i for i, n in enumerate(("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"))
    },
    "jum'at": 4,
    "ahad": 6,
}
ALL_WEEKDAYS: Final = (0, 1, 2, 3, 4, 5, 6)


def weekday_number(value: int | str) -> int:
    """Monday=0 … Sunday=6 from an int or an English/Indonesian (abbreviated) day name."""
    if isinstance(value, int):
        if 0 <= value <= 6:
            return value
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {value}")
    key = value.strip().lower()
    if key.isdigit():
        return weekday_number(int(key))
    if key in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[key]
    raise ValueError(f"unknown weekday name: {value!r}")


def parse_hhmm(value: str) -> time:
    """``"07:30"`` (or ``"07.30"``, the Indonesian way) → ``time(7, 30)``."""
    match = re.fullmatch(r"([01]?\d|2[0-3])[:.]([0-5]\d)", value.strip())
    if not match:
        raise ValueError(f"expected HH:MM, got {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


class ContractModel(BaseModel):
    """Base for all contract models: unknown fields are errors so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, validate_default=True)


class SafeTimeWindow(ContractModel):
    """A window when it is safe to contact the reporter (in the serving unit's time zone).

    ``start`` later than ``end`` means the window runs past midnight (e.g. 22:00–02:00).
    """

    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=lambda: list(ALL_WEEKDAYS),
        min_length=1,
        description="Weekdays, Monday=0 … Sunday=6 (names like 'senin'/'monday' accepted on input).",
    )
    start: HourMinute = Field(description="Local start, HH:MM (24h).")
    end: HourMinute = Field(
        description="Local end, HH:MM (24h); earlier than start = past midnight."
    )

    @field_validator("days", mode="before")
    @classmethod
    def _days_from_names(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return sorted({weekday_number(v) for v in value})
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _normalise_hhmm(cls, value: Any) -> Any:
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if isinstance(value, str):
            return parse_hhmm(value).strftime("%H:%M")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> SafeTimeWindow:
        if self.start == self.end:
            raise ValueError("a safe-time window needs different start and end")
        return self

    def contains(self, local: datetime) -> bool:
        """True when ``local`` (already in the unit's zone) falls in this window."""
        start, end, clock = parse_hhmm(self.start), parse_hhmm(self.end), local.time()
        if start < end:
            return local.weekday() in self.days and start <= clock < end
        # Past midnight: the part after midnight belongs to the window that started the day before.
        if clock >= start:
            return local.weekday() in self.days
        return clock < end and (local.weekday() - 1) % 7 in self.days


class ProvinceRef(ContractModel):
    """A province by its Kemendagri code (``"64"``) and name."""

    code: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    name: ShortText


class CityRef(ContractModel):
    """A regency (kabupaten) or city (kota) by its Kemendagri code (``"64.71"``) and name."""

    code: Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}$")]
    name: ShortText


class DistrictRef(ContractModel):
    """A kecamatan (distrik in Papua) by its Kemendagri code (``"31.75.06"``) and name."""

    code: Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}$")]
    name: ShortText


# --------------------------------------------------------------------------------------------
# Form sections (facts the assistant collects)
# --------------------------------------------------------------------------------------------


class Reporter(ContractModel):
    """Who reports (pelapor). Anonymous reports are allowed: ``name_or_alias`` is optional."""

    role: ReporterRole = ReporterRole.OTHER
    is_child: bool | None = Field(default=None, description="The reporter is under 18.")
    name_or_alias: ShortText | None = None


class Contact(ContractModel):
    """If, how and when the service may contact the reporter safely."""

    allowed: bool = False
    channel: ContactChannel = ContactChannel.NONE
    phone: str | None = Field(default=None, description="E.164, e.g. +6281200001234.")
    safe_times: list[SafeTimeWindow] = Field(
        default_factory=list, description="Empty = no restriction given (ask before contacting)."
    )
    code_word: ShortText | None = Field(
        default=None, description="Word staff say so the reporter knows it is the service calling."
    )
    shared_device: bool | None = Field(
        default=None, description="Someone else reads or uses this phone: no unsolicited messages."
    )

    @field_validator("phone", mode="before")
    @classmethod
    def _phone_to_e164(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise ValueError("phone must be a string")
        return normalise_phone(value)

    @model_validator(mode="after")
    def _consistent(self) -> Contact:
        if not self.allowed and self.channel is not ContactChannel.NONE:
            raise ValueError("contact channel must be 'none' when contact is not allowed")
        if self.allowed and self.channel is ContactChannel.NONE:
            raise ValueError("choose a contact channel when contact is allowed")
        if self.channel in (ContactChannel.PHONE_CALL, ContactChannel.SMS) and not self.phone:
            raise ValueError(f"a phone number is needed for contact by {self.channel.value}")
        return self


def normalise_phone(text: str, default_region: str = "ID") -> str:
    """Parse a phone number as people type it (``0812-0000-1234``) and return E.164."""
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"not a phone number: {error}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def age_group_for(age: int | None) -> AgeGroup:
    """Age band from an age in years: anak 0–17, dewasa 18–59, lansia 60+."""
    if age is None:
        return AgeGroup.UNKNOWN
    if age < 18:
        return AgeGroup.CHILD
    if age < 60:
        return AgeGroup.ADULT
    return AgeGroup.ELDERLY


class Victim(ContractModel):
    """The victim (korban). ``age_group`` is derived from ``age`` whenever an age is given."""

    age: int | None = Field(default=None, ge=0, le=120)
    age_group: AgeGroup = AgeGroup.UNKNOWN
    sex: Sex = Sex.UNKNOWN
    disability: ShortText | None = None
    province: ProvinceRef | None = None
    city: CityRef | None = None
    district: DistrictRef | None = Field(default=None, description="Kecamatan, when known.")
    has_id_card: bool | None = Field(default=None, description="Holds a KTP / KIA.")
    has_bpjs: bool | None = Field(default=None, description="Has national health insurance (BPJS).")

    @model_validator(mode="after")
    def _derive_and_check(self) -> Victim:
        if self.age is not None:
            self.age_group = age_group_for(self.age)
        if self.city and self.province and not self.city.code.startswith(self.province.code + "."):
            raise ValueError(f"city {self.city.code} is not in province {self.province.code}")
        if self.district and self.city and not self.district.code.startswith(self.city.code + "."):
            raise ValueError(f"district {self.district.code} is not in city {self.city.code}")
        return self

    @property
    def is_child(self) -> bool:
        return self.age_group is AgeGroup.CHILD


class Incident(ContractModel):
    """What happened (kejadian)."""

    violence_types: list[ViolenceType] = Field(default_factory=list)
    perpetrator_relation: PerpetratorRelation = PerpetratorRelation.UNKNOWN
    perpetrator_lives_with_victim: bool | None = None
    ongoing: bool | None = None
    occurred: IncidentTiming = IncidentTiming.UNKNOWN
    incident_date: date | None = None
    location_type: LocationType = LocationType.UNKNOWN

    @field_validator("violence_types")
    @classmethod
    def _unique_types(cls, value: list[ViolenceType]) -> list[ViolenceType]:
        return list(dict.fromkeys(value))


class ServiceSharingConsent(ContractModel):
    """Separate consent to share the case with each kind of service (default: not agreed)."""

    health: bool = False
    psychologist: bool = False
    legal_aid: bool = False
    police: bool = False
    shelter: bool = False
    social_services: bool = False

    def allows(self, service: ShareService) -> bool:
        return bool(getattr(self, service.value))


class Consent(ContractModel):
    """What the reporter agreed to, on which consent text, when, and on what basis."""

    record: bool = Field(description="Agreed that the report is recorded.")
    contact: bool = Field(description="Agreed to be contacted by the service.")
    share_with_services: ServiceSharingConsent = Field(default_factory=ServiceSharingConsent)
    text_version: ShortText = Field(description="Version id of the consent text shown.")
    given_at: AwareDatetime | None = None
    basis: ConsentBasis = ConsentBasis.OWN_CONSENT


# --------------------------------------------------------------------------------------------
# Computed sections
# --------------------------------------------------------------------------------------------


class Risk(ContractModel):
    """Triage result (see :mod:`lapor_aman.triage` and docs/triage.md)."""

    level: RiskLevel
    signals: list[RiskSignal] = Field(default_factory=list)
    reasons: list[str] = Field(
        default_factory=list, description="Stable codes of the rules that set the level."
    )
    escalated_at: AwareDatetime | None = Field(
        default=None, description="When the case was raised to the on-call person (emergency)."
    )
    due_by: AwareDatetime = Field(description="First contact by staff is due by this time.")


class Routing(ContractModel):
    """Which unit serves the case (UPTD PPA of the city/regency, else the province, else SAPA 129)."""

    unit: ShortText = Field(description="Unit name, for display.")
    unit_id: ShortText
    on_call_unit_id: ShortText | None = Field(
        default=None, description="Unit whose on-call person takes emergencies for this case."
    )
    outreach_suggested: bool = Field(
        default=False, description="Penjangkauan: a companion should go to the victim."
    )
    region_resolved: bool = Field(
        default=False,
        description="False when the place was unknown and the national fallback was used.",
    )


# --------------------------------------------------------------------------------------------
# What the action server sends, and the ticket
# --------------------------------------------------------------------------------------------


class IntakeSubmission(ContractModel):
    """Everything the assistant collected; no computed fields (the core computes those)."""

    conversation_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Opaque id of the conversation; not a phone number or chat id."
    )
    channel: Channel
    language: Language = Language.ID
    reported_at: AwareDatetime
    reporter: Reporter = Field(default_factory=Reporter)
    contact: Contact = Field(default_factory=Contact)
    victim: Victim = Field(default_factory=Victim)
    incident: Incident = Field(default_factory=Incident)
    needs: list[Need] = Field(default_factory=list)
    narrative: LongText = Field(default="", description="Chronology in the reporter's own words.")
    consent: Consent
    risk_signals: list[RiskSignal] = Field(
        default_factory=list, description="Signals detected in the conversation."
    )

    @field_validator("needs", "risk_signals")
    @classmethod
    def _unique(cls, value: list[Any]) -> list[Any]:
        return list(dict.fromkeys(value))


class Ticket(ContractModel):
    """A triaged complaint form (formulir pengaduan) for the case manager."""

    schema_version: str = SCHEMA_VERSION
    reference: Reference = Field(description="Short code to read aloud, e.g. LA-7K3M-Q9XP.")
    conversation_id: str
    created_at: AwareDatetime
    reported_at: AwareDatetime
    channel: Channel
    language: Language
    received_outside_hours: bool
    status: TicketStatus = TicketStatus.NEW
    risk: Risk
    reporter: Reporter
    contact: Contact
    victim: Victim
    incident: Incident
    needs: list[Need]
    narrative: str
    consent: Consent
    routing: Routing
    police_report_decision_due: AwareDatetime | None = Field(
        default=None,
        description="Sexual violence: 3×24 hours after the victim's report (UU 12/2022 Art. 41).",
    )


def ticket_json_schema() -> dict[str, Any]:
    """JSON schema of :class:`Ticket` (published by the bridge in its OpenAPI document)."""
    return Ticket.model_json_schema()


def intake_json_schema() -> dict[str, Any]:
    """JSON schema of :class:`IntakeSubmission`."""
    return IntakeSubmission.model_json_schema()


def write_schema(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ticket_json_schema(), indent=2, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/ticket.schema.json")
    write_schema(target)
    print(f"wrote {target}")
