"""Inbox: every message a channel gateway received, stored before the platform gets its 200.

The inbox is the system of record for inbound chat traffic (Redis only queues, it keeps nothing on
disk). A row holds the message text and the reply address only until the message is handled; then
both are erased and the row keeps metadata for audit (channel, hashed sender, kind, media
metadata, timestamps, attempts). Platform ids are stored as keyed hashes: a WhatsApp ``wamid``
encodes the sender's phone number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from lapor_aman.storage.db import Base


class InboxStatus(StrEnum):
    """Where an inbound message is in its life."""

    PENDING = "pending"  # stored, not yet answered by the assistant
    ANSWERED = "answered"  # the assistant answered; replies still in the outbox
    DONE = "done"  # replies delivered (or undeliverable); text erased
    EXPIRED = "expired"  # could not be handled in time; text erased


OPEN_STATUSES = (InboxStatus.PENDING.value, InboxStatus.ANSWERED.value)


class InboxMessage(Base):
    """One inbound chat message (pesan masuk) as the gateway received it."""

    __tablename__ = "inbox_messages"
    __table_args__ = (
        UniqueConstraint("channel", "dedup_key", name="uq_inbox_messages_channel_dedup_key"),
        Index("ix_inbox_messages_sender_open", "sender_key", "status", "id"),
        Index("ix_inbox_messages_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    # Keyed hash of the platform's message/update id (never the id itself).
    dedup_key: Mapped[str] = mapped_column(String(64))
    # Keyed hash of the sender, the same id Rasa sees ("tg:…", "wa:…").
    sender_key: Mapped[str] = mapped_column(String(80))
    # text, command, button, media, rate_limited (see integrations/gateway/inbound.py).
    kind: Mapped[str] = mapped_column(String(24))
    # What the assistant is told; erased once handled.
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Channel data needed to answer (chat id, phone number, callback id); erased once handled.
    routing: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # Media metadata for staff (type, file id, size, mime type); never the content.
    media: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # Assistant replies not yet delivered to the platform; erased once delivered.
    outbox: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16), default=InboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    apology_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    # A short error code (never a message text), e.g. "rasa_unavailable".
    last_error: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # When the platform says the user sent it (WhatsApp's 24 h window counts from here).
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When the reconciler should (re)queue the row if it is still open.
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class NewInboxMessage:
    """What a gateway hands to the inbox for one inbound message."""

    channel: str
    dedup_key: str
    sender_key: str
    kind: str
    text: str | None
    routing: dict[str, Any]
    media: dict[str, Any] | None
    sent_at: datetime


@dataclass(frozen=True)
class InboxItem:
    """A detached, read-only copy of a row, safe to use outside the session."""

    id: int
    channel: str
    sender_key: str
    kind: str
    text: str | None
    routing: dict[str, Any]
    media: dict[str, Any] | None
    outbox: list[dict[str, Any]] | None
    status: str
    attempts: int
    apology_sent: bool
    sent_at: datetime
    received_at: datetime
    next_attempt_at: datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _item(row: InboxMessage) -> InboxItem:
    return InboxItem(
        id=row.id,
        channel=row.channel,
        sender_key=row.sender_key,
        kind=row.kind,
        text=row.text,
        routing=dict(row.routing or {}),
        media=dict(row.media) if row.media else None,
        outbox=list(row.outbox) if row.outbox is not None else None,
        status=row.status,
        attempts=row.attempts,
        apology_sent=row.apology_sent,
        sent_at=as_aware(row.sent_at),
        received_at=as_aware(row.received_at),
        next_attempt_at=as_aware(row.next_attempt_at),
    )


class InboxStore:
    """Synchronous inbox queries; gateways call them through ``asyncio.to_thread``."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def insert(self, message: NewInboxMessage, requeue_after: timedelta) -> int | None:
        """Store a new message; ``None`` when the platform already delivered it (duplicate)."""
        now = utcnow()
        row = InboxMessage(
            channel=message.channel,
            dedup_key=message.dedup_key,
            sender_key=message.sender_key,
            kind=message.kind,
            text=message.text,
            routing=message.routing,
            media=message.media,
            status=InboxStatus.PENDING.value,
            attempts=0,
            apology_sent=False,
            sent_at=message.sent_at,
            received_at=now,
            next_attempt_at=now + requeue_after,
        )
        with self._session_factory() as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return None
            return row.id

    def get(self, inbox_id: int) -> InboxItem | None:
        with self._session_factory() as session:
            row = session.get(InboxMessage, inbox_id)
            return _item(row) if row else None

    def open_for_sender(self, channel: str, sender_key: str) -> list[InboxItem]:
        """Every message of one sender still to handle, oldest first (keeps the chat in order)."""
        query = (
            select(InboxMessage)
            .where(
                InboxMessage.channel == channel,
                InboxMessage.sender_key == sender_key,
                InboxMessage.status.in_(OPEN_STATUSES),
            )
            .order_by(InboxMessage.id)
        )
        with self._session_factory() as session:
            return [_item(row) for row in session.scalars(query)]

    def due(
        self, channel: str, now: datetime, limit: int, include_unattempted: bool = False
    ) -> list[InboxItem]:
        """Open messages the reconciler should queue again, oldest first.

        Due means ``next_attempt_at`` has passed; on start-up ``include_unattempted`` adds every
        message never tried yet, since the queue may have lost it (Redis keeps nothing on disk).
        """
        is_due = InboxMessage.next_attempt_at <= now
        if include_unattempted:
            is_due = or_(is_due, InboxMessage.attempts == 0)
        query = (
            select(InboxMessage)
            .where(InboxMessage.channel == channel, InboxMessage.status.in_(OPEN_STATUSES), is_due)
            .order_by(InboxMessage.id)
            .limit(limit)
        )
        with self._session_factory() as session:
            return [_item(row) for row in session.scalars(query)]

    def postpone(self, inbox_ids: Sequence[int], until: datetime) -> None:
        """Push the reconciler's next look at these rows to ``until``."""
        if not inbox_ids:
            return
        with self._session_factory() as session:
            session.execute(
                update(InboxMessage)
                .where(InboxMessage.id.in_(list(inbox_ids)))
                .values(next_attempt_at=until)
            )
            session.commit()

    def record_answer(self, inbox_id: int, outbox: list[dict[str, Any]]) -> None:
        """The assistant answered: keep its replies until they are delivered."""
        self._update(
            inbox_id,
            status=InboxStatus.ANSWERED.value,
            outbox=outbox,
            attempts=InboxMessage.attempts + 1,
            last_error=None,
        )

    def update_outbox(self, inbox_id: int, outbox: list[dict[str, Any]]) -> None:
        self._update(inbox_id, outbox=outbox)

    def record_failure(
        self, inbox_id: int, error_code: str, retry_at: datetime, apology_sent: bool
    ) -> None:
        values: dict[str, Any] = {
            "attempts": InboxMessage.attempts + 1,
            "last_error": error_code[:64],
            "next_attempt_at": retry_at,
        }
        if apology_sent:
            values["apology_sent"] = True
        self._update(inbox_id, **values)

    def mark_apology_sent(self, inbox_ids: Sequence[int]) -> None:
        if not inbox_ids:
            return
        with self._session_factory() as session:
            session.execute(
                update(InboxMessage)
                .where(InboxMessage.id.in_(list(inbox_ids)))
                .values(apology_sent=True)
            )
            session.commit()

    def finish(self, inbox_id: int, status: InboxStatus = InboxStatus.DONE) -> None:
        """Close the row and erase what it no longer needs: text, reply address, outbox."""
        self._update(
            inbox_id,
            status=status.value,
            text=None,
            routing=None,
            outbox=None,
            processed_at=utcnow(),
        )

    def purge_closed(self, processed_before: datetime) -> int:
        """Delete closed rows handled before the cutoff (retention); returns how many went."""
        with self._session_factory() as session:
            result = session.execute(
                delete(InboxMessage).where(
                    InboxMessage.status.not_in(OPEN_STATUSES),
                    InboxMessage.processed_at < processed_before,
                )
            )
            session.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    def _update(self, inbox_id: int, **values: Any) -> None:
        with self._session_factory() as session:
            session.execute(
                update(InboxMessage).where(InboxMessage.id == inbox_id).values(**values)
            )
            session.commit()
