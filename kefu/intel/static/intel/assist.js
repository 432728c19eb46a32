/* kefu offline assistance on the ticket page (kefu/intel): the assistant card, the
 * customer's mood line, the tone check under the reply box and the suggested replies.
 *
 *   - Tone check: 500 ms after the agent stops typing (or changes the reply type or the
 *     after-send status) the draft is POSTed to the tone endpoint and its findings are
 *     shown in #reply-tone. Internal notes are not checked. Only the newest answer is
 *     shown. "Apply" puts the server's rewrite (kefu.assist.tone.rewrite) in the box,
 *     only while the box still holds the text that was checked. Sending is never held.
 *   - Suggested replies: a canned reply uses the macro picker's data-macro-text (ticket.js
 *     inserts it); a past reply (data-suggest-text) is inserted here the same way.
 *   - Refresh: "ticket.changed" (sent also when the job worker has analysed a message)
 *     reloads the assistant card and the mood line; a customer's "ticket.message" reloads
 *     the suggestions (they answer the customer's last message); "watching" (the socket
 *     joined, also after a reconnect) reloads all three once. A category set here reloads
 *     the properties panel, which makes ticket.js fetch the new history line. Nothing is
 *     polled: on SQLite a web process has one request thread, shared with the sockets.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-ticket-page]");
  var form = document.getElementById("reply-form");
  var body = document.getElementById("reply-body");
  var toneBox = document.getElementById("reply-tone");
  if (!root || !form || !body || !toneBox) return;
  var ticketId = parseInt(root.dataset.ticketId, 10);
  var TONE_DELAY_MS = 500;
  var toneTimer = null, toneSeq = 0;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (err) { return ""; }
  }
  function field(selector) { return form.querySelector(selector); }
  function visibility() { var r = field("input[name=visibility]:checked"); return r ? r.value : "public"; }
  function afterStatus() { var s = field("select[name=status]"); return s ? s.value : ""; }

  // --- tone check

  function clearTone() { toneSeq += 1; toneBox.textContent = ""; }

  function checkTone() {
    clearTimeout(toneTimer);
    if (!body.value.trim() || visibility() === "internal") { clearTone(); return; }
    var seq = ++toneSeq;
    var data = new URLSearchParams({ body: body.value, visibility: visibility(), status: afterStatus() });
    fetch(toneBox.dataset.toneUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null || seq !== toneSeq) return; // an older draft's answer
      toneBox.innerHTML = html; // the server's escaped partial, like an htmx swap
    }).catch(function () { /* the check is advice: a failed one shows nothing */ });
  }

  function scheduleTone() { clearTimeout(toneTimer); toneTimer = setTimeout(checkTone, TONE_DELAY_MS); }

  body.addEventListener("input", scheduleTone);
  form.addEventListener("change", function (e) {
    if (e.target.name === "visibility" || e.target.name === "status") scheduleTone();
  });
  form.addEventListener("htmx:afterRequest", function (e) {
    var status = e.detail.xhr ? e.detail.xhr.status : 0;
    if (e.detail.elt === form && status >= 200 && status < 300) { clearTimeout(toneTimer); clearTone(); }
  });

  function insertText(text) { // as ticket.js inserts a canned reply
    var start = body.selectionStart || 0, end = body.selectionEnd || 0;
    body.value = body.value.slice(0, start) + text + body.value.slice(end);
    body.focus();
    body.selectionStart = body.selectionEnd = start + text.length;
    body.dispatchEvent(new Event("input"));
  }

  document.addEventListener("click", function (e) {
    var apply = e.target.closest("[data-tone-apply]");
    if (apply) {
      var checked = apply.closest("[data-draft]");
      if (checked && checked.dataset.draft === body.value) {
        body.value = apply.dataset.toneApply;
        body.focus();
        body.dispatchEvent(new Event("input")); // check the new text
      } else {
        checkTone(); // the text changed since the check: check it again first
      }
      return;
    }
    var suggestion = e.target.closest("[data-suggest-text]");
    if (suggestion) insertText(suggestion.dataset.suggestText);
  });

  // --- refreshing the card, the mood line and the suggestions

  // Bursts of pushes (a triage moves team, tags and priority at once) make one request
  // per panel, not one per push.
  var RELOAD_DEBOUNCE_MS = 300, reloadTimers = {};
  function reload(id, swap) {
    clearTimeout(reloadTimers[id]);
    reloadTimers[id] = setTimeout(function () { reloadNow(id, swap); }, RELOAD_DEBOUNCE_MS);
  }
  function reloadNow(id, swap) {
    var el = document.getElementById(id);
    if (!el || !el.dataset.url) return;
    var active = document.activeElement;
    if (active && el.contains(active) && active.matches("input, select")) return; // under the agent's hands
    htmx.ajax("GET", el.dataset.url, { source: el, target: "#" + id, swap: swap });
  }
  function reloadAll() {
    reload("assistant", "outerHTML");
    reload("customer-mood", "outerHTML");
    reload("reply-suggestions", "innerHTML");
  }

  document.addEventListener("kefu:ws", function (e) {
    var msg = e.detail || {};
    if (msg.ticket_id !== ticketId) return;
    if (msg.event === "ticket.changed") {
      reload("assistant", "outerHTML");
      reload("customer-mood", "outerHTML");
    } else if (msg.event === "watching") {
      // Joined (also after a reconnect): an analysis that finished before the socket
      // listened was not pushed to this page.
      reloadAll();
    } else if (msg.event === "ticket.message" && msg.author_kind === "customer") {
      reload("reply-suggestions", "innerHTML");
    }
  });

  document.addEventListener("intel:category-saved", function () {
    if (root.dataset.propertiesUrl) {
      htmx.ajax("GET", root.dataset.propertiesUrl, { target: "#properties", swap: "outerHTML" });
    }
  });
})();
