"""Staff accounts (petugas): case managers, supervisors and administrators of a unit.

API tokens are shown once at creation and stored only as an argon2 hash. Each token starts with
a public lookup prefix (``lapor.<prefix>.<secret>``) so authentication finds the one row to verify
instead of hashing against every account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lapor_aman.storage.db import Base
from lapor_aman.storage.types import UTCDateTime, utcnow

TOKEN_SCHEME: Final = "lapor"
PREFIX_BYTES: Final = 6  # 12 hex characters: unique lookup key, not a secret
SECRET_BYTES: Final = 32
# Tokens are 256-bit random values, not passwords: OWASP's lightest argon2id profile is plenty and
# keeps each request's verification around 20 ms on a small server.
TOKEN_HASHER: Final = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
VERIFIED_CACHE_SIZE: Final = 256


class StaffRole(StrEnum):
    """Manajer kasus (case manager), supervisor, or administrator."""

    CASE_MANAGER = "case_manager"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class StaffMember(Base):
    """A staff account of one unit."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    token_prefix: Mapped[str] = mapped_column(String(24), unique=True)
    token_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Piket: takes emergency escalations for the unit outside office hours.
    on_call: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where on-call alerts go (a Telegram chat id); alerts never carry personal data.
    telegram_chat_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class StaffAccount:
    """A detached copy of a staff row without its token hash."""

    id: int
    name: str
    role: StaffRole
    unit_id: str
    active: bool
    on_call: bool
    telegram_chat_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class IssuedToken:
    """A freshly made token (shown once) and what is stored of it."""

    token: str
    prefix: str
    token_hash: str


def account_of(row: StaffMember) -> StaffAccount:
    return StaffAccount(
        id=row.id,
        name=row.name,
        role=StaffRole(row.role),
        unit_id=row.unit_id,
        active=row.active,
        on_call=row.on_call,
        telegram_chat_id=row.telegram_chat_id,
        created_at=row.created_at,
    )


def issue_token() -> IssuedToken:
    prefix = secrets.token_hex(PREFIX_BYTES)
    token = f"{TOKEN_SCHEME}.{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
    return IssuedToken(token=token, prefix=prefix, token_hash=TOKEN_HASHER.hash(token))


def token_prefix(token: str) -> str | None:
    """The lookup prefix of a well-formed staff token, else None."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or len(parts[1]) != PREFIX_BYTES * 2:
        return None
    return parts[1]


class TokenVerifier:
    """argon2 verification with a small memory of tokens already verified against a hash.

    The cache maps a digest of the token to the stored hash it matched: a changed hash (token
    rotated) or a deactivated account is still caught because the row is read on every request.
    """

    def __init__(self, size: int = VERIFIED_CACHE_SIZE) -> None:
        self._verified: OrderedDict[bytes, str] = OrderedDict()
        self._size = size

    def verify(self, token: str, token_hash: str) -> bool:
        digest = hashlib.sha256(token.encode("utf-8")).digest()
        known = self._verified.get(digest)
        if known is not None and hmac.compare_digest(known, token_hash):
            self._verified.move_to_end(digest)
            return True
        try:
            TOKEN_HASHER.verify(token_hash, token)
        except (VerificationError, InvalidHashError):
            return False
        self._verified[digest] = token_hash
        while len(self._verified) > self._size:
            self._verified.popitem(last=False)
        return True


class StaffRepository:
    """Staff queries inside one unit of work (the caller owns the session)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def create(
        self,
        name: str,
        role: StaffRole,
        unit_id: str,
        on_call: bool = False,
        telegram_chat_id: str | None = None,
    ) -> tuple[StaffAccount, str]:
        """A new account and its token (the only time the token exists in clear)."""
        issued = issue_token()
        now = utcnow()
        row = StaffMember(
            name=name,
            role=role.value,
            unit_id=unit_id,
            token_prefix=issued.prefix,
            token_hash=issued.token_hash,
            active=True,
            on_call=on_call,
            telegram_chat_id=telegram_chat_id,
            created_at=now,
            updated_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return account_of(row), issued.token

    def authenticate(self, token: str, verifier: TokenVerifier) -> StaffAccount | None:
        """The active account this token belongs to, else None."""
        prefix = token_prefix(token)
        if prefix is None:
            return None
        row = self._session.scalar(select(StaffMember).where(StaffMember.token_prefix == prefix))
        if row is None or not row.active or not verifier.verify(token, row.token_hash):
            return None
        return account_of(row)

    def get(self, staff_id: int) -> StaffAccount | None:
        row = self._session.get(StaffMember, staff_id)
        return account_of(row) if row else None

    def list_accounts(self, unit_id: str | None = None) -> list[StaffAccount]:
        query = select(StaffMember).order_by(StaffMember.unit_id, StaffMember.name)
        if unit_id is not None:
            query = query.where(StaffMember.unit_id == unit_id)
        return [account_of(row) for row in self._session.scalars(query)]

    def update(
        self,
        staff_id: int,
        *,
        on_call: bool | None = None,
        active: bool | None = None,
        telegram_chat_id: str | None = None,
        role: StaffRole | None = None,
    ) -> StaffAccount | None:
        row = self._session.get(StaffMember, staff_id)
        if row is None:
            return None
        if on_call is not None:
            row.on_call = on_call
        if active is not None:
            row.active = active
        if telegram_chat_id is not None:
            row.telegram_chat_id = telegram_chat_id or None
        if role is not None:
            row.role = role.value
        row.updated_at = utcnow()
        self._session.flush()
        return account_of(row)

    def rotate_token(self, staff_id: int) -> str | None:
        """Replace an account's token; the old one stops working at once."""
        row = self._session.get(StaffMember, staff_id)
        if row is None:
            return None
        issued = issue_token()
        row.token_prefix, row.token_hash, row.updated_at = (
            issued.prefix,
            issued.token_hash,
            utcnow(),
        )
        self._session.flush()
        return issued.token

    def on_call_for_unit(self, unit_id: str) -> list[StaffAccount]:
        """Active on-call staff of a unit who can receive an alert."""
        query = (
            select(StaffMember)
            .where(
                StaffMember.unit_id == unit_id,
                StaffMember.active.is_(True),
                StaffMember.on_call.is_(True),
                StaffMember.telegram_chat_id.is_not(None),
            )
            .order_by(StaffMember.id)
        )
        return [account_of(row) for row in self._session.scalars(query)]
