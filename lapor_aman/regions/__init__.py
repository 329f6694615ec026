"""Indonesian administrative regions (Kemendagri codes) and free-text place resolution."""

from lapor_aman.regions.resolver import (
    PlaceResolution,
    Precision,
    Region,
    ResolutionStatus,
    choose_candidate,
    preload,
    region_for_code,
    resolve_place,
)

__all__ = [
    "PlaceResolution",
    "Precision",
    "Region",
    "ResolutionStatus",
    "choose_candidate",
    "preload",
    "region_for_code",
    "resolve_place",
]
