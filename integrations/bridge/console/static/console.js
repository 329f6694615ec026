// Lapor Aman staff console. Vanilla JS, same-origin requests only; the token lives in
// sessionStorage (this tab only). Every piece of ticket data is inserted as text, never as HTML.
"use strict";

const TOKEN_KEY = "lapor.staffToken";
const OPEN_STATUSES = ["new", "acknowledged", "contacted", "in_service", "referred"];
const PAGE_SIZE = 25;
const state = { labels: {}, me: null, offset: 0, total: 0, current: null, fresh: new Set(), stream: null };

// --- small helpers ------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "title") node.title = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
function label(group, value, lang = "id") {
  const entry = (state.labels[group] || {})[value];
  return entry ? entry[lang] || entry.id : String(value);
}
function labelled(group, value) {
  return el("span", { title: label(group, value, "en") }, label(group, value));
}
function fieldName(key) { return label("field", key); }
function yesNo(value) {
  if (value === null || value === undefined) return label("field", "not_given");
  return label("field", value ? "answer_yes" : "answer_no");
}
function formatTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return date.toLocaleString("id-ID", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}
function token() { return sessionStorage.getItem(TOKEN_KEY); }

async function api(path, options = {}) {
  const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
  if (token()) headers.Authorization = "Bearer " + token();
  if (options.body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, Object.assign({}, options, { headers, cache: "no-store", credentials: "omit" }));
  if (response.status === 401) { signOut("Token tidak berlaku / token not valid"); throw new Error("unauthorized"); }
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body && body.detail ? (body.detail.message || body.detail) : response.statusText;
    throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return body;
}

// --- sign in / out ------------------------------------------------------------------------
async function signIn(event) {
  if (event) event.preventDefault();
  const typed = $("token").value.trim();
  if (typed) sessionStorage.setItem(TOKEN_KEY, typed);
  $("token").value = "";
  if (!token()) return;
  try {
    state.me = await api("/api/v1/staff/me");
  } catch (error) {
    return;
  }
  $("login").hidden = true;
  $("app").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = state.me.name + " · " + label("staff_role", state.me.role) + " · " + state.me.unit_name;
  await loadQueue();
  await loadAlerts();
  openFromHash();
  listen();
}
function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  if (state.stream) state.stream.abort();
  state.stream = null;
  state.me = null;
  $("app").hidden = true;
  $("who").hidden = true;
  $("detail").hidden = true;
  $("login").hidden = false;
  const error = $("login-error");
  error.hidden = !message;
  error.textContent = message || "";
}

// --- queue --------------------------------------------------------------------------------
function queueQuery() {
  const params = new URLSearchParams();
  const status = $("f-status").value;
  if (status === "open") OPEN_STATUSES.forEach((s) => params.append("status", s));
  else if (status !== "all") params.append("status", status);
  if ($("f-risk").value) params.append("risk_level", $("f-risk").value);
  if ($("f-outside").checked) params.append("outside_hours", "true");
  if ($("f-q").value.trim()) params.append("q", $("f-q").value.trim());
  params.append("limit", PAGE_SIZE);
  params.append("offset", state.offset);
  return params.toString();
}
async function loadQueue() {
  const page = await api("/api/v1/tickets?" + queueQuery());
  state.total = page.total;
  const body = $("queue-body");
  body.replaceChildren(...page.items.map(queueRow));
  $("queue-empty").hidden = page.items.length > 0;
  const last = Math.min(state.offset + page.items.length, page.total);
  $("page-info").textContent = page.total ? `${state.offset + 1}–${last} / ${page.total}` : "";
  $("prev").disabled = state.offset === 0;
  $("next").disabled = last >= page.total;
}
function queueRow(item) {
  const due = el("td", {}, formatTime(item.due_by));
  if (item.overdue) due.append(" ", el("span", { class: "overdue", title: "Overdue" }, "Terlambat"));
  const row = el("tr", { class: item.risk_level + (state.fresh.has(item.reference) ? " fresh" : ""), tabindex: "0" },
    el("td", {}, el("span", { class: "badge " + item.risk_level, title: label("risk_level", item.risk_level, "en") }, label("risk_level", item.risk_level))),
    el("td", { class: "ref" }, item.reference),
    due,
    el("td", {}, labelled("ticket_status", item.status)),
    el("td", {}, item.unit_name),
    el("td", {}, item.received_outside_hours ? el("span", { title: "Received outside office hours" }, "🌙 Ya") : ""),
  );
  const open = () => { location.hash = item.reference; };
  row.addEventListener("click", open);
  row.addEventListener("keydown", (event) => { if (event.key === "Enter") open(); });
  return row;
}

// --- emergency alerts ---------------------------------------------------------------------
async function loadAlerts() {
  const alerts = await api("/api/v1/alerts");
  $("alerts").hidden = alerts.length === 0;
  $("alert-list").replaceChildren(...alerts.map((alert) => el("li", {},
    el("span", { class: "badge emergency", title: "Emergency" }, label("risk_level", "emergency")),
    el("span", {}, alert.signals.map((s) => label("risk_signal", s)).join(", ")),
    el("span", {}, alert.unit_name + " · " + formatTime(alert.created_at)),
    alert.ticket_reference ? el("a", { href: "#" + alert.ticket_reference, class: "ref" }, alert.ticket_reference) : el("span", { class: "hint", title: "No ticket yet: the conversation is still going on" }, "Belum ada tiket"),
    el("button", { type: "button", title: "Mark as handled", onclick: async () => { await api(`/api/v1/alerts/${alert.id}/acknowledge`, { method: "POST" }); loadAlerts(); } }, "Tandai ditangani"),
  )));
}

// --- one ticket ---------------------------------------------------------------------------
function openFromHash() {
  const reference = decodeURIComponent(location.hash.slice(1));
  if (/^LA-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/.test(reference)) openTicket(reference);
}
async function openTicket(reference) {
  try {
    state.current = await api("/api/v1/tickets/" + encodeURIComponent(reference));
  } catch (error) {
    showArrival("Tiket tidak dapat dibuka / cannot open: " + error.message);
    return;
  }
  renderDetail(state.current);
  $("detail").hidden = false;
  $("detail").scrollIntoView({ behavior: "smooth" });
}
function closeDetail() {
  $("detail").hidden = true;
  state.current = null;
  history.replaceState(null, "", location.pathname);
}
function fields(pairs) {
  const list = el("dl", { class: "fields" });
  for (const [key, value] of pairs) {
    list.append(el("dt", { title: label("field", key, "en") }, fieldName(key)), el("dd", {}, value === null || value === undefined || value === "" ? label("field", "not_given") : value));
  }
  return list;
}
function list(group, values) { return values && values.length ? values.map((v) => label(group, v)).join(", ") : label("field", "not_given"); }
function safeTimes(windows) {
  if (!windows || !windows.length) return "Tidak ada batasan yang diberikan — tanyakan dulu sebelum menghubungi";
  return windows.map((w) => w.days.map((d) => label("weekday", String(d))).join(", ") + " " + w.start + "–" + w.end).join("; ");
}
function renderSafety(ticket) {
  const contact = ticket.contact;
  const box = $("d-safety");
  if (!contact.allowed) {
    box.replaceChildren(el("h3", { title: "Do not contact" }, "Jangan dihubungi"),
      el("p", { class: "warning", title: "The reporter did not allow contact. Do not call or message." }, "Pelapor tidak mengizinkan dihubungi. Jangan menelepon atau mengirim pesan."));
    return;
  }
  box.replaceChildren(...[
    el("h3", { title: "Safe contact" }, "Kontak aman"),
    el("p", { class: "warning", title: "Contact ONLY within these times. Contact outside them can put the victim in danger." },
      "Hubungi HANYA pada waktu aman berikut. Menghubungi di luar waktu ini dapat membahayakan korban."),
    el("p", { class: "big", title: "Safe times to contact" }, "🕒 " + safeTimes(contact.safe_times)),
    el("p", { class: "big", title: "Code word" }, "🔑 " + fieldName("code_word") + ": " + (contact.code_word || label("field", "not_given"))),
    fields([
      ["contact_channel", label("contact_channel", contact.channel)],
      ["phone", contact.phone],
      ["shared_device", yesNo(contact.shared_device)],
    ]),
    contact.shared_device ? el("p", { class: "warning", title: "Someone else uses this phone: no unsolicited messages." }, "HP ini dipakai orang lain: jangan kirim pesan tanpa diminta.") : null,
  ].filter(Boolean));
}
function renderActions(detail) {
  const box = $("d-actions");
  box.replaceChildren();
  const reference = detail.ticket.reference;
  if (detail.summary.status === "new") {
    box.append(el("button", { type: "button", class: "primary", title: "Take this ticket (acknowledge)", onclick: () => move(reference, "acknowledge") }, "Ambil tiket"));
  }
  const next = detail.allowed_next.filter((s) => s !== "acknowledged");
  if (!next.length) return;
  const select = el("select", { id: "d-next", title: "New status" }, ...next.map((s) => el("option", { value: s, title: label("ticket_status", s, "en") }, label("ticket_status", s))));
  const note = el("textarea", { id: "d-note", rows: "2", maxlength: "2000", placeholder: "Catatan (opsional)", title: "Note (optional; stored encrypted)" });
  box.append(select, note, el("button", { type: "button", title: "Change status", onclick: () => move(reference, select.value, note.value) }, "Ubah status"));
}
async function move(reference, to, note) {
  try {
    const path = `/api/v1/tickets/${encodeURIComponent(reference)}/` + (to === "acknowledge" ? "acknowledge" : "status");
    const body = to === "acknowledge" ? {} : { to, note: note || null };
    state.current = await api(path, { method: "POST", body: JSON.stringify(body) });
    renderDetail(state.current);
    loadQueue();
  } catch (error) {
    showArrival("Gagal / failed: " + error.message);
    openTicket(reference);
  }
}
function renderDetail(detail) {
  const t = detail.ticket;
  const s = detail.summary;
  $("d-title").replaceChildren(el("span", { class: "badge " + t.risk.level, title: label("risk_level", t.risk.level, "en") }, label("risk_level", t.risk.level)), " ", el("span", { class: "ref" }, t.reference), " · ", labelled("ticket_status", s.status));
  renderSafety(t);
  renderActions(detail);
  const v = t.victim;
  const i = t.incident;
  const c = t.consent;
  const section = (key) => el("h3", { class: "section-title", title: label("field", key, "en") }, fieldName(key));
  $("d-body").replaceChildren(
    fields([
      ["due_by", el("span", { class: s.overdue ? "overdue" : "" }, formatTime(t.risk.due_by))],
      ["signals", list("risk_signal", t.risk.signals)],
      ["reasons", t.risk.reasons.join(", ")],
      ["escalated_at", formatTime(t.risk.escalated_at)],
      ["police_report_decision_due", t.police_report_decision_due ? formatTime(t.police_report_decision_due) : null],
      ["created_at", formatTime(t.created_at)],
      ["reported_at", formatTime(t.reported_at)],
      ["received_outside_hours", yesNo(t.received_outside_hours)],
      ["channel", label("channel", t.channel)],
      ["language", label("language", t.language)],
      ["unit", t.routing.unit],
      ["on_call_unit", t.routing.on_call_unit_id],
      ["outreach_suggested", yesNo(t.routing.outreach_suggested)],
      ["region_resolved", yesNo(t.routing.region_resolved)],
    ]),
    section("reporter"),
    fields([["reporter_role", label("reporter_role", t.reporter.role)], ["reporter_is_child", yesNo(t.reporter.is_child)], ["name_or_alias", t.reporter.name_or_alias]]),
    section("victim"),
    fields([
      ["age", v.age], ["age_group", label("age_group", v.age_group)], ["sex", label("sex", v.sex)], ["disability", v.disability],
      ["province", v.province ? v.province.name : null], ["city", v.city ? v.city.name : null],
      ["has_id_card", yesNo(v.has_id_card)], ["has_bpjs", yesNo(v.has_bpjs)],
    ]),
    section("incident"),
    fields([
      ["violence_types", list("violence_type", i.violence_types)], ["perpetrator_relation", label("perpetrator_relation", i.perpetrator_relation)],
      ["perpetrator_lives_with_victim", yesNo(i.perpetrator_lives_with_victim)], ["ongoing", yesNo(i.ongoing)],
      ["occurred", label("incident_timing", i.occurred)], ["incident_date", i.incident_date], ["location_type", label("location_type", i.location_type)],
    ]),
    section("needs"),
    el("p", {}, list("need", t.needs)),
    section("narrative"),
    el("div", { class: "narrative" }, t.narrative || label("field", "not_given")),
    section("consent"),
    fields([
      ["consent_record", yesNo(c.record)], ["consent_contact", yesNo(c.contact)],
      ["share_with_services", Object.entries(c.share_with_services).filter(([, ok]) => ok).map(([k]) => label("share_service", k)).join(", ") || label("field", "answer_no")],
      ["consent_basis", label("consent_basis", c.basis)], ["text_version", c.text_version], ["given_at", formatTime(c.given_at)],
    ]),
    section("history"),
    el("ol", { class: "history" }, ...detail.history.map((h) => el("li", {},
      formatTime(h.at) + " · " + (h.from_status ? label("ticket_status", h.from_status) + " → " : "") + label("ticket_status", h.to_status) +
      " · " + (h.staff_name || h.actor) + (h.note ? " — " + h.note : "")))),
  );
}

// --- live arrivals (Server-Sent Events read with fetch, so the token stays in a header) -----
function setLive(on) {
  $("live").classList.toggle("on", on);
  $("live").title = on ? "Live arrivals: connected" : "Live arrivals: disconnected";
  $("live-text").textContent = on ? "Langsung" : "Terputus";
}
function showArrival(text) {
  const box = $("arrival");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(showArrival.timer);
  showArrival.timer = setTimeout(() => { box.hidden = true; }, 8000);
}
async function listen() {
  let lastId = null;
  while (token()) {
    const controller = new AbortController();
    state.stream = controller;
    try {
      const headers = { Authorization: "Bearer " + token(), Accept: "text/event-stream" };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const response = await fetch("/api/v1/handoff/events", { headers, signal: controller.signal, cache: "no-store" });
      if (response.status === 401) { signOut("Token tidak berlaku / token not valid"); return; }
      if (!response.ok || !response.body) throw new Error("stream " + response.status);
      setLive(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, "\n");
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = parseEvent(block);
          if (event.id) lastId = event.id;
          if (event.event === "ticket.created" && event.data) onArrival(JSON.parse(event.data));
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
    }
    setLive(false);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}
function parseEvent(block) {
  const event = { data: "" };
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, "");
    if (key === "data") event.data += value;
    else event[key] = value;
  }
  return event;
}
function onArrival(data) {
  state.fresh.add(data.reference);
  const urgent = data.risk_level === "emergency";
  showArrival((urgent ? "⚠️ " : "") + "Tiket baru / new ticket: " + data.reference + " · " + label("risk_level", data.risk_level));
  loadQueue();
  if (urgent) loadAlerts();
}

// --- wiring -------------------------------------------------------------------------------
document.addEventListener("DOMContentLoaded", async () => {
  try { state.labels = await (await fetch("/api/v1/labels", { cache: "no-store" })).json(); } catch (error) { state.labels = {}; }
  for (const level of Object.keys(state.labels.risk_level || {})) {
    $("f-risk").append(el("option", { value: level, title: label("risk_level", level, "en") }, label("risk_level", level)));
  }
  $("login-form").addEventListener("submit", signIn);
  $("logout").addEventListener("click", () => signOut(""));
  $("d-close").addEventListener("click", closeDetail);
  $("filters").addEventListener("change", () => { state.offset = 0; loadQueue(); });
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); state.offset = 0; loadQueue(); });
  $("f-q").addEventListener("input", () => { state.offset = 0; loadQueue(); });
  $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); loadQueue(); });
  $("next").addEventListener("click", () => { state.offset += PAGE_SIZE; loadQueue(); });
  window.addEventListener("hashchange", openFromHash);
  if (token()) signIn();
});
