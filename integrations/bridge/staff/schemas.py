"""Bodies of the staff API."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from lapor_aman.storage.staff import StaffAccount, StaffRole

ChatId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^-?\d{1,20}$")]


class StaffView(BaseModel):
    id: int | None = Field(description="None for the bootstrap admin token.")
    name: str
    role: StaffRole
    unit_id: str
    unit_name: str
    active: bool
    on_call: bool
    telegram_chat_id: str | None
    bootstrap: bool = Field(default=False, description="Signed in with the bootstrap admin token.")


class StaffCreate(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    role: StaffRole
    unit_id: Annotated[str, StringConstraints(max_length=64)]
    on_call: bool = False
    telegram_chat_id: ChatId | None = None


class StaffCreated(BaseModel):
    staff: StaffView
    token: str = Field(description="Shown once; only its hash is stored.")


class StaffUpdate(BaseModel):
    on_call: bool | None = None
    active: bool | None = None
    role: StaffRole | None = None
    telegram_chat_id: ChatId | None = None


class TokenIssued(BaseModel):
    token: str = Field(description="Shown once; the previous token stops working.")


class AuditView(BaseModel):
    id: int
    at: AwareDatetime
    actor: str
    staff_id: int | None
    action: str
    ticket_reference: str | None
    detail: str | None


def staff_view(account: StaffAccount, unit_name: str) -> StaffView:
    return StaffView(
        id=account.id,
        name=account.name,
        role=account.role,
        unit_id=account.unit_id,
        unit_name=unit_name,
        active=account.active,
        on_call=account.on_call,
        telegram_chat_id=account.telegram_chat_id,
    )
