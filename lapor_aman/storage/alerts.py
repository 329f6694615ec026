"""Emergency alerts (tanda darurat) raised mid-conversation, before any ticket exists.

When the assistant detects danger (someone in danger now, a threat to kill, suicidal thoughts...)
it reports it at once so the unit's on-call person can be reached; the alert is linked to the
ticket of the same conversation once the form is submitted. Rows carry codes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from lapor_aman.storage.db import Base
from lapor_aman.storage.types import UTCDateTime, utcnow


class EmergencyAlert(Base):
    __tablename__ = "emergency_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    # RiskSignal values, e.g. ["danger_now"].
    signals: Mapped[list[str]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    # Kemendagri code of the province or kabupaten/kota when the assistant knew it.
    region_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )


@dataclass(frozen=True)
class AlertView:
    id: int
    conversation_id: str
    signals: tuple[str, ...]
    channel: str
    language: str
    unit_id: str
    region_code: str | None
    created_at: datetime
    notified_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    ticket_id: int | None


def view_of(row: EmergencyAlert) -> AlertView:
    return AlertView(
        id=row.id,
        conversation_id=row.conversation_id,
        signals=tuple(row.signals),
        channel=row.channel,
        language=row.language,
        unit_id=row.unit_id,
        region_code=row.region_code,
        created_at=row.created_at,
        notified_at=row.notified_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        ticket_id=row.ticket_id,
    )


class AlertRepository:
    """Alert queries inside one unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        conversation_id: str,
        signals: list[str],
        channel: str,
        language: str,
        unit_id: str,
        region_code: str | None,
        ticket_id: int | None = None,
    ) -> AlertView:
        row = EmergencyAlert(
            conversation_id=conversation_id,
            signals=signals,
            channel=channel,
            language=language,
            unit_id=unit_id,
            region_code=region_code,
            created_at=utcnow(),
            ticket_id=ticket_id,
        )
        self._session.add(row)
        self._session.flush()
        return view_of(row)

    def raise_or_merge(
        self,
        conversation_id: str,
        signals: list[str],
        channel: str,
        language: str,
        unit_id: str,
        region_code: str | None,
        since: datetime,
        ticket_id: int | None = None,
    ) -> AlertView:
        """A new alert, or the conversation's open alert raised after ``since`` with the signals added.

        One conversation that keeps saying it is in danger is one alert, not a message per turn.
        """
        row = self._session.scalar(
            select(EmergencyAlert)
            .where(
                EmergencyAlert.conversation_id == conversation_id,
                EmergencyAlert.acknowledged_at.is_(None),
                EmergencyAlert.created_at >= since,
            )
            .order_by(EmergencyAlert.id.desc())
            .limit(1)
        )
        if row is None:
            return self.add(
                conversation_id, signals, channel, language, unit_id, region_code, ticket_id
            )
        row.signals = list(dict.fromkeys([*row.signals, *signals]))
        if ticket_id is not None and row.ticket_id is None:
            row.ticket_id = ticket_id
        self._session.flush()
        return view_of(row)

    def get(self, alert_id: int) -> AlertView | None:
        row = self._session.get(EmergencyAlert, alert_id)
        return view_of(row) if row else None

    def last_notified(self, conversation_id: str) -> datetime | None:
        """When the on-call person was last alerted about this conversation."""
        return self._session.scalar(
            select(EmergencyAlert.notified_at)
            .where(
                EmergencyAlert.conversation_id == conversation_id,
                EmergencyAlert.notified_at.is_not(None),
            )
            .order_by(EmergencyAlert.notified_at.desc())
            .limit(1)
        )

    def mark_notified(self, alert_id: int, at: datetime) -> None:
        self._session.execute(
            update(EmergencyAlert).where(EmergencyAlert.id == alert_id).values(notified_at=at)
        )

    def link_conversation(self, conversation_id: str, ticket_id: int) -> int:
        """Attach the conversation's unlinked alerts to its ticket; returns how many."""
        result = self._session.execute(
            update(EmergencyAlert)
            .where(
                EmergencyAlert.conversation_id == conversation_id,
                EmergencyAlert.ticket_id.is_(None),
            )
            .values(ticket_id=ticket_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def acknowledge(self, alert_id: int, staff_id: int | None) -> AlertView | None:
        row = self._session.get(EmergencyAlert, alert_id)
        if row is None:
            return None
        if row.acknowledged_at is None:
            row.acknowledged_at, row.acknowledged_by = utcnow(), staff_id
            self._session.flush()
        return view_of(row)

    def open_alerts(self, visible_units: list[str] | None, limit: int = 100) -> list[AlertView]:
        """Unacknowledged alerts, newest first."""
        query = (
            select(EmergencyAlert)
            .where(EmergencyAlert.acknowledged_at.is_(None))
            .order_by(EmergencyAlert.id.desc())
            .limit(limit)
        )
        if visible_units is not None:
            query = query.where(EmergencyAlert.unit_id.in_(visible_units))
        return [view_of(row) for row in self._session.scalars(query)]

    def awaiting_notification(self, since: datetime) -> list[AlertView]:
        rows = self._session.scalars(
            select(EmergencyAlert)
            .where(EmergencyAlert.notified_at.is_(None), EmergencyAlert.created_at >= since)
            .order_by(EmergencyAlert.id)
        )
        return [view_of(row) for row in rows]
