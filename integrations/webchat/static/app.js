// Lapor Aman web chat. No external requests, no storage but one random session id per tab
// (sessionStorage), transcript only in the page. Quick exit clears everything and leaves.
(function () {
  "use strict";

  var SESSION_KEY = "s";
  var body = document.body;
  var exitUrl = body.getAttribute("data-exit-url") || "about:blank";
  var offlineText = body.getAttribute("data-offline-text") || "";
  var transcript = document.getElementById("transcript");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var busy = false;

  function randomToken() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function sessionId() {
    var id = null;
    try { id = window.sessionStorage.getItem(SESSION_KEY); } catch (e) { id = null; }
    if (!id) {
      id = randomToken();
      try { window.sessionStorage.setItem(SESSION_KEY, id); } catch (e) { /* private mode */ }
    }
    return id;
  }

  function quickExit() {
    try { window.sessionStorage.clear(); } catch (e) { /* nothing stored */ }
    body.innerHTML = "";
    document.title = "";
    // replace(): the chat page is not left in the back-button history.
    window.location.replace(exitUrl);
  }

  function addBubble(text, kind) {
    var bubble = document.createElement("p");
    bubble.className = "bubble bubble--" + kind;
    bubble.textContent = text;
    transcript.appendChild(bubble);
    transcript.scrollTop = transcript.scrollHeight;
  }

  function addChoices(buttons) {
    var group = document.createElement("div");
    group.className = "choices";
    group.setAttribute("role", "group");
    buttons.forEach(function (button) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "choice";
      element.textContent = button.title;
      element.addEventListener("click", function () {
        if (busy) { return; }
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
        send(button.payload, button.title);
      });
      group.appendChild(element);
    });
    transcript.appendChild(group);
    transcript.scrollTop = transcript.scrollHeight;
  }

  function showReplies(messages) {
    messages.forEach(function (message) {
      if (message.erase_chat) { transcript.innerHTML = ""; }
      if (message.text) { addBubble(message.text, "bot"); }
      if (message.buttons && message.buttons.length) { addChoices(message.buttons); }
    });
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    transcript.setAttribute("aria-busy", value ? "true" : "false");
  }

  function post(payload, attemptsLeft) {
    return window.fetch("/api/v1/chat/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      credentials: "same-origin",
      cache: "no-store",
      referrerPolicy: "no-referrer"
    }).then(function (response) {
      if (response.ok) { return response.json(); }
      if (attemptsLeft > 0 && (response.status === 409 || response.status >= 500)) {
        return post(payload, attemptsLeft - 1);
      }
      throw new Error("status " + response.status);
    }, function (error) {
      // Same client_message_id: the server answers a retry without a second turn.
      if (attemptsLeft > 0) { return post(payload, attemptsLeft - 1); }
      throw error;
    });
  }

  function send(text, shownAs) {
    if (shownAs !== null) { addBubble(shownAs, "user"); }
    setBusy(true);
    var payload = { session_id: sessionId(), client_message_id: randomToken(), text: text };
    return post(payload, 2).then(function (data) {
      showReplies(data.messages || []);
    }).catch(function () {
      addBubble(offlineText, "notice");
    }).then(function () {
      setBusy(false);
    });
  }

  document.getElementById("quick-exit").addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { quickExit(); }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) { return; }
    input.value = "";
    send(text, text).then(function () { input.focus(); });
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  // The assistant opens the conversation (greeting, safety question).
  send("/greet", null);
}());
