"""On-call escalation through the (fake) Telegram Bot API: no personal data, retries, fallbacks."""

from __future__ import annotations

from sqlalchemy import select

from lapor_aman.crypto import DataCipher
from lapor_aman.storage.alerts import EmergencyAlert
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.tickets import TicketRecord, open_ticket
from tests.fakes import FakeTelegramBotAPI

from .conftest import BridgeHarness, SubmitFn, internal_headers, submission

ON_CALL_CHAT = 5550001
NATIONAL_CHAT = 5550129


def _row(harness: BridgeHarness) -> TicketRecord:
    with session_scope(harness.session_factory) as session:
        return session.scalars(select(TicketRecord)).one()


async def test_emergency_reaches_the_units_on_call_person_without_personal_data(
    harness: BridgeHarness, submit: SubmitFn, telegram: FakeTelegramBotAPI
) -> None:
    harness.staff(unit_id="uptd-ppa-kota-samarinda", on_call=True, chat_id=str(ON_CALL_CHAT))
    harness.staff(unit_id="uptd-ppa-kota-samarinda", on_call=False, chat_id="5550002")
    response = await submit(submission(signals=["danger_now"], narrative="Suami membawa parang."))
    receipt = response.json()
    assert receipt["risk_level"] == "emergency"
    assert receipt["on_call_alerted"] is True

    texts = telegram.sent_texts(ON_CALL_CHAT)
    assert len(texts) == 1
    assert receipt["reference"] in texts[0]
    assert "UPTD PPA Kota Samarinda" in texts[0]
    assert f"https://lapor.example.test/console#{receipt['reference']}" in texts[0]
    for personal in ("parang", "Mawar", "0042", "melati", "Suami"):
        assert personal not in texts[0]
    assert telegram.sent_texts(5550002) == []

    row = _row(harness)
    assert row.escalated_at is not None
    cipher = DataCipher.from_setting(harness.settings.data_encryption_key.get_secret_value())
    assert open_ticket(row, cipher).risk.escalated_at == row.escalated_at


async def test_without_on_call_staff_in_the_unit_the_national_line_is_reached(
    harness: BridgeHarness, submit: SubmitFn, telegram: FakeTelegramBotAPI
) -> None:
    harness.staff(unit_id="sapa129", on_call=True, chat_id=str(NATIONAL_CHAT))
    receipt = (await submit(submission(signals=["threat_to_kill"]))).json()
    assert receipt["on_call_alerted"] is True
    assert len(telegram.sent_texts(NATIONAL_CHAT)) == 1


async def test_medium_risk_is_not_escalated(
    harness: BridgeHarness, submit: SubmitFn, telegram: FakeTelegramBotAPI
) -> None:
    harness.staff(unit_id="uptd-ppa-kota-samarinda", on_call=True, chat_id=str(ON_CALL_CHAT))
    receipt = (await submit(submission())).json()
    assert receipt["risk_level"] == "medium" and receipt["on_call_alerted"] is False
    assert telegram.calls("sendMessage") == []


async def test_telegram_errors_are_retried(
    harness: BridgeHarness, submit: SubmitFn, telegram: FakeTelegramBotAPI
) -> None:
    harness.staff(unit_id="uptd-ppa-kota-samarinda", on_call=True, chat_id=str(ON_CALL_CHAT))
    telegram.fail("sendMessage", times=2, status=502, description="Bad Gateway")
    receipt = (await submit(submission(signals=["danger_now"]))).json()
    assert receipt["on_call_alerted"] is True
    assert len(telegram.calls("sendMessage")) == 3


async def test_undelivered_escalation_is_retried_by_the_background_loop(
    harness: BridgeHarness, submit: SubmitFn, telegram: FakeTelegramBotAPI
) -> None:
    harness.staff(unit_id="uptd-ppa-kota-samarinda", on_call=True, chat_id=str(ON_CALL_CHAT))
    telegram.fail("sendMessage", times=6, status=500)  # every attempt of this request fails
    receipt = (await submit(submission(signals=["danger_now"]))).json()
    assert receipt["on_call_alerted"] is False
    assert _row(harness).escalated_at is None

    telegram.reset()
    reached = await harness.bridge.context.escalator.retry_pending()
    assert reached == 1
    assert len(telegram.sent_texts(ON_CALL_CHAT)) == 1
    assert _row(harness).escalated_at is not None
    assert await harness.bridge.context.escalator.retry_pending() == 0  # not sent twice


async def test_mid_conversation_alert_is_raised_once_and_linked_to_the_ticket(
    harness: BridgeHarness, submit: SubmitFn, telegram: FakeTelegramBotAPI
) -> None:
    harness.staff(unit_id="uptd-ppa-kota-samarinda", on_call=True, chat_id=str(ON_CALL_CHAT))
    alert_body = {
        "conversation_id": "tg:conv-alert-1",
        "signals": ["danger_now"],
        "language": "id",
        "channel": "telegram",
        "region": "64.72",
    }
    first = await harness.client.post(
        "/api/v1/intake/alerts", json=alert_body, headers=internal_headers()
    )
    assert first.status_code == 201, first.text
    assert first.json()["alerted"] is True
    assert first.json()["unit_name"] == "UPTD PPA Kota Samarinda"
    second = await harness.client.post(
        "/api/v1/intake/alerts",
        json={**alert_body, "signals": ["weapon"]},
        headers=internal_headers(),
    )
    assert second.json() == {**first.json()}  # same alert, already alerted
    assert len(telegram.sent_texts(ON_CALL_CHAT)) == 1
    assert "tg:conv-alert-1" not in telegram.sent_texts(ON_CALL_CHAT)[0]

    receipt = (await submit(submission("tg:conv-alert-1", signals=["danger_now"]))).json()
    with session_scope(harness.session_factory) as session:
        alert = session.scalars(select(EmergencyAlert)).one()
        ticket = session.scalars(select(TicketRecord)).one()
    assert alert.signals == ["danger_now", "weapon"]
    assert alert.ticket_id == ticket.id and alert.notified_at is not None

    _, headers = harness.staff(unit_id="uptd-ppa-kota-samarinda")
    open_alerts = (await harness.client.get("/api/v1/alerts", headers=headers)).json()
    assert [(a["id"], a["ticket_reference"]) for a in open_alerts] == [
        (alert.id, receipt["reference"])
    ]
    done = await harness.client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=headers)
    assert done.status_code == 200 and done.json()["acknowledged_at"]
    assert (await harness.client.get("/api/v1/alerts", headers=headers)).json() == []


async def test_alert_in_a_unit_without_anyone_on_call_reports_not_alerted(
    harness: BridgeHarness, telegram: FakeTelegramBotAPI
) -> None:
    body = {
        "conversation_id": "wa:conv-2",
        "signals": ["suicidal"],
        "channel": "whatsapp",
        "unit_id": "uptd-ppa-papua",
    }
    response = await harness.client.post(
        "/api/v1/intake/alerts", json=body, headers=internal_headers()
    )
    assert response.status_code == 201
    assert response.json()["alerted"] is False
    assert telegram.calls("sendMessage") == []
