"""How and when the service may safely contact the reporter."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, TypedDict, get_args

import phonenumbers

from lapor_aman.extract._common import book, labelled_matches, own_value, positive_matches, section
from lapor_aman.normalize import TokenText, normalize

ContactChannel = Literal["this_chat", "phone_call", "sms", "none"]
WEEK: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKING_DAYS: tuple[str, ...] = WEEK[:5]
WEEKEND: tuple[str, ...] = WEEK[5:]
DEFAULT_REGION = "ID"
_MIN_PHONE_DIGITS = 9
_NOON = 12
_SIANG_LATEST_MORNING_HOUR = 10
_DAY_START = "00:00"
_DAY_END = "23:59"

_SEGMENT_SPLIT = re.compile(r"\s*(?:[,;\n]|\batau\b|\bor\b)\s*")
_TIME = re.compile(
    r"(?:(?P<cue>jam|pukul|pkl|at)\s+)?(?P<hour>\d{1,2})(?:\s*[:.]\s*(?P<minute>\d{2}))?"
    r"(?:\s*(?P<ampm>am|pm))?(?:\s+(?P<part>pagi|siang|sore|malam|subuh|dini hari|morning|afternoon|evening|night))?"
)
_RANGE_BETWEEN = re.compile(
    r"^\s*(?:-|–|sampai|sampe|hingga|s d|s/d|to|until|till|through)\s*(?:jam\s+|pukul\s+)?$"
)


class SafeTimeWindow(TypedDict):
    """When it is safe to contact: ``days`` (mon..sun), ``start``/``end`` "HH:MM" local time."""

    days: list[str]
    start: str
    end: str


def parse_contact_channel(text: str) -> ContactChannel | None:
    """this_chat / phone_call / sms / none ("jangan hubungi"); the first channel not refused wins.

    "jangan telepon" alone refuses a channel without choosing one: None (ask again).
    """
    own = own_value(text, get_args(ContactChannel))
    if own:
        return own  # type: ignore[return-value]
    tokens = TokenText.from_text(text)
    refusals = book("contact", "channels", "none").find(tokens)
    books = [
        (label, book("contact", "channels", label)) for label in ("this_chat", "phone_call", "sms")
    ]
    chosen = [
        (label, match)
        for label, match in labelled_matches(tokens, books)
        if not any(r.start <= match.start < r.end for r in refusals)
    ]
    if refusals and all(match.start < refusals[0].start for _, match in chosen):
        return "none"
    return chosen[0][0] if chosen else None  # type: ignore[return-value]


def parse_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """The first phone number in the text, in E.164 ("0812-0000-1234" -> "+6281200001234")."""
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.POSSIBLE
    ):
        number = match.number
        if len(phonenumbers.national_significant_number(number)) + 1 >= _MIN_PHONE_DIGITS:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


# --- safe contact times --------------------------------------------------------------------


@lru_cache(maxsize=1)
def _day_parts() -> dict[str, tuple[str, str]]:
    return {
        normalize(str(k)): (str(v[0]), str(v[1]))
        for k, v in section("contact", "day_parts").items()
    }


@lru_cache(maxsize=1)
def _words(key: str) -> frozenset[str]:
    return frozenset(normalize(str(w)) for w in section("contact", key))


def _days_in(segment: TokenText) -> list[str]:
    days: set[str] = set()
    groups = {"weekdays": WORKING_DAYS, "weekend": WEEKEND, "every_day": WEEK}
    for group, members in groups.items():
        if positive_matches(segment, book("contact", "day_groups", group)):
            days.update(members)
    for day in WEEK:
        for match in positive_matches(segment, book("contact", "weekdays", day)):
            previous = segment.tokens[match.start - 1] if match.start > 0 else ""
            if not previous.isdigit() and previous not in {"se", "beberapa"}:
                days.add(day)
    return [day for day in WEEK if day in days]


def _to_24h(hour: int, part: str | None, ampm: str | None) -> int:
    if ampm == "pm" and hour < _NOON:
        return hour + _NOON
    if ampm == "am" and hour == _NOON:
        return 0
    if part is None or hour >= _NOON:
        return hour
    if part == "siang":
        return hour if hour >= _SIANG_LATEST_MORNING_HOUR else hour + _NOON
    return hour + _NOON if part in _words("pm_parts") else hour


def _clock(hour: int, minute: int = 0) -> str:
    return f"{min(hour, 23):02d}:{minute:02d}" if hour < 24 else _DAY_END


def _segment_part(segment: str) -> str | None:
    for part in sorted(_day_parts(), key=len, reverse=True):
        if re.search(rf"\b{re.escape(part)}\b", segment):
            return part
    return None


def _window_from_times(segment: str, times: list[re.Match[str]]) -> tuple[str, str] | None:
    part = _segment_part(segment)

    def hour_of(match: re.Match[str], fallback_part: str | None) -> tuple[int, int]:
        hour = int(match.group("hour"))
        minute = int(match.group("minute") or 0)
        return _to_24h(hour, match.group("part") or fallback_part, match.group("ampm")), minute

    first = times[0]
    if len(times) >= 2 and _RANGE_BETWEEN.match(segment[first.end() : times[1].start()]):
        start_h, start_m = hour_of(first, None if times[1].group("part") else part)
        end_h, end_m = hour_of(times[1], part)
        if end_h < start_h and end_h < _NOON:
            end_h += _NOON
        return _clock(start_h, start_m), _clock(end_h, end_m)
    hour, minute = hour_of(first, part)
    before = segment[: first.start()]
    if any(re.search(rf"\b{re.escape(w)}\s*$", before) for w in _words("after_words")):
        return _clock(hour, minute), _DAY_END
    if any(re.search(rf"\b{re.escape(w)}\s*$", before) for w in _words("before_words")):
        start = _day_parts()[part][0] if part else _DAY_START
        return start, _clock(hour, minute)
    return _clock(hour, minute), _clock(hour + 1, minute)


def _times_in(segment: str) -> list[re.Match[str]]:
    """Hours that are clock times: after "jam"/"pukul", with minutes or am/pm, or in a range."""
    found = list(_TIME.finditer(segment))
    clock_like = [
        m
        for m in found
        if m.group("cue") or m.group("minute") or m.group("ampm") or m.group("part")
    ]
    if clock_like and len(found) >= 2:
        return [m for m in found if 0 <= int(m.group("hour")) <= 24]
    if not clock_like and found and all(0 <= int(m.group("hour")) <= 24 for m in found[:2]):
        first = found[0]
        # A bare range ("weekdays 10-12") or a bare hour after "after"/"before" ("after 9") is a time.
        if len(found) >= 2 and _RANGE_BETWEEN.match(segment[first.end() : found[1].start()]):
            return found[:2]
        before = segment[: first.start()]
        cues = _words("after_words") | _words("before_words")
        if any(re.search(rf"\b{re.escape(w)}\s*$", before) for w in cues):
            return [first]
    return [m for m in clock_like if 0 <= int(m.group("hour")) <= 24]


def parse_safe_times(text: str) -> list[SafeTimeWindow]:
    """When it is safe to be contacted, as windows ("malam di atas jam 9" -> every day 21:00-23:59).

    Parts split on "," / "atau" are separate windows; days named alone ("senin dan rabu") carry to
    the next part with a time. Without days a window holds every day. "kapan saja" is all day.
    Limit: refusals inside a sentence ("jangan jam 5-9") are not subtracted; such parts are dropped.
    """
    windows: list[SafeTimeWindow] = []
    pending_days: list[str] = []
    for raw_segment in _SEGMENT_SPLIT.split(normalize(text)):
        segment = raw_segment.strip()
        if not segment:
            continue
        tokens = TokenText.from_text(segment)
        if any(t in {"jangan", "not"} for t in tokens.tokens):
            continue
        days = sorted(set(_days_in(tokens)) | set(pending_days), key=WEEK.index)
        times = _times_in(segment)
        part = _segment_part(segment)
        any_time = book("contact", "any_time").any_in(tokens)
        if times:
            window = _window_from_times(segment, times)
        elif part:
            window = _day_parts()[part]
        elif any_time:
            window = (_DAY_START, _DAY_END)
        elif days:
            pending_days = days
            continue
        else:
            continue
        if window:
            windows.append({"days": days or list(WEEK), "start": window[0], "end": window[1]})
            pending_days = []
    if pending_days:
        windows.append({"days": pending_days, "start": _DAY_START, "end": _DAY_END})
    return _unique(windows)


def _unique(windows: list[SafeTimeWindow]) -> list[SafeTimeWindow]:
    seen: list[SafeTimeWindow] = []
    for window in windows:
        if window not in seen:
            seen.append(window)
    return seen
