"""Request and response bodies of the intake API (the action server's side)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from lapor_aman.tickets.schema import Channel, Language, RiskLevel, RiskSignal

RegionCodeText = Annotated[str, StringConstraints(pattern=r"^\d{2}(\.\d{2})?$")]


class IntakeReceipt(BaseModel):
    """What the assistant tells the reporter after the ticket is stored."""

    reference: str = Field(description="Ticket reference to give the reporter, e.g. LA-7K3M-Q9XP.")
    risk_level: RiskLevel
    due_by: AwareDatetime = Field(description="First contact by staff is due by this time.")
    unit_id: str
    unit_name: str
    on_call_alerted: bool = Field(description="The unit's on-call person was actually reached.")
    next_opening: AwareDatetime = Field(
        description="When the serving unit opens next (its time zone)."
    )
    call_center_phone: str = Field(
        description="The serving unit's number (E.164 or a short number)."
    )
    created: bool = Field(description="False when this was a retry of an earlier submission.")


class AlertRequest(BaseModel):
    """An emergency detected mid-conversation, before the form is complete."""

    model_config = ConfigDict(extra="forbid")

    conversation_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    signals: list[RiskSignal] = Field(min_length=1)
    language: Language = Language.ID
    channel: Channel
    unit_id: str | None = Field(default=None, description="Serving unit when already known.")
    region: RegionCodeText | None = Field(
        default=None,
        description='Kemendagri code of the province ("64") or kabupaten/kota ("64.71").',
    )


class AlertReceipt(BaseModel):
    alert_id: int
    alerted: bool = Field(description="Someone on call has been reached about this conversation.")
    unit_id: str
    unit_name: str
    call_center_phone: str


class AnonymousCountRequest(BaseModel):
    """One report that ended without consent to record: counted, nothing else kept."""

    model_config = ConfigDict(extra="forbid")

    channel: Channel
    language: Language = Language.ID
    unit_id: str | None = None
