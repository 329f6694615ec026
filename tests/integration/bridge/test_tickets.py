"""The case managers' side: queue, reading, acknowledging and moving tickets, with audit."""

from __future__ import annotations

from sqlalchemy import select

from lapor_aman.storage.audit import AuditEntry
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.staff import StaffRole
from lapor_aman.storage.tickets import TicketRecord

from .conftest import ADMIN_HEADERS, BridgeHarness, SubmitFn, internal_headers, submission

SAMARINDA = ("64.72", "Kota Samarinda")
BALIKPAPAN = ("64.71", "Kota Balikpapan")


async def _ticket(submit: SubmitFn, **kwargs: object) -> str:
    response = await submit(submission(**kwargs))  # type: ignore[arg-type]
    assert response.status_code == 201, response.text
    return str(response.json()["reference"])


async def test_queue_is_ordered_by_urgency_then_due_time(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    info_only = submission(violence=[], needs=["information"])
    info_only["incident"] = {}
    low = (await submit(info_only)).json()["reference"]
    medium = await _ticket(submit)
    emergency = await _ticket(submit, signals=["danger_now"])
    child = {"age": 12, "sex": "female", "province": {"code": "64", "name": "Kalimantan Timur"}}
    child["city"] = {"code": "64.72", "name": "Kota Samarinda"}
    child_abuse = submission(violence=["sexual"], victim=child)
    child_abuse["incident"]["occurred"] = "older"
    high = (await submit(child_abuse)).json()["reference"]
    _, headers = harness.staff(unit_id="uptd-ppa-kota-samarinda")

    response = await harness.client.get("/api/v1/tickets", headers=headers)
    assert response.status_code == 200
    page = response.json()
    assert [i["reference"] for i in page["items"]] == [emergency, high, medium, low]
    assert [i["risk_level"] for i in page["items"]] == ["emergency", "high", "medium", "low"]
    assert page["total"] == 4
    assert all(i["received_outside_hours"] for i in page["items"])
    assert "narrative" not in response.text and "Mawar" not in response.text

    second_page = await harness.client.get("/api/v1/tickets?limit=2&offset=2", headers=headers)
    assert [i["reference"] for i in second_page.json()["items"]] == [medium, low]


async def test_queue_filters(harness: BridgeHarness, submit: SubmitFn) -> None:
    emergency = await _ticket(submit, signals=["danger_now"])
    medium = await _ticket(submit)
    _, headers = harness.staff()

    async def refs(query: str) -> list[str]:
        response = await harness.client.get(f"/api/v1/tickets?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [i["reference"] for i in response.json()["items"]]

    assert await refs("risk_level=emergency") == [emergency]
    assert await refs("risk_level=emergency&risk_level=medium") == [emergency, medium]
    assert await refs("status=acknowledged") == []
    assert await refs("outside_hours=true") == [emergency, medium]
    assert await refs("outside_hours=false") == []
    assert await refs(f"q={medium[-4:].lower()}") == [medium]
    assert await refs("q=" + medium.replace("-", " ").lower()) == [medium]
    assert await refs("unit_id=uptd-ppa-kaltim") == []
    assert (
        await harness.client.get("/api/v1/tickets?risk_level=urgent", headers=headers)
    ).status_code == 422


async def test_staff_see_only_their_units_tickets(harness: BridgeHarness, submit: SubmitFn) -> None:
    samarinda = await _ticket(submit, city=SAMARINDA)
    balikpapan = await _ticket(submit, city=BALIKPAPAN)
    _, samarinda_staff = harness.staff(unit_id="uptd-ppa-kota-samarinda")
    _, province_supervisor = harness.staff(StaffRole.SUPERVISOR, unit_id="uptd-ppa-kaltim")
    _, province_case_manager = harness.staff(unit_id="uptd-ppa-kaltim")
    _, national_supervisor = harness.staff(StaffRole.SUPERVISOR, unit_id="sapa129")

    async def refs(headers: dict[str, str]) -> set[str]:
        return {
            i["reference"]
            for i in (await harness.client.get("/api/v1/tickets", headers=headers)).json()["items"]
        }

    assert await refs(samarinda_staff) == {samarinda}
    assert await refs(province_supervisor) == {samarinda, balikpapan}
    assert await refs(province_case_manager) == set()
    assert await refs(national_supervisor) == {samarinda, balikpapan}
    assert await refs(ADMIN_HEADERS) == {samarinda, balikpapan}
    hidden = await harness.client.get(f"/api/v1/tickets/{balikpapan}", headers=samarinda_staff)
    assert hidden.status_code == 404


async def test_auth_errors(harness: BridgeHarness, submit: SubmitFn) -> None:
    reference = await _ticket(submit)
    assert (await harness.client.get("/api/v1/tickets")).status_code == 401
    bad = {"Authorization": "Bearer lapor.000000000000.forged"}
    assert (await harness.client.get("/api/v1/tickets", headers=bad)).status_code == 401
    internal = internal_headers()
    assert (await harness.client.get("/api/v1/tickets", headers=internal)).status_code == 403
    assert (
        await harness.client.get(f"/api/v1/tickets/{reference}", headers=internal)
    ).status_code == 403
    staff_id, headers = harness.staff()
    create = await harness.client.post(
        "/api/v1/staff", json={"name": "X", "role": "admin", "unit_id": "sapa129"}, headers=headers
    )
    assert create.status_code == 403
    # A deactivated account's token stops working at once.
    patched = await harness.client.patch(
        f"/api/v1/staff/{staff_id}", json={"active": False}, headers=ADMIN_HEADERS
    )
    assert patched.status_code == 200
    assert (await harness.client.get("/api/v1/tickets", headers=headers)).status_code == 401


async def test_reading_a_ticket_shows_the_full_form_and_is_audited(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    reference = await _ticket(submit, narrative="Dipukul dengan sapu di dapur.")
    staff_id, headers = harness.staff()
    response = await harness.client.get(f"/api/v1/tickets/{reference}", headers=headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    detail = response.json()
    assert detail["ticket"]["narrative"] == "Dipukul dengan sapu di dapur."
    assert detail["ticket"]["contact"]["code_word"] == "melati"
    assert detail["ticket"]["contact"]["phone"] == "+6281200000042"
    assert detail["allowed_next"] == [
        "acknowledged",
        "contacted",
        "referred",
        "closed",
        "withdrawn",
    ]
    assert [h["to_status"] for h in detail["history"]] == ["new"]

    with session_scope(harness.session_factory) as session:
        reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.read")).all()
    assert [(r.staff_id, r.ticket_reference, r.actor) for r in reads] == [
        (staff_id, reference, "staff")
    ]
    assert all(r.detail is None or "Dipukul" not in r.detail for r in reads)


async def test_status_moves_follow_the_allowed_transitions(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    reference = await _ticket(submit)
    staff_id, headers = harness.staff(name="Bu Kasus")

    taken = await harness.client.post(f"/api/v1/tickets/{reference}/acknowledge", headers=headers)
    assert taken.status_code == 200, taken.text
    assert taken.json()["summary"]["status"] == "acknowledged"
    assert taken.json()["summary"]["assigned_staff_id"] == staff_id
    assert taken.json()["assigned_staff_name"] == "Bu Kasus"
    assert taken.json()["ticket"]["status"] == "acknowledged"

    again = await harness.client.post(f"/api/v1/tickets/{reference}/acknowledge", headers=headers)
    assert again.status_code == 409
    assert again.json()["detail"]["current"] == "acknowledged"

    contacted = await harness.client.post(
        f"/api/v1/tickets/{reference}/status",
        json={"to": "contacted", "note": "Ditelepon pukul 09.10, kata sandi cocok."},
        headers=headers,
    )
    assert contacted.status_code == 200
    closed = await harness.client.post(
        f"/api/v1/tickets/{reference}/status", json={"to": "closed"}, headers=headers
    )
    assert closed.status_code == 200
    reopen = await harness.client.post(
        f"/api/v1/tickets/{reference}/status", json={"to": "new"}, headers=headers
    )
    assert reopen.status_code == 409
    unknown = await harness.client.post(
        f"/api/v1/tickets/{reference}/status", json={"to": "lost"}, headers=headers
    )
    assert unknown.status_code == 422

    history = closed.json()["history"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "new"),
        ("new", "acknowledged"),
        ("acknowledged", "contacted"),
        ("contacted", "closed"),
    ]
    assert history[2]["note"] == "Ditelepon pukul 09.10, kata sandi cocok."
    assert history[2]["staff_name"] == "Bu Kasus"

    with session_scope(harness.session_factory) as session:
        row = session.scalars(select(TicketRecord)).one()
        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        from lapor_aman.storage.tickets import TicketStatusChange

        notes = [c.note for c in session.scalars(select(TicketStatusChange)) if c.note]
    assert row.status == "closed"
    assert notes and all(b"kata sandi" not in note for note in notes)  # notes are encrypted too
    assert actions.count("ticket.acknowledge") == 1
    assert actions.count("ticket.status") == 2

    audit = await harness.client.get(f"/api/v1/audit?reference={reference}", headers=ADMIN_HEADERS)
    assert audit.status_code == 200
    assert {"ticket.acknowledge", "ticket.status", "ticket.read"} <= {
        a["action"] for a in audit.json()
    }
