"""Free-text place → Kemendagri region, the way people write it in a chat.

"jaktim", "Jakarta Timur", "Jaktim, Cakung", "smd", "kukar", "Bpp", "balikpapn",
"tinggal di kab. bandung" … are resolved against the shipped Kemendagri tables and the alias
list in ``lapor_aman/data/regions/aliases.yml``:

1. exact names and aliases (kabupaten/kota, province, kecamatan), longest span first; a kind
   word before a name ("kota", "kab.", "kec.") narrows it; several names in one message must
   agree ("Cicalengka, Bandung" is the regency);
2. else an exact kelurahan/desa name (the whole answer, or after "desa"/"kel."), when at most
   three villages in Indonesia share it (the user then picks one);
3. else a typo-tolerant match (``rapidfuzz``) on kabupaten/kota, province and kecamatan names.

The answer is ``resolved`` (one region), ``ambiguous`` (candidates for the user to choose from)
or ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from itertools import product
from typing import Final

import yaml
from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from lapor_aman.regions.dataset import REGIONS_DIR, cities, districts, provinces, villages
from lapor_aman.tickets.schema import CityRef, DistrictRef, ProvinceRef, ShortText

ALIASES_FILE: Final = REGIONS_DIR / "aliases.yml"
MAX_SPAN_TOKENS: Final = 6
MAX_CANDIDATES: Final = 10
MAX_COMBINATIONS: Final = 10_000
# A bare desa name counts only when few villages share it (then the user picks one).
MAX_UNHINTED_VILLAGES: Final = 3
# Typo tolerance (rapidfuzz ratio, 0–100); short words need a closer match.
FUZZY_MIN_LENGTH: Final = 4
FUZZY_CUTOFF_SHORT: Final = 88.0
FUZZY_CUTOFF: Final = 84.0
FUZZY_CUTOFF_DISTRICT: Final = 90.0
FUZZY_TIE_MARGIN: Final = 3.0
FUZZY_CUTOFF_LOOKALIKE: Final = 90.0


class ResolutionStatus(StrEnum):
    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


class Precision(StrEnum):
    """The smallest region the text named."""

    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"
    VILLAGE = "village"


class VillageRef(BaseModel):
    """A kelurahan/desa by its Kemendagri code (``"64.71.01.1001"``) and name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
    name: ShortText


class Region(BaseModel):
    """A place down to the level the text named: province, then kabupaten/kota, kecamatan, desa."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    province: ProvinceRef
    city: CityRef | None = None
    district: DistrictRef | None = None
    village: VillageRef | None = None

    @property
    def code(self) -> str:
        """The most specific code."""
        return next(r.code for r in (self.village, self.district, self.city, self.province) if r)

    @property
    def precision(self) -> Precision:
        return {2: Precision.PROVINCE, 5: Precision.CITY, 8: Precision.DISTRICT}.get(
            len(self.code), Precision.VILLAGE
        )

    @property
    def label(self) -> str:
        """``"Cakung, Kota Administrasi Jakarta Timur, Daerah Khusus Ibukota Jakarta"``."""
        parts = (self.village, self.district, self.city, self.province)
        return ", ".join(p.name for p in parts if p)


class PlaceResolution(BaseModel):
    """What a free-text place answer means."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: ResolutionStatus
    region: Region | None = None
    candidates: list[Region] = Field(default_factory=list)
    precision: Precision | None = None
    fuzzy: bool = Field(default=False, description="Matched despite a typo: worth confirming.")


# --------------------------------------------------------------------------------------------
# Regions by code
# --------------------------------------------------------------------------------------------


def region_for_code(code: str) -> Region:
    """The region for any Kemendagri code (province, kabupaten/kota, kecamatan or desa)."""
    province = provinces()[code[:2]]
    region: dict[str, object] = {"province": ProvinceRef(code=province.code, name=province.name)}
    if len(code) >= 5:
        city = cities()[code[:5]]
        region["city"] = CityRef(code=city.code, name=city.name)
    if len(code) >= 8:
        district = districts()[code[:8]]
        region["district"] = DistrictRef(code=district.code, name=district.name)
    if len(code) > 8:
        village = villages()[code]
        region["village"] = VillageRef(code=village.code, name=village.name)
    return Region.model_validate(region)


# --------------------------------------------------------------------------------------------
# Text normalisation and the name indexes
# --------------------------------------------------------------------------------------------

_SEGMENT_SPLIT: Final = re.compile(r"[,;/\n()]+|\s-\s")
_NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")
_CITY_PREFIXES: Final = ("kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kota ")


def _key(text: str) -> str:
    """Index key: lowercase letters and digits only ("Toli-Toli" and "tolitoli" meet)."""
    return _NON_ALNUM.sub("", text.lower())


def _tokens(text: str) -> list[str]:
    return [t for t in _NON_ALNUM.sub(" ", text.lower().replace("'", "")).split() if t]


def _bare_city_name(name: str) -> str:
    lowered = name.lower()
    for prefix in _CITY_PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix) :]
    return name


class Kind(StrEnum):
    PROVINCE = "province"
    CITY_KOTA = "city_kota"
    CITY_KABUPATEN = "city_kabupaten"
    DISTRICT = "district"
    VILLAGE = "village"


CITY_KINDS: Final = frozenset({Kind.CITY_KOTA, Kind.CITY_KABUPATEN})


def _kind_of_code(code: str) -> Kind:
    if len(code) == 2:
        return Kind.PROVINCE
    if len(code) == 5:
        return Kind.CITY_KOTA if cities()[code].is_kota else Kind.CITY_KABUPATEN
    return Kind.DISTRICT if len(code) == 8 else Kind.VILLAGE


@dataclass(frozen=True)
class Lexicon:
    """Aliases and word lists from aliases.yml plus indexes built from the region tables."""

    admin: dict[str, frozenset[str]]  # province and kabupaten/kota names and aliases
    district: dict[str, frozenset[str]]
    fillers: frozenset[str]
    not_places_alone: frozenset[str]
    kind_words: dict[str, Kind]


def _add(index: dict[str, set[str]], name: str, code: str) -> None:
    key = _key(name)
    if key:
        index.setdefault(key, set()).add(code)


def _freeze(index: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in index.items()}


@cache
def lexicon() -> Lexicon:
    raw = yaml.safe_load(ALIASES_FILE.read_text("utf-8"))
    admin: dict[str, set[str]] = {}
    for province in provinces().values():
        _add(admin, province.name, province.code)
    for city in cities().values():
        _add(admin, city.name, city.code)
        _add(admin, _bare_city_name(city.name), city.code)
    for alias, target in raw["aliases"].items():
        for code in [target] if isinstance(target, str) else target:
            region_for_code(code)  # fails loudly on a typo in aliases.yml
            admin[_key(alias)] = set()  # an alias overrides official names with the same key
    for alias, target in raw["aliases"].items():
        for code in [target] if isinstance(target, str) else target:
            admin[_key(alias)].add(code)
    district: dict[str, set[str]] = {}
    for d in districts().values():
        _add(district, d.name, d.code)
    kind_words = {w: Kind(kind) for kind, words in raw["kind_words"].items() for w in words}
    return Lexicon(
        admin=_freeze(admin),
        district=_freeze(district),
        fillers=frozenset(raw["fillers"]),
        not_places_alone=frozenset(_key(w) for w in raw["not_places_alone"]),
        kind_words=kind_words,
    )


@cache
def _village_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for v in villages().values():
        _add(index, v.name, v.code)
    return _freeze(index)


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    codes: frozenset[str]
    level: str  # "admin" (province, kabupaten/kota) or "district" (kecamatan, or a hinted desa)
    key: str
    hinted: bool = False
    # Covers at least half of the meaningful words of its part of the message.
    covers_segment: bool = True


def _filter_kind(codes: Iterable[str], kind: Kind | None) -> frozenset[str]:
    codes = frozenset(codes)
    if kind is None:
        return codes
    narrowed = frozenset(c for c in codes if _kind_of_code(c) is kind)
    return narrowed or codes


def _scan_segment(tokens: Sequence[str], lex: Lexicon) -> list[_Hit]:
    """Longest-first exact matches of names in one comma-separated part of the text."""
    hits: list[_Hit] = []
    content = len(_content(tokens, lex))
    i = 0
    while i < len(tokens):
        hint = lex.kind_words.get(tokens[i - 1]) if i > 0 else None
        found = None
        for length in range(min(MAX_SPAN_TOKENS, len(tokens) - i), 0, -1):
            span = tokens[i : i + length]
            if all(t in lex.fillers for t in span) and " ".join(span) not in lex.admin:
                continue
            found = _match_span(span, hint or _hint_after(tokens, i + length, lex), lex)
            if found:
                hits.append(replace(found, covers_segment=2 * length >= content))
                i += length
                break
        if not found:
            i += 1
    return hits


def _hint_after(tokens: Sequence[str], index: int, lex: Lexicon) -> Kind | None:
    """ "semarang kota": a kota/kabupaten word after the name counts like one before it."""
    kind = lex.kind_words.get(tokens[index]) if index < len(tokens) else None
    return kind if kind in CITY_KINDS else None


def _match_span(span: Sequence[str], hint: Kind | None, lex: Lexicon) -> _Hit | None:
    key = _key("".join(span))
    if hint is Kind.VILLAGE and (village := _village_index().get(key)):
        return _Hit(village, "district", key, hinted=True)
    wants_district = hint in (Kind.DISTRICT, Kind.VILLAGE)
    admin = lex.admin.get(key)
    district = lex.district.get(key)
    if district and (wants_district or not admin):
        if key in lex.not_places_alone and not wants_district:
            return None
        return _Hit(district, "district", key, hinted=wants_district)
    if admin:
        kind = hint if hint is not Kind.DISTRICT else None
        return _Hit(_filter_kind(admin, kind), "admin", key, hinted=kind is not None)
    return None


def _consistent(codes: Sequence[str]) -> str | None:
    """The most specific code when every code lies inside it (e.g. "31", "31.75", "31.75.06")."""
    deepest = max(codes, key=len)
    return deepest if all(deepest == c or deepest.startswith(c + ".") for c in codes) else None


def _combine(sets: Sequence[frozenset[str]]) -> set[str]:
    """All most-specific codes that agree with one name from each set."""
    if not sets:
        return set()
    size = 1
    for s in sets:
        size *= len(s)
    if size > MAX_COMBINATIONS:
        return set()
    return {code for combo in product(*sets) if (code := _consistent(combo))}


def _collapse(codes: set[str]) -> set[str]:
    """{"15", "15.71"} (province and city both called Jambi) → {"15"}: the province is certain."""
    for code in sorted(codes, key=len):
        if all(c == code or c.startswith(code + ".") for c in codes):
            return {code}
    return codes


def _exact_codes(segments: list[list[str]], lex: Lexicon) -> set[str]:
    hits = [h for seg in segments for h in _scan_segment(seg, lex)]
    admin = [h.codes for h in hits if h.level == "admin"]
    district = [h.codes for h in hits if h.level == "district"]
    if admin:
        with_districts = _combine(admin + district) if district else set()
        codes = with_districts or _combine(admin)
        return codes or set().union(*admin)
    # Without a kota or province to check against, a kecamatan name must be most of the message
    # ("cakung", "kec. makasar"), not one word of a sentence ("tidak mau bilang").
    district_alone = [h for h in hits if h.hinted or h.covers_segment]
    if district_alone:
        sets = [_with_lookalike_cities(h, lex) for h in district_alone]
        return _combine(sets) or set().union(*sets)
    return set()


def _with_lookalike_cities(hit: _Hit, lex: Lexicon) -> frozenset[str]:
    """A bare kecamatan name that is also a near-spelling of a kota ("makasar") stays open."""
    if hit.hinted:
        return hit.codes
    return hit.codes | _fuzzy_in(hit.key, lex.admin, FUZZY_CUTOFF_LOOKALIKE)


def _content(tokens: Sequence[str], lex: Lexicon) -> list[str]:
    return [t for t in tokens if t not in lex.fillers]


def _village_codes(segments: list[list[str]], lex: Lexicon) -> set[str]:
    index = _village_index()
    found: list[frozenset[str]] = []
    for seg in segments:
        key = _key("".join(_content(seg, lex)))
        hinted = any(lex.kind_words.get(t) is Kind.VILLAGE for t in seg)
        codes = index.get(key)
        if not codes or (key in lex.not_places_alone and not hinted):
            continue
        if len(codes) <= MAX_UNHINTED_VILLAGES or hinted:
            found.append(codes)
    return _combine(found) if found else set()


def _fuzzy_in(query: str, index: dict[str, frozenset[str]], cutoff: float) -> set[str]:
    matches = process.extract(query, list(index), scorer=fuzz.ratio, score_cutoff=cutoff, limit=8)
    if not matches:
        return set()
    best = matches[0][1]
    return {
        code for key, score, _ in matches if score >= best - FUZZY_TIE_MARGIN for code in index[key]
    }


def _fuzzy_codes(segments: list[list[str]], lex: Lexicon) -> set[str]:
    found: list[frozenset[str]] = []
    for seg in segments:
        words = _content(seg, lex)
        queries = [_key("".join(words))] + [
            _key("".join(words[i : i + n]))
            for n in (2, 1)
            for i in range(len(words) - n + 1)
            if len(words) > n
        ]
        for query in queries:
            if len(query) < FUZZY_MIN_LENGTH or query in lex.not_places_alone:
                continue
            cutoff = FUZZY_CUTOFF_SHORT if len(query) <= 6 else FUZZY_CUTOFF
            codes = _fuzzy_in(query, lex.admin, cutoff) or _fuzzy_in(
                query, lex.district, max(cutoff, FUZZY_CUTOFF_DISTRICT)
            )
            if codes:
                found.append(frozenset(codes))
                break
    if not found:
        return set()
    return _combine(found) or set().union(*found)


def _segments(text: str) -> list[list[str]]:
    return [tokens for part in _SEGMENT_SPLIT.split(text) if (tokens := _tokens(part))]


def _lift(codes: set[str]) -> set[str]:
    """Too many candidates to offer (a common desa name): offer their kecamatan, kota, province."""
    for length in (8, 5, 2):
        if len(codes) <= MAX_CANDIDATES:
            break
        codes = {c[:length] for c in codes}
    return codes if len(codes) <= MAX_CANDIDATES else set()


def _resolution(codes: set[str], *, fuzzy: bool) -> PlaceResolution:
    codes = _lift(_collapse(codes))
    if not codes:
        return PlaceResolution(status=ResolutionStatus.UNKNOWN)
    regions = [region_for_code(c) for c in sorted(codes)]
    if len(regions) == 1:
        region = regions[0]
        return PlaceResolution(
            status=ResolutionStatus.RESOLVED,
            region=region,
            candidates=[region],
            precision=region.precision,
            fuzzy=fuzzy,
        )
    return PlaceResolution(status=ResolutionStatus.AMBIGUOUS, candidates=regions, fuzzy=fuzzy)


def resolve_place(text: str) -> PlaceResolution:
    """Resolve where someone says they are ("jaktim, cakung", "tinggal di bpp") to a region."""
    lex = lexicon()
    segments = _segments(text)
    if not segments:
        return PlaceResolution(status=ResolutionStatus.UNKNOWN)
    codes = _exact_codes(segments, lex) or _village_codes(segments, lex)
    if codes:
        return _resolution(codes, fuzzy=False)
    return _resolution(_fuzzy_codes(segments, lex), fuzzy=True)


def choose_candidate(text: str, candidates: Sequence[Region]) -> Region | None:
    """The user's pick among offered candidates: a number ("2"), a kind ("kota") or a name."""
    tokens = _tokens(text)
    if len(tokens) == 1 and tokens[0].isdigit():
        index = int(tokens[0]) - 1
        return candidates[index] if 0 <= index < len(candidates) else None
    lex = lexicon()
    kinds = {lex.kind_words[t] for t in tokens if t in lex.kind_words}
    by_kind = [c for c in candidates if _kind_of_code(c.code) in kinds]
    if len(by_kind) == 1:
        return by_kind[0]
    resolution = resolve_place(text)
    picked = {r.code for r in resolution.candidates}
    inside = [
        c for c in candidates if any(p == c.code or p.startswith(c.code + ".") for p in picked)
    ]
    return inside[0] if len(inside) == 1 else None


def preload() -> None:
    """Load every table and index now (about a second), so the first user does not wait."""
    lexicon()
    _village_index()
