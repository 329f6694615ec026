"""Staff endpoints for open emergency alerts (no personal data: signals, unit, times)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import AwareDatetime, BaseModel
from sqlalchemy.orm import Session

from integrations.bridge.context import BridgeContext
from integrations.bridge.deps import ContextDep, StaffCaller
from integrations.bridge.staff.auth import can_see_unit, visible_units
from lapor_aman.storage import audit
from lapor_aman.storage.alerts import AlertRepository, AlertView
from lapor_aman.storage.audit import AuditAction
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.tickets import TicketRecord
from lapor_aman.tickets.schema import RiskSignal

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])


class AlertOut(BaseModel):
    id: int
    signals: list[RiskSignal]
    channel: str
    language: str
    unit_id: str
    unit_name: str
    created_at: AwareDatetime
    notified_at: AwareDatetime | None
    acknowledged_at: AwareDatetime | None
    ticket_reference: str | None


def _out(alert: AlertView, unit_name: str, reference: str | None) -> AlertOut:
    return AlertOut(
        id=alert.id,
        signals=[RiskSignal(s) for s in alert.signals if s in RiskSignal._value2member_map_],
        channel=alert.channel,
        language=alert.language,
        unit_id=alert.unit_id,
        unit_name=unit_name,
        created_at=alert.created_at,
        notified_at=alert.notified_at,
        acknowledged_at=alert.acknowledged_at,
        ticket_reference=reference,
    )


@router.get("", response_model=list[AlertOut], summary="Unacknowledged alerts, newest first")
async def open_alerts(
    context: ContextDep, caller: StaffCaller, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[AlertOut]:
    visible = visible_units(caller, context.units)

    def load() -> list[AlertOut]:
        with session_scope(context.session_factory) as session:
            alerts = AlertRepository(session).open_alerts(
                sorted(visible) if visible is not None else None, limit
            )
            return [_out(a, _unit_name(context, a.unit_id), _reference(session, a)) for a in alerts]

    return await asyncio.to_thread(load)


@router.post("/{alert_id}/acknowledge", response_model=AlertOut, summary="Mark an alert as handled")
async def acknowledge_alert(alert_id: int, context: ContextDep, caller: StaffCaller) -> AlertOut:
    def acknowledge() -> AlertOut | None:
        with session_scope(context.session_factory) as session:
            alerts = AlertRepository(session)
            current = alerts.get(alert_id)
            if current is None or not can_see_unit(caller, current.unit_id, context.units):
                return None
            alert = alerts.acknowledge(alert_id, caller.staff_id)
            if alert is None:
                return None
            audit.record(
                session,
                AuditAction.ALERT_ACKNOWLEDGE,
                caller.actor_kind,
                staff_id=caller.staff_id,
                detail=f"alert:{alert_id}",
            )
            return _out(alert, _unit_name(context, alert.unit_id), _reference(session, alert))

    result = await asyncio.to_thread(acknowledge)
    if result is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such alert for you")
    return result


def _unit_name(context: BridgeContext, unit_id: str) -> str:
    unit = context.units.units.get(unit_id)
    return unit.name if unit else unit_id


def _reference(session: Session, alert: AlertView) -> str | None:
    if alert.ticket_id is None:
        return None
    row = session.get(TicketRecord, alert.ticket_id)
    return row.reference if row else None
