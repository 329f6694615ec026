"""When it happened: triage bucket and date, relative to a fixed ``now`` (Mon 10 March 2025 22:30 WIB)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from lapor_aman.extract import parse_occurred

WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "bucket", "day"),
    [
        ("tadi pagi", "last_72h", date(2025, 3, 10)),
        ("barusan", "last_72h", date(2025, 3, 10)),
        ("hari ini", "last_72h", date(2025, 3, 10)),
        ("tadi malam", "last_72h", date(2025, 3, 10)),
        ("kemarin", "last_72h", date(2025, 3, 9)),
        ("kemarin malam", "last_72h", date(2025, 3, 9)),
        ("kmrn mlm", "last_72h", date(2025, 3, 9)),
        ("kemarin lusa", "last_72h", date(2025, 3, 8)),
        ("2 hari lalu", "last_72h", date(2025, 3, 8)),
        ("tiga hari yang lalu", "last_72h", date(2025, 3, 7)),
        ("5 hari lalu", "within_month", date(2025, 3, 5)),
        ("seminggu yang lalu", "within_month", date(2025, 3, 3)),
        ("minggu lalu", "within_month", date(2025, 3, 3)),
        ("2 minggu lalu", "within_month", date(2025, 2, 24)),
        ("dua minggu yang lalu", "within_month", date(2025, 2, 24)),
        ("bulan lalu", "within_month", date(2025, 2, 8)),
        ("3 bulan lalu", "older", date(2024, 12, 10)),
        ("tahun lalu", "older", date(2024, 3, 10)),
        ("tanggal 3 kemarin", "within_month", date(2025, 3, 3)),
        ("tgl 9", "last_72h", date(2025, 3, 9)),
        ("tanggal 20", "within_month", date(2025, 2, 20)),
        ("3 Maret", "within_month", date(2025, 3, 3)),
        ("1 januari 2024", "older", date(2024, 1, 1)),
        ("14/02/2025", "within_month", date(2025, 2, 14)),
        ("sabtu kemarin", "last_72h", date(2025, 3, 8)),
        ("hari jumat lalu", "last_72h", date(2025, 3, 7)),
        ("yesterday", "last_72h", date(2025, 3, 9)),
        ("last night", "last_72h", date(2025, 3, 10)),
        ("3 days ago", "last_72h", date(2025, 3, 7)),
        ("two weeks ago", "within_month", date(2025, 2, 24)),
        ("last year", "older", date(2024, 3, 10)),
        ("last friday", "last_72h", date(2025, 3, 7)),
        ("baru baru ini", "within_month", None),
        ("sudah lama", "older", None),
        ("dari kecil", "older", None),
        ("waktu SD", "older", None),
        ("tidak ingat", "unknown", None),
        ("halo kak", "unknown", None),
        ("umur 12 tahun", "unknown", None),
        ("jam 9 malam", "unknown", None),
    ],
)
def test_parse_occurred(text: str, bucket: str, day: date | None, now: datetime) -> None:
    assert parse_occurred(text, now) == (bucket, day)


def test_morning_report_of_last_night_is_yesterday() -> None:
    morning = datetime(2025, 3, 10, 7, 0, tzinfo=WIB)

    assert parse_occurred("semalam", morning) == ("last_72h", date(2025, 3, 9))


def test_most_recent_time_named_decides(now: datetime) -> None:
    assert parse_occurred("sudah lama, terakhir kemarin", now) == ("last_72h", date(2025, 3, 9))


def test_strict_reading_ignores_now_words_that_are_not_about_the_incident(now: datetime) -> None:
    assert parse_occurred("sekarang saya di rumah ibu", now, strict=True) == ("unknown", None)
    assert parse_occurred("sekarang", now) == ("last_72h", date(2025, 3, 10))


def test_future_dates_are_not_when_it_happened(now: datetime) -> None:
    assert parse_occurred("25/12/2025", now) == ("unknown", None)
