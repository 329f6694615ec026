"""When the incident happened, as the triage bucket and (when it can be computed) the date.

Indonesian relative expressions are read from the lexicon first ("kemarin malam", "tadi pagi",
"2 minggu lalu", "tanggal 3 kemarin"), because ``dateparser`` misses several of them; calendar
dates ("3 Maret", "14/02/2025", "last Friday") go to ``dateparser``, offline, with ``now`` as base.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import dateparser

from lapor_aman.extract._common import book, longest_first, number_at, section
from lapor_aman.normalize import TokenText, normalize

OccurredBucket = Literal["last_72h", "within_month", "older", "unknown"]
LAST_72H_DAYS = 3
WITHIN_MONTH_DAYS = 31
_EVENING_HOUR = 18
_DATE_WORDS = frozenset(
    {
        "senin",
        "selasa",
        "rabu",
        "kamis",
        "jumat",
        "sabtu",
        "minggu",
        "ahad",
        "hari",
        "pekan",
        "bulan",
        "tahun",
    }
)
_BUCKET_URGENCY: dict[str, int] = {"last_72h": 3, "within_month": 2, "older": 1, "unknown": 0}

_MONTHS = (
    r"januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|"
    r"jan|feb|mar|apr|jun|jul|agu|agt|ags|sep|sept|okt|nov|des|des|"
    r"january|february|march|may|june|july|august|october|december|aug|oct|dec"
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?\b")
_NAMED_DATE = re.compile(rf"\b(?:(\d{{1,2}})\s+)?({_MONTHS})\b(?:\s+(\d{{4}}))?")
_DAY_OF_MONTH = re.compile(r"\b(?:tanggal|on the)\s+(\d{1,2})\b")
_LAST_WEEKDAY = re.compile(
    r"\b(?:hari\s+)?(senin|selasa|rabu|kamis|jumat|jum at|sabtu|minggu|ahad|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)(?:\s+(lalu|kemarin|kemaren|yang lalu))?\b|\blast\s+(monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)\b"
)
_WEEKDAY_NUMBERS = {
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "jum at": 4,
    "sabtu": 5,
    "minggu": 6,
    "ahad": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}


def bucket_for(day: date, now: datetime) -> OccurredBucket:
    """last_72h / within_month / older for a date (a date-only value counts the whole day)."""
    days = (now.date() - day).days
    if days <= LAST_72H_DAYS:
        return "last_72h"
    return "within_month" if days <= WITHIN_MONTH_DAYS else "older"


@lru_cache(maxsize=1)
def _occurred() -> dict[str, Any]:
    return dict(section("contact", "occurred"))


def _phrase_dates(
    tokens: TokenText, now: datetime, *, strict: bool
) -> list[tuple[OccurredBucket, date | None]]:
    """ "tadi pagi", "semalam", "kemarin", "kemarin lusa", plus vague "baru baru ini", "sudah lama"."""
    today = now.date()
    days = {
        "today": today,
        "last_night": today - timedelta(days=1) if now.hour < _EVENING_HOUR else today,
        "yesterday": today - timedelta(days=1),
        "day_before_yesterday": today - timedelta(days=2),
    }
    books = [(key, book("contact", "occurred", key)) for key in days]
    found: list[tuple[OccurredBucket, date | None]] = []
    for key, match in longest_first(
        (key, m) for key, phrases in books for m in phrases.find(tokens)
    ):
        if strict and key == "today" and match.text in _weak_today():
            continue
        previous = tokens.tokens[match.start - 1] if match.start > 0 else ""
        if key == "yesterday" and (previous.isdigit() or previous in _DATE_WORDS):
            continue  # "tanggal 3 kemarin", "senin kemarin": "kemarin" means "recent", not "yesterday"
        found.append((bucket_for(days[key], now), days[key]))
    for bucket in ("within_month", "older"):
        if book("contact", "occurred", bucket).any_in(tokens):
            found.append((bucket, None))  # type: ignore[arg-type]
    return found


@lru_cache(maxsize=1)
def _weak_today() -> frozenset[str]:
    return frozenset(
        normalize(w) for w in ("sekarang", "saat ini", "now", "right now", "sedang", "lagi")
    )


def _relative_dates(tokens: list[str], now: datetime) -> list[tuple[OccurredBucket, date | None]]:
    """ "2 minggu lalu", "tiga hari yang lalu", "seminggu lalu", "bulan lalu", "5 days ago"."""
    data = _occurred()
    units = {normalize(str(k)): int(v) for k, v in data["units"].items()}
    singles = {normalize(str(k)): int(v) for k, v in data["single_units"].items()}
    last_units = {normalize(str(k)): int(v) for k, v in data["last_unit"].items()}
    ago = [normalize(str(w)).split() for w in data["ago"]]
    found: list[tuple[OccurredBucket, date | None]] = []

    def ago_at(index: int) -> bool:
        return any(tokens[index : index + len(words)] == words for words in ago)

    for index in range(len(tokens)):
        number = number_at(tokens, index)
        span: tuple[int, int] | None = None
        if number and number[1] < len(tokens) and tokens[number[1]] in units:
            span = (number[0] * units[tokens[number[1]]], number[1] + 1)
        elif tokens[index] in singles:
            span = (singles[tokens[index]], index + 1)
        if span and span[1] <= len(tokens) and ago_at(span[1]):
            day = now.date() - timedelta(days=span[0])
            found.append((bucket_for(day, now), day))
        pair = " ".join(tokens[index : index + 2])
        if pair in last_units and not (index > 0 and number_at(tokens, index - 1)):
            day = now.date() - timedelta(days=last_units[pair])
            found.append((bucket_for(day, now), day))
    return found


def _dateparser(text: str, now: datetime) -> date | None:
    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": ["day"],
    }
    parsed = dateparser.parse(text, languages=["id", "en"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def _calendar_dates(normalized: str, now: datetime) -> list[tuple[OccurredBucket, date | None]]:
    found: list[tuple[OccurredBucket, date | None]] = []
    today = now.date()
    for match in _NUMERIC_DATE.finditer(normalized):
        day = _dateparser(match.group(0).replace(" ", ""), now)
        if day and day <= today:
            found.append((bucket_for(day, now), day))
    for match in _NAMED_DATE.finditer(normalized):
        if match.group(1) is None:
            continue
        day = _dateparser(match.group(0), now)
        if day and day > today:
            day = day.replace(year=day.year - 1)
        if day:
            found.append((bucket_for(day, now), day))
    if not found:
        for match in _DAY_OF_MONTH.finditer(normalized):
            day_number = int(match.group(1))
            day = _day_of_recent_month(day_number, today)
            if day:
                found.append((bucket_for(day, now), day))
    for match in _LAST_WEEKDAY.finditer(normalized):
        name = match.group(1) or match.group(3)
        if name == "minggu" and not match.group(0).startswith("hari"):
            continue  # "minggu lalu" is last week; only "hari minggu" is Sunday
        strictly_before = bool(match.group(2) or match.group(3))
        day = _last_weekday(_WEEKDAY_NUMBERS[name], today, strictly_before=strictly_before)
        found.append((bucket_for(day, now), day))
    return found


def _day_of_recent_month(day_number: int, today: date) -> date | None:
    """ "tanggal 3": the 3rd of this month, or of last month if that is still to come."""
    if not 1 <= day_number <= 31:
        return None
    month_start = today.replace(day=1)
    for start in (month_start, (month_start - timedelta(days=1)).replace(day=1)):
        try:
            candidate = start.replace(day=day_number)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def _last_weekday(weekday: int, today: date, *, strictly_before: bool) -> date:
    back = (today.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return today - timedelta(days=back)


def parse_occurred(
    text: str, now: datetime, *, strict: bool = False
) -> tuple[OccurredBucket, date | None]:
    """("last_72h" | "within_month" | "older" | "unknown", date or None) for when it happened.

    ``now`` is the (timezone-aware) moment the message arrived, so results are reproducible.
    When several times are named the most recent one counts (the last incident decides triage).
    ``strict`` (free text): "sekarang"/"lagi" alone are not read as "it happened today".
    """
    tokens = TokenText.from_text(text)
    normalized = " ".join(tokens.tokens)
    candidates = _phrase_dates(tokens, now, strict=strict)
    candidates += _relative_dates(list(tokens.tokens), now)
    candidates += _calendar_dates(normalized, now)
    if not candidates:
        return "unknown", None
    dated = [c for c in candidates if c[1] is not None]
    if dated:
        best = max(dated, key=lambda c: c[1] or date.min)
        vague = max(candidates, key=lambda c: _BUCKET_URGENCY[c[0]])
        if _BUCKET_URGENCY[vague[0]] > _BUCKET_URGENCY[best[0]]:
            return vague
        return best
    return max(candidates, key=lambda c: _BUCKET_URGENCY[c[0]])
