/* kefu live-chat widget. Embed with
   <script src="https://kefu.example/chat/widget.js" async></script>
   optional: data-lang="en|zh-hans", data-prechat="off", and for signed-in customers
   data-customer-id, data-customer-name, data-customer-email, data-timestamp,
   data-signature (hex HMAC-SHA256 of "id:email:timestamp" with KEFU_CHAT_HMAC_SECRET).
   Plain JS in a Shadow DOM: no framework, no CDN, nothing leaks into the host page. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__kefuChat) return;
  window.__kefuChat = 1;
  var d = script.dataset, base = new URL(script.src, location.href).origin;
  var lang = d.lang || document.documentElement.lang || navigator.language || "";
  var KEY = "kefu-chat:" + base + ":";
  function load(k) { try { return JSON.parse(localStorage.getItem(KEY + k)); } catch (e) { return null; } }
  function save(k, v) { try { localStorage.setItem(KEY + k, JSON.stringify(v)); } catch (e) { /* private mode */ } }

  var S = {}, cfg = {}, token = load("token"), queue = load("queue") || [];
  var signed = d.customerId && d.signature ? {
    customer_id: d.customerId, name: d.customerName || "", email: d.customerEmail || "",
    timestamp: d.timestamp || "", signature: d.signature } : null;
  var byId = {}, byClient = {}, lastId = 0, seenUpTo = 0, readUpTo = 0, unread = 0, count = 0;
  var ws = null, ready = false, backoff = 1000, retry = null, isOpen = false, mode = "";
  var typingOn = false, typingTimer = null, agentTyping = null;

  var host = document.createElement("kefu-chat");
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.innerHTML = "<style>" +
    ":host{all:initial}*{box-sizing:border-box;font:14px/1.45 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif}" +
    ".b{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#1a6dd6;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483646}" +
    ".b svg{width:26px;height:26px;fill:#fff;vertical-align:middle}.n{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#d93025;font-size:12px;line-height:20px;padding:0 5px}" +
    ".p{position:fixed;right:20px;bottom:88px;width:360px;height:520px;max-height:calc(100vh - 108px);display:flex;flex-direction:column;background:#fff;color:#222;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden;z-index:2147483647}" +
    "[hidden]{display:none!important}header{display:flex;align-items:center;justify-content:space-between;padding:12px 14px;background:#1a6dd6;color:#fff}" +
    "header b{display:block;font-weight:600}header small{font-size:12px;opacity:.85}.x{background:none;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1}" +
    ".l{flex:1;overflow-y:auto;padding:12px;background:#f5f6f8}.m{max-width:80%;margin:6px 0;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word;background:#fff;border:1px solid #e3e5e8}" +
    ".m.v{margin-left:auto;background:#1a6dd6;color:#fff;border-color:#1a6dd6}.m.s{margin:6px auto;background:none;border:0;color:#666;font-size:12px;text-align:center}" +
    ".m i{display:block;font-style:normal;font-size:12px;color:#666}.m.q{opacity:.6}.m.f{background:#fdecea;color:#a50e0e;border-color:#f5c6c2}.m.r:after{content:' \\2713\\2713';font-size:11px}" +
    ".t{min-height:18px;padding:0 12px;font-size:12px;color:#666;background:#f5f6f8}" +
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e5e8;background:#fff}form.k{flex-direction:column;border:0;padding:14px;overflow-y:auto}" +
    "textarea,input{flex:1;width:100%;border:1px solid #ccd0d5;border-radius:8px;padding:8px;resize:none;color:#222;background:#fff}" +
    "button.s{border:0;border-radius:8px;padding:8px 14px;background:#1a6dd6;color:#fff;cursor:pointer}button.a{border:0;background:none;color:#1a6dd6;cursor:pointer}" +
    "label{font-size:13px;color:#444}.e{color:#d93025;font-size:12px;min-height:16px}" +
    "@media (max-width:480px){.p{inset:0;width:auto;height:auto;max-height:none;border-radius:0}}" +
    "</style>" +
    "<button class=b aria-haspopup=dialog><svg viewBox='0 0 24 24'><path d='M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z'/></svg><span class=n hidden></span></button>" +
    "<section class=p role=dialog hidden><header><div><b data-s=title></b><small class=st></small></div><button class=x data-a=close>&times;</button></header>" +
    "<div class=l aria-live=polite></div><div class=t></div>" +
    "<form class='k pre' hidden novalidate><p data-s=prechat></p><label data-s=name></label><input name=name maxlength=200><label data-s=email></label><input name=email type=email maxlength=254><div class=e></div><button class=s data-s=start></button><button type=button class=a data-s=skip></button></form>" +
    "<form class='k off' hidden novalidate><p data-s=offline_hint></p><label data-s=name></label><input name=name maxlength=200 required><label data-s=email></label><input name=email type=email maxlength=254 required><label data-s=message></label><textarea name=message rows=4 required></textarea><div class=e></div><button class=s data-s=leave></button></form>" +
    "<form class=c hidden><textarea rows=2 name=body></textarea><button class=s data-s=send></button></form></section>";
  function $(s) { return root.querySelector(s); }
  var bubble = $(".b"), badge = $(".n"), panel = $(".p"), log = $(".l"), typing = $(".t"), state = $(".st");
  var pre = $(".pre"), off = $(".off"), composer = $(".c"), input = composer.body;

  function t(k, name) { return (S[k] || k).replace("%(name)s", name || S.agent || ""); }
  function rid() {
    var a = new Uint8Array(16); (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  function show(m) {
    mode = m; pre.hidden = m !== "pre"; off.hidden = m !== "off"; composer.hidden = m !== "chat";
    log.hidden = typing.hidden = m === "pre" || m === "off";
    if (m === "chat" && isOpen) input.focus();
  }
  function chooseMode() {
    if (count || queue.length) return "chat";
    if (!cfg.agents_online) return "off";
    if (!signed && !load("ident") && d.prechat !== "off" && !token) return "pre";
    return "chat";
  }

  // ---- rendering: every message exactly once, by id (a pending one by its client id)
  function el(m) {
    var e = document.createElement("div");
    e.className = "m " + (m.author === "visitor" ? "v" : m.author === "agent" ? "a" : "s");
    if (m.author === "agent" && m.name) { var i = document.createElement("i"); i.textContent = m.name; e.appendChild(i); }
    e.appendChild(document.createTextNode(m.body));
    return e;
  }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function place(e, id) {
    e.dataset.id = id; byId[id] = e;
    var n = log.firstChild;
    while (n && !(n.dataset.id && +n.dataset.id > id) && !(n.dataset.cid && !n.dataset.id)) n = n.nextSibling;
    log.insertBefore(e, n);
  }
  function add(m) {
    if (byId[m.id]) return;
    var e = m.client_id && byClient[m.client_id];
    if (e) { e.classList.remove("q"); delete e.dataset.cid; log.removeChild(e); place(e, m.id); }
    else { place(el(m), m.id); count++; }
    lastId = Math.max(lastId, m.id);
    if (m.author !== "visitor" && m.id > readUpTo) { if (isOpen) markRead(); else setBadge(++unread); }
    scroll();
  }
  function pendingEl(q) {
    var e = el({ author: "visitor", body: q.body }); e.className += " q"; e.dataset.cid = q.client_id;
    byClient[q.client_id] = e; log.appendChild(e); scroll();
  }
  function setBadge(n) { badge.hidden = !n; badge.textContent = n > 99 ? "99+" : n; }
  function seen(upTo) {
    seenUpTo = Math.max(seenUpTo, upTo);
    Object.keys(byId).forEach(function (id) { if (+id <= seenUpTo && byId[id].classList.contains("v")) byId[id].classList.add("r"); });
  }
  function markRead() {
    unread = 0; setBadge(0);
    if (lastId > readUpTo && ready) { readUpTo = lastId; out({ op: "read", up_to: lastId }); }
  }

  // ---- the socket: hello, then resend whatever is not acknowledged yet
  function out(o) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(o)); }
  function connect() {
    if (ws) return;
    clearTimeout(retry);
    ws = new WebSocket(base.replace(/^http/, "ws") + (cfg.ws_path || "/ws/chat/") + (token ? "?token=" + encodeURIComponent(token) : ""));
    ws.onopen = function () { out({ op: "hello", visitor: token, identity: signed || load("ident") || null }); };
    ws.onmessage = function (ev) { var m; try { m = JSON.parse(ev.data); } catch (e) { return; } on(m); };
    ws.onclose = function () {
      ws = null; ready = false;
      if (isOpen || token) state.textContent = t("reconnecting");
      retry = setTimeout(connect, backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
    };
  }
  function reconnect() { if (ws) { ws.onclose = null; ws.close(); ws = null; ready = false; } connect(); }
  function flush() { queue.forEach(function (q) { out({ op: "send", client_id: q.client_id, body: q.body }); }); }
  function dequeue(cid) { queue = queue.filter(function (q) { return q.client_id !== cid; }); save("queue", queue); }
  function on(m) {
    if (m.event === "history") {
      if (m.visitor) { token = m.visitor; save("token", token); }
      if (m.agents_online !== undefined) cfg.agents_online = m.agents_online;
      if (m.read_up_to) readUpTo = Math.max(readUpTo, m.read_up_to);
      (m.messages || []).forEach(add);
      ready = true; backoff = 1000; status(); flush();
      if (isOpen) { if (mode !== "off" || count) show(chooseMode()); markRead(); }
    } else if (m.event === "message") add(m);
    else if (m.event === "ack") {
      dequeue(m.client_id);
      var e = byClient[m.client_id];
      if (e && !byId[m.message_id]) { e.classList.remove("q"); delete e.dataset.cid; log.removeChild(e); place(e, m.message_id); count++; lastId = Math.max(lastId, m.message_id); }
      else if (e && e.parentNode && byId[m.message_id] !== e) log.removeChild(e);
    } else if (m.event === "typing") {
      typing.textContent = m.on ? t("typing", m.name) : "";
      clearTimeout(agentTyping); if (m.on) agentTyping = setTimeout(function () { typing.textContent = ""; }, 15000);
    } else if (m.event === "read") seen(m.up_to);
    else if (m.event === "status") { if (m.ended || m.status === "closed") notice(t("closed")); }
    else if (m.event === "error" && m.client_id && m.code !== "rate_limited") {
      dequeue(m.client_id); var f = byClient[m.client_id]; if (f) { f.classList.remove("q"); f.classList.add("f"); f.title = m.message; }
    }
  }
  function notice(text) { var e = el({ author: "system", body: text }); log.appendChild(e); scroll(); }
  function status() { state.textContent = cfg.agents_online ? t("online") : t("offline"); }

  // ---- user actions
  function send(body) {
    body = body.trim(); if (!body) return;
    if (cfg.max_chars && body.length > cfg.max_chars) body = body.slice(0, cfg.max_chars);
    var q = { client_id: rid(), body: body };
    queue.push(q); save("queue", queue); pendingEl(q);
    if (ready) out({ op: "send", client_id: q.client_id, body: body }); else connect();
  }
  composer.onsubmit = function (e) { e.preventDefault(); send(input.value); input.value = ""; setTyping(false); };
  input.onkeydown = function (e) { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); composer.onsubmit(e); } };
  function setTyping(on) {
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { setTyping(false); }, 3000);
    if (on !== typingOn && ready) { typingOn = on; out({ op: "typing", on: on }); }
  }
  input.oninput = function () { setTyping(!!input.value); };
  function validEmail(v) { return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v); }
  pre.onsubmit = function (e) {
    e.preventDefault();
    var email = pre.email.value.trim();
    if (email && !validEmail(email)) { pre.querySelector(".e").textContent = t("bad_email"); return; }
    save("ident", { name: pre.name.value.trim(), email: email });
    show("chat"); reconnect();
  };
  pre.querySelector(".a").onclick = function () { save("ident", {}); show("chat"); connect(); };
  off.onsubmit = function (e) {
    e.preventDefault();
    var err = off.querySelector(".e"), f = { name: off.name.value.trim(), email: off.email.value.trim(), message: off.message.value.trim() };
    if (!f.name || !f.email || !f.message) { err.textContent = t("required"); return; }
    if (!validEmail(f.email)) { err.textContent = t("bad_email"); return; }
    f.lang = cfg.lang; err.textContent = "";
    // text/plain keeps it a "simple" cross-origin request (no preflight); the body is JSON.
    fetch(base + "/chat/offline/", { method: "POST", body: JSON.stringify(f), headers: { "Content-Type": "text/plain" } })
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (x) {
        if (!x[0]) { err.textContent = x[1].field === "email" ? t("bad_email") : (x[1].message || t("error")); return; }
        off.innerHTML = ""; var p = document.createElement("p"); p.textContent = x[1].message || t("sent_offline"); off.appendChild(p);
      })["catch"](function () { err.textContent = t("error"); });
  };
  function toggle(to) {
    isOpen = to; panel.hidden = !to; bubble.setAttribute("aria-expanded", to);
    if (to) { show(chooseMode()); if (mode === "chat") connect(); markRead(); }
  }
  bubble.onclick = function () { toggle(!isOpen); };
  $(".x").onclick = function () { toggle(false); };
  window.addEventListener("online", function () { if (!ws && (isOpen || token)) { backoff = 1000; connect(); } });

  fetch(base + "/chat/config.json?lang=" + encodeURIComponent(lang)).then(function (r) { return r.json(); }).then(function (c) {
    cfg = c; S = c.strings || {};
    root.querySelectorAll("[data-s]").forEach(function (n) { n.textContent = t(n.dataset.s); });
    input.placeholder = t("placeholder"); bubble.setAttribute("aria-label", t("open")); $(".x").setAttribute("aria-label", t("close"));
    status(); (document.body || document.documentElement).appendChild(host);
    queue.forEach(pendingEl);
    if (token || queue.length) connect();  // a conversation to restore: agents' replies arrive closed too
  })["catch"](function () { /* kefu unreachable: no bubble rather than a broken one */ });
})();
