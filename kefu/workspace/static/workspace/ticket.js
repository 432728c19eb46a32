/* kefu workspace: the ticket page (presence, live timeline, reply box, canned replies, keys).
 *
 * Uses the workspace socket of live.js (window.kefuSocket, "kefu:ws" events on document):
 *   - on load and after every reconnect: {"op": "watch", "ticket_id": N}
 *   - while typing in the reply box: {"op": "typing", "on": true} (once per burst),
 *     {"op": "typing", "on": false} after 5 s idle or on send
 *   - {"event": "presence"} -> "张三 正在查看 / 正在回复" chips ("left" removes the chip)
 *   - {"event": "watching"} (joined, also after a reconnect) -> fetch the messages and
 *     history lines newer than the last shown: nothing posted meanwhile is missed
 *   - {"event": "ticket.message"} -> fetch the message partial and append it (once per id)
 *   - {"event": "ticket.changed"} -> refresh the properties panel; when the ticket's
 *     updated_at differs from the reply form's token, show that the form is stale
 *     (the server checks the token anyway and answers with a collision warning).
 *
 * Keys (not while typing in a field): r reply, n internal note, a assign to me,
 * s solve; Esc leaves the text box (keys.js does that for every field).
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-ticket-page]");
  if (!root) return;
  var ticketId = parseInt(root.dataset.ticketId, 10);
  var IDLE_MS = 5000;
  var form = document.getElementById("reply-form");
  var body = document.getElementById("reply-body");
  var timelineEl = document.getElementById("timeline");
  var presenceEl = document.getElementById("presence");
  var people = {}; // user_id -> {name, state}
  var typing = false, idleTimer = null;

  function socket() { return window.kefuSocket || null; }
  function send(obj) {
    var s = socket();
    if (s) s.send(obj);
  }

  // --- presence

  function watch() { send({ op: "watch", ticket_id: ticketId }); }
  if (socket() && socket().onOpen) socket().onOpen(watch);
  else document.addEventListener("kefu:ws-open", watch);
  window.addEventListener("pagehide", function () { send({ op: "unwatch", ticket_id: ticketId }); });

  function renderPresence() {
    presenceEl.textContent = "";
    Object.keys(people).forEach(function (id) {
      var p = people[id];
      var chip = document.createElement("span");
      chip.className = "tk-chip tk-chip-" + p.state;
      var template = p.state === "replying" ? root.dataset.i18nReplying : root.dataset.i18nViewing;
      chip.textContent = template.replace("{name}", p.name); // textContent: names are not HTML
      presenceEl.appendChild(chip);
    });
  }

  function setTyping(on) {
    if (on === typing) return;
    typing = on;
    send({ op: "typing", ticket_id: ticketId, on: on });
  }

  body.addEventListener("input", function () {
    setTyping(true);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () { setTyping(false); }, IDLE_MS);
  });
  body.addEventListener("blur", function () {
    if (!body.value) { clearTimeout(idleTimer); setTyping(false); }
  });

  // --- the timeline: append once per message id

  function dedupe() {
    var seen = {};
    timelineEl.querySelectorAll("[data-message-id], [data-event-id]").forEach(function (el) {
      var id = el.dataset.messageId ? "m" + el.dataset.messageId : "e" + el.dataset.eventId;
      if (seen[id]) el.remove(); else seen[id] = true;
    });
  }

  // History lines (status and field changes) newer than the last one shown.
  var eventsTimer = null;
  function fetchEvents() {
    clearTimeout(eventsTimer);
    eventsTimer = setTimeout(function () {
      var lines = timelineEl.querySelectorAll(".tk-event[data-at]");
      var after = lines.length ? lines[lines.length - 1].dataset.at : "";
      var url = root.dataset.eventsUrl + "?after=" + encodeURIComponent(after);
      htmx.ajax("GET", url, { target: "#timeline", swap: "beforeend" }).then(dedupe);
    }, 150);
  }

  function scrollToEnd() { timelineEl.lastElementChild && timelineEl.lastElementChild.scrollIntoView({ block: "nearest" }); }

  function fetchMessage(messageId) {
    if (document.getElementById("msg-" + messageId)) return;
    var url = root.dataset.messageUrl.replace(/\/0\/$/, "/" + messageId + "/");
    htmx.ajax("GET", url, { target: "#timeline", swap: "beforeend" }).then(function () {
      dedupe();
      scrollToEnd();
    });
  }

  function catchUp() {
    var last = 0;
    timelineEl.querySelectorAll("[data-message-id]").forEach(function (el) {
      last = Math.max(last, parseInt(el.dataset.messageId, 10) || 0);
    });
    htmx.ajax("GET", root.dataset.messagesUrl + "?after=" + last, { target: "#timeline", swap: "beforeend" })
      .then(function () { dedupe(); scrollToEnd(); });
    fetchEvents();
  }

  function seenInput() { return document.getElementById("reply-seen"); }

  function refreshProperties() {
    // Do not swap under the agent's hands (an open select or a half-typed tag).
    var props = document.getElementById("properties");
    var active = document.activeElement;
    if (props && active && props.contains(active) && active.matches("input, select")) return;
    htmx.ajax("GET", root.dataset.propertiesUrl, { target: "#properties", swap: "outerHTML" });
  }

  function markStale() {
    var props = document.getElementById("properties");
    var stale = props && seenInput() && props.dataset.updatedAt !== seenInput().value;
    document.getElementById("reply-stale").hidden = !stale;
  }

  // A slow search answer arriving after the agent picked a reply (or left) must not reopen the list.
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "macro-results" &&
        document.activeElement !== document.getElementById("macro-search")) e.detail.shouldSwap = false;
  });

  // Whenever the panel was swapped in (live refresh, a field saved, a reply sent).
  document.addEventListener("htmx:afterSettle", function (e) {
    markStale();
    if (e.detail.target && e.detail.target.id === "properties") fetchEvents();
  });

  document.addEventListener("kefu:ws", function (e) {
    var msg = e.detail || {};
    if (msg.ticket_id !== ticketId) return;
    if (msg.event === "presence") {
      if (msg.state === "left") delete people[msg.user_id];
      else people[msg.user_id] = { name: msg.name, state: msg.state };
      renderPresence();
    } else if (msg.event === "watching") {
      catchUp();
    } else if (msg.event === "ticket.message") {
      fetchMessage(msg.message_id);
      refreshProperties(); // a reply may have changed the status
    } else if (msg.event === "ticket.changed") {
      refreshProperties();
    }
  });

  // --- the reply box

  // Conflicts and validation errors come back as 409/422 with a partial to show.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "409|413|415|422", swap: true, error: false },
    { code: "[45]..", swap: false, error: true }
  ];

  function setMode(mode) {
    var radio = form.querySelector("input[name=visibility][value=" + mode + "]");
    if (radio) radio.checked = true;
    form.classList.toggle("is-note", mode === "internal");
  }
  form.addEventListener("change", function (e) {
    if (e.target.name === "visibility") setMode(e.target.value);
  });

  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-send-anyway]")) {
      document.getElementById("reply-confirm").value = "1";
      form.requestSubmit ? form.requestSubmit() : htmx.trigger(form, "submit");
      return;
    }
    if (!e.target.closest(".tk-macros")) document.getElementById("macro-results").textContent = "";
    var macro = e.target.closest("[data-macro-text]");
    if (macro) {
      insertText(macro.dataset.macroText);
      htmx.ajax("POST", macro.dataset.usedUrl, { source: macro, swap: "none" });
      document.getElementById("macro-results").textContent = "";
      document.getElementById("macro-search").value = "";
    }
  });

  function insertText(text) {
    var start = body.selectionStart || 0, end = body.selectionEnd || 0;
    body.value = body.value.slice(0, start) + text + body.value.slice(end);
    body.focus();
    body.selectionStart = body.selectionEnd = start + text.length;
    body.dispatchEvent(new Event("input"));
  }

  form.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.elt !== form) return;
    document.getElementById("reply-confirm").value = "0";
    var status = e.detail.xhr ? e.detail.xhr.status : 0;
    if (status >= 200 && status < 300) {
      form.reset();
      setMode("public");
      clearTimeout(idleTimer);
      setTyping(false);
      dedupe();
      markStale();
      fetchEvents(); // "then set status" wrote a history line
      scrollToEnd();
    }
  });

  // --- keys

  function isField(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function setProperty(field, value) {
    htmx.ajax("POST", root.dataset.propertiesUrl, {
      target: "#properties", swap: "outerHTML", source: root, values: { field: field, value: value }
    });
  }

  // The list this ticket was opened from (keys.js remembers it): j / k walk it.
  function goQueue(step) {
    var queue = null;
    try { queue = JSON.parse(sessionStorage.getItem("kefu:queue") || "null"); } catch (err) { queue = null; }
    if (!queue || !queue.tickets) { window.location.href = root.dataset.homeUrl; return; }
    var at = queue.tickets.indexOf(location.pathname);
    var next = at < 0 ? null : queue.tickets[at + step];
    window.location.href = next || queue.list;
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey || isField(e.target)) return;
    if (document.querySelector("dialog[open]")) return; // the help overlay is open
    switch (e.key) {
      case "j": goQueue(1); break;
      case "k": goQueue(-1); break;
      case "r": setMode("public"); body.focus(); break;
      case "n": setMode("internal"); body.focus(); break;
      case "a": setProperty("assignee_id", "me"); break;
      case "s": setProperty("status", "solved"); break;
      default: return;
    }
    e.preventDefault();
  });

  scrollToEnd();
})();
