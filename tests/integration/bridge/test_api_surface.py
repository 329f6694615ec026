"""The published surface: OpenAPI (with the Ticket contract), probes, console, labels, staff admin."""

from __future__ import annotations

from lapor_aman.storage.staff import StaffRole

from .conftest import ADMIN_HEADERS, BridgeHarness


async def test_openapi_publishes_the_ticket_contract(harness: BridgeHarness) -> None:
    spec = harness.app.openapi()
    schemas = spec["components"]["schemas"]
    assert {"Ticket", "IntakeSubmission", "IntakeReceipt", "TicketDetail"} <= set(schemas)
    assert "narrative" in schemas["Ticket"]["properties"]
    paths = spec["paths"]
    for path in (
        "/api/v1/intake/tickets",
        "/api/v1/intake/alerts",
        "/api/v1/intake/anonymous-counts",
        "/api/v1/tickets",
        "/api/v1/tickets/{reference}",
        "/api/v1/tickets/{reference}/status",
        "/api/v1/tickets/{reference}/acknowledge",
        "/api/v1/staff/me",
        "/api/v1/staff",
        "/api/v1/handoff/events",
        "/healthz",
        "/readyz",
    ):
        assert path in paths, path


async def test_probes(harness: BridgeHarness) -> None:
    assert (await harness.client.get("/healthz")).json() == {"status": "ok"}
    ready = await harness.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_console_page_is_self_contained(harness: BridgeHarness) -> None:
    page = await harness.client.get("/console")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    html = page.text
    assert 'lang="id"' in html and "console.js" in html
    assert "http://" not in html and "https://" not in html  # nothing loaded from elsewhere
    script = await harness.client.get("/console/console.js")
    assert script.status_code == 200 and "sessionStorage" in script.text
    assert "localStorage" not in script.text
    assert "https://" not in script.text and "http://" not in script.text
    assert (await harness.client.get("/console/secrets.txt")).status_code == 404
    labels = (await harness.client.get("/api/v1/labels")).json()
    assert labels["risk_level"]["emergency"] == {"id": "Darurat", "en": "Emergency"}


async def test_bootstrap_admin_creates_staff_and_the_token_works(harness: BridgeHarness) -> None:
    me = (await harness.client.get("/api/v1/staff/me", headers=ADMIN_HEADERS)).json()
    assert me["bootstrap"] is True and me["role"] == "admin"
    created = await harness.client.post(
        "/api/v1/staff",
        json={
            "name": "Ibu Piket",
            "role": "case_manager",
            "unit_id": "uptd-ppa-kaltim",
            "on_call": True,
            "telegram_chat_id": "5550777",
        },
        headers=ADMIN_HEADERS,
    )
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    mine = (await harness.client.get("/api/v1/staff/me", headers=headers)).json()
    assert mine["name"] == "Ibu Piket" and mine["unit_name"] == "UPTD PPA Provinsi Kalimantan Timur"
    assert mine["on_call"] is True and "token" not in mine

    rotated = await harness.client.post("/api/v1/staff/me/token", headers=headers)
    assert rotated.status_code == 200
    assert (await harness.client.get("/api/v1/staff/me", headers=headers)).status_code == 401
    new_headers = {"Authorization": f"Bearer {rotated.json()['token']}"}
    assert (await harness.client.get("/api/v1/staff/me", headers=new_headers)).status_code == 200

    unknown_unit = await harness.client.post(
        "/api/v1/staff",
        json={"name": "X", "role": "admin", "unit_id": "nowhere"},
        headers=ADMIN_HEADERS,
    )
    assert unknown_unit.status_code == 422


async def test_supervisor_manages_on_call_duty_of_their_units_only(harness: BridgeHarness) -> None:
    _, supervisor = harness.staff(StaffRole.SUPERVISOR, unit_id="uptd-ppa-kaltim")
    city_staff, _ = harness.staff(unit_id="uptd-ppa-kota-samarinda")
    far_staff, _ = harness.staff(unit_id="uptd-ppa-dki-jakarta")
    ok = await harness.client.patch(
        f"/api/v1/staff/{city_staff}", json={"on_call": True}, headers=supervisor
    )
    assert ok.status_code == 200 and ok.json()["on_call"] is True
    far = await harness.client.patch(
        f"/api/v1/staff/{far_staff}", json={"on_call": True}, headers=supervisor
    )
    assert far.status_code == 404
    role = await harness.client.patch(
        f"/api/v1/staff/{city_staff}", json={"role": "admin"}, headers=supervisor
    )
    assert role.status_code == 403
    listed = (await harness.client.get("/api/v1/staff", headers=supervisor)).json()
    assert far_staff not in {s["id"] for s in listed}
