"""Pre-fill the complaint form from free text, and read corrections ("eh salah, umurnya 15")."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, TypedDict

from lapor_aman.extract.contact import (
    ContactChannel,
    SafeTimeWindow,
    parse_contact_channel,
    parse_phone,
    parse_safe_times,
)
from lapor_aman.extract.incident import (
    LocationType,
    Need,
    ViolenceType,
    parse_lives_with,
    parse_location_type,
    parse_needs,
    parse_ongoing,
    parse_violence_types,
)
from lapor_aman.extract.people import (
    AgeGroup,
    Relation,
    ReporterRole,
    Sex,
    parse_age,
    parse_age_group,
    parse_place,
    parse_relation,
    parse_reporter_role,
    parse_sex,
)
from lapor_aman.extract.when import OccurredBucket, parse_occurred
from lapor_aman.normalize import normalize

_CONTACT_CONTEXT = re.compile(
    r"\b(hubungi|dihubungi|menghubungi|kontak|dikontak|telepon|telpon|ditelepon|nelpon|chat|sms|wa|"
    r"contact|call|text|reach|message)\b"
)
_CORRECTION_MARKERS = re.compile(
    r"^\s*(?:eh\s+|oh\s+|aduh\s+|maaf\s+|sorry\s+|sori\s+)*(?:salah(?:\s+ketik)?|ralat|koreksi|maksudnya|"
    r"maksud\s+(?:saya|aku|gue|ku)|yang\s+benar(?:nya)?|seharusnya|harusnya|keliru|typo|i\s+mean|"
    r"correction|sorry\s+i\s+meant|i\s+meant|wait)\b[\s,.:;!-]*",
)
_BUT_RATHER = re.compile(r"\bbukan\b.*?\b(?:tapi|tetapi|melainkan|but)\b\s*(.*)$")
_FIELD_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("phone", re.compile(r"\b(nomor|no hp|nomer|hp|telepon|phone|number|wa)\b")),
    ("age", re.compile(r"\b(umur|usia|umurnya|usianya|age|tahun|thn|years old)\b")),
    (
        "place",
        re.compile(
            r"\b(tinggal|tinggalnya|domisili|alamat|daerah|kota|kabupaten|live|lives|desa)\b"
        ),
    ),
    ("relation", re.compile(r"\b(pelaku|pelakunya|yang melakukan|perpetrator|abuser)\b")),
    (
        "sex",
        re.compile(
            r"\b(perempuan|laki laki|lelaki|cewek|cowok|pria|wanita|jenis kelamin|female|male)\b"
        ),
    ),
    ("occurred", re.compile(r"\b(kejadian|kejadiannya|terjadi|waktunya|tanggal|happened)\b")),
    ("location_type", re.compile(r"\b(tempat kejadian|lokasi|tempatnya|where)\b")),
)


class Facts(TypedDict, total=False):
    """Complaint-form facts found in a message; a key is present only when the message said it.

    Values are exactly the ticket's enum strings.
    """

    age: int
    age_group: AgeGroup
    sex: Sex
    reporter_role: ReporterRole
    relation: Relation
    violence_types: list[ViolenceType]
    lives_with: bool
    ongoing: bool
    occurred: OccurredBucket
    occurred_on: date
    location_type: LocationType
    place: str
    needs: list[Need]
    contact_channel: ContactChannel
    phone: str
    safe_times: list[SafeTimeWindow]


def extract_facts(text: str, now: datetime) -> Facts:
    """Everything the message already says, read cautiously (nothing is guessed).

    Used on the opener and every later message so the bot does not ask again. Example:
    "tolong kak suami saya mukul lagi, anak2 nangis" -> violence_types [physical], relation
    partner, ongoing True; lives_with stays absent (not said).
    """
    facts: Facts = {}
    found: dict[str, Any] = {
        "age": parse_age(text, strict=True),
        "age_group": parse_age_group(text, strict=True),
        "sex": parse_sex(text, strict=True),
        "reporter_role": parse_reporter_role(text, strict=True),
        "relation": parse_relation(text, strict=True),
        "violence_types": parse_violence_types(text) or None,
        "lives_with": parse_lives_with(text),
        "ongoing": parse_ongoing(text),
        "location_type": parse_location_type(text, strict=True),
        "place": parse_place(text, strict=True),
        "needs": parse_needs(text) or None,
        "phone": parse_phone(text),
    }
    bucket, day = parse_occurred(text, now, strict=True)
    if bucket != "unknown":
        found["occurred"] = bucket
        found["occurred_on"] = day
    if _CONTACT_CONTEXT.search(normalize(text)):
        found["contact_channel"] = parse_contact_channel(text)
        found["safe_times"] = parse_safe_times(text) or None
    for key, value in found.items():
        if value is not None:
            facts[key] = value  # type: ignore[literal-required]
    return facts


def _correction_body(text: str) -> str | None:
    normalized = normalize(text)
    rather = _BUT_RATHER.search(normalized)
    if rather and rather.group(1).strip():
        return rather.group(1).strip()
    marker = _CORRECTION_MARKERS.match(normalized)
    if marker:
        return normalized[marker.end() :].strip() or None
    return None


def _parse_field(field: str, body: str, original: str) -> Any:
    parsers: dict[str, Any] = {
        "phone": lambda: parse_phone(original),
        "age": lambda: parse_age(body),
        "place": lambda: parse_place(_original_tail(original, body)) or parse_place(body),
        "relation": lambda: parse_relation(body),
        "sex": lambda: parse_sex(body),
        "occurred": lambda: None,
        "location_type": lambda: parse_location_type(body),
    }
    return parsers[field]()


def _original_tail(original: str, body: str) -> str:
    """The body's words in their original spelling and case (place names keep their capitals)."""
    words = original.split()
    count = len(body.split())
    return " ".join(words[-count:]) if count else original


def parse_correction(text: str) -> tuple[str, Any] | None:
    """Which field a correction changes, and its new value.

    "eh salah, umurnya 15" -> ("age", 15); "ralat, tinggalnya di Bekasi" -> ("place", "Bekasi");
    "maksudnya pelakunya om nya" -> ("relation", "other_family"); "bukan laki laki tapi perempuan"
    -> ("sex", "female"). None when the message is not a correction. Place text is returned as
    written: resolving it to a region is the regions resolver's job.
    """
    body = _correction_body(text)
    if body is None:
        return None
    for field, cue in _FIELD_CUES:
        if cue.search(body):
            value = _parse_field(field, body, text)
            if value is not None:
                return field, value
    for field, parse in (
        ("phone", lambda: parse_phone(text)),
        ("age", lambda: parse_age(body)),
        ("relation", lambda: parse_relation(body)),
        ("sex", lambda: parse_sex(body)),
        ("reporter_role", lambda: parse_reporter_role(body)),
        ("violence_types", lambda: parse_violence_types(body) or None),
        ("location_type", lambda: parse_location_type(body)),
        ("place", lambda: parse_place(_original_tail(text, body))),
    ):
        value = parse()
        if value is not None:
            return field, value
    return None


__all__ = ["Facts", "extract_facts", "parse_correction"]
