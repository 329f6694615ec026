"""Intake: the action server hands a report to the bridge."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from lapor_aman.storage.audit import AuditEntry
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.tickets import TicketRecord, TicketStatusChange

from .conftest import ADMIN_HEADERS, BridgeHarness, SubmitFn, internal_headers, submission


async def test_intake_creates_an_encrypted_ticket(harness: BridgeHarness, submit: SubmitFn) -> None:
    body = submission(narrative="Kronologi rahasia: kejadian di rumah kontrakan blok Z.")
    response = await submit(body)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["reference"].startswith("LA-")
    assert receipt["unit_id"] == "uptd-ppa-kota-samarinda"
    assert receipt["unit_name"] == "UPTD PPA Kota Samarinda"
    assert receipt["call_center_phone"] == "+6281200000105"
    assert receipt["created"] is True
    assert receipt["next_opening"].startswith("2") and "+08:00" in receipt["next_opening"]

    with session_scope(harness.session_factory) as session:
        row = session.scalars(select(TicketRecord)).one()
        history = session.scalars(select(TicketStatusChange)).all()
    assert row.reference == receipt["reference"]
    assert row.status == "new" and row.received_outside_hours is True
    # At rest the document is ciphertext: neither the narrative, the phone nor the alias appear.
    for secret in (b"Kronologi rahasia", b"+6281200000042", b"Mawar", b"melati", b"narrative"):
        assert secret not in row.document
    assert row.document_key_id
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [(None, "new", "system")]


async def test_retry_with_same_submission_id_returns_the_same_ticket(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    body = submission()
    first = await submit(body, "sub-001")
    again = await submit(body, "sub-001")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert again.json()["created"] is False
    other = await submit(body, "sub-002")
    assert other.status_code == 201 and other.json()["reference"] != first.json()["reference"]
    with session_scope(harness.session_factory) as session:
        assert len(session.scalars(select(TicketRecord)).all()) == 2


async def test_retry_without_key_is_recognised_by_its_content(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    body = submission()
    first, again = await asyncio.gather(submit(body), submit(body))
    assert {first.status_code, again.status_code} <= {200, 201}
    assert first.json()["reference"] == again.json()["reference"]
    with session_scope(harness.session_factory) as session:
        assert len(session.scalars(select(TicketRecord)).all()) == 1


async def test_invalid_submission_is_rejected_with_422(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    broken = submission()
    broken["contact"] = {"allowed": True, "channel": "none"}  # contact allowed but no channel
    assert (await submit(broken)).status_code == 422
    unknown_field = submission(favourite_colour="blue")
    assert (await submit(unknown_field)).status_code == 422
    bad_enum = submission(violence=["sorcery"])
    assert (await submit(bad_enum)).status_code == 422
    with session_scope(harness.session_factory) as session:
        assert session.scalars(select(TicketRecord)).all() == []


async def test_report_without_consent_to_record_is_not_stored(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    response = await submit(submission(consent_record=False))
    assert response.status_code == 422
    assert "anonymous" in response.json()["detail"]


async def test_intake_needs_the_internal_token(harness: BridgeHarness) -> None:
    body = submission()
    assert (await harness.client.post("/api/v1/intake/tickets", json=body)).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert (
        await harness.client.post("/api/v1/intake/tickets", json=body, headers=wrong)
    ).status_code == 401
    admin = await harness.client.post("/api/v1/intake/tickets", json=body, headers=ADMIN_HEADERS)
    assert admin.status_code == 403
    _, staff = harness.staff()
    assert (
        await harness.client.post("/api/v1/intake/tickets", json=body, headers=staff)
    ).status_code == 403


async def test_anonymous_count_adds_up_per_day_channel_and_unit(harness: BridgeHarness) -> None:
    from lapor_aman.storage.anonymous_counts import AnonymousCount

    for _ in range(3):
        response = await harness.client.post(
            "/api/v1/intake/anonymous-counts",
            json={"channel": "whatsapp", "language": "id", "unit_id": "uptd-ppa-kaltim"},
            headers=internal_headers(),
        )
        assert response.status_code == 204
    await harness.client.post(
        "/api/v1/intake/anonymous-counts", json={"channel": "web"}, headers=internal_headers()
    )
    with session_scope(harness.session_factory) as session:
        rows = {(r.channel, r.unit_id): r.count for r in session.scalars(select(AnonymousCount))}
        audit_rows = session.scalars(select(AuditEntry)).all()
    assert rows == {("whatsapp", "uptd-ppa-kaltim"): 3, ("web", "sapa129"): 1}
    assert audit_rows == []
