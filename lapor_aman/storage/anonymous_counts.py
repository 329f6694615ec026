"""Anonymous counts (hitungan anonim): reports whose reporter declined recording.

Nothing of such a conversation is stored; only a daily count per channel, language and unit,
so the service can still see how many people reached it and left without a record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Integer, String, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from lapor_aman.storage.db import Base, session_scope


class AnonymousCount(Base):
    __tablename__ = "anonymous_counts"
    __table_args__ = (
        UniqueConstraint("day", "channel", "language", "unit_id", name="uq_anonymous_counts_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Local date in the unit's time zone.
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    unit_id: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True)
class CountRow:
    day: date
    channel: str
    language: str
    unit_id: str
    count: int


def increment(
    session_factory: sessionmaker[Session], day: date, channel: str, language: str, unit_id: str
) -> None:
    """Add one to the day's count (an insert the first time; safe under concurrent requests)."""
    key = (
        AnonymousCount.day == day,
        AnonymousCount.channel == channel,
        AnonymousCount.language == language,
        AnonymousCount.unit_id == unit_id,
    )
    for _ in range(3):
        with session_scope(session_factory) as session:
            result = session.execute(
                update(AnonymousCount).where(*key).values(count=AnonymousCount.count + 1)
            )
            if int(getattr(result, "rowcount", 0) or 0) > 0:
                return
        try:
            with session_scope(session_factory) as session:
                session.add(
                    AnonymousCount(
                        day=day, channel=channel, language=language, unit_id=unit_id, count=1
                    )
                )
            return
        except IntegrityError:
            continue  # another request inserted the row first: update it
    raise RuntimeError("could not record the anonymous count")


def counts(session: Session, start: date, end: date) -> list[CountRow]:
    """Counts for days ``start``..``end`` inclusive."""
    rows = session.scalars(
        select(AnonymousCount)
        .where(AnonymousCount.day >= start, AnonymousCount.day <= end)
        .order_by(AnonymousCount.day, AnonymousCount.unit_id, AnonymousCount.channel)
    )
    return [CountRow(r.day, r.channel, r.language, r.unit_id, r.count) for r in rows]
