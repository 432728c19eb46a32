/* kefu workspace: the one WebSocket of an agent page (ws(s)://host/ws/agent/).
 *
 * For other pages (the ticket page reuses this connection for presence):
 *   - every message received is dispatched on `document` as a CustomEvent "kefu:ws"
 *     whose `detail` is the parsed JSON, e.g.
 *       document.addEventListener("kefu:ws", (e) => { if (e.detail.event === "presence") ... });
 *   - window.kefuSocket.send(obj) sends obj as JSON; while the socket is (re)connecting
 *     the message is queued and sent on open. Returns true if sent at once.
 *   - window.kefuSocket.onOpen(fn) runs fn now if connected and again after every
 *     reconnect (use it to re-send {"op": "watch", "ticket_id": N} after a network loss).
 *   - a "kefu:ws-open" / "kefu:ws-close" CustomEvent is dispatched on `document` too.
 *
 * What this file does itself: on {"event": "queue.changed"} it triggers "kefu:refresh"
 * on <body> (debounced 300 ms); the sidebar counts and the visible ticket list listen
 * for it with hx-trigger="kefu:refresh from:body" and re-fetch through htmx. After a
 * network loss it reconnects with exponential backoff (1 s doubling to 30 s, jittered)
 * and refreshes once, since pushes may have been missed meanwhile.
 */
(function () {
  "use strict";
  if (window.kefuSocket) return; // loaded twice: keep the first connection

  var DEBOUNCE_MS = 300, MIN_DELAY = 1000, MAX_DELAY = 30000;
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/agent/";
  var socket = null, delay = MIN_DELAY, queue = [], openHandlers = [], refreshTimer = null;
  var everOpened = false, stopped = false;

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      if (window.htmx) window.htmx.trigger(document.body, "kefu:refresh");
      else document.body.dispatchEvent(new CustomEvent("kefu:refresh"));
    }, DEBOUNCE_MS);
  }

  function connect() {
    if (stopped) return;
    try {
      socket = new WebSocket(url);
    } catch (err) {
      return retry();
    }
    socket.onopen = function () {
      delay = MIN_DELAY;
      if (everOpened) refreshSoon(); // we may have missed pushes while offline
      everOpened = true;
      while (queue.length && socket.readyState === WebSocket.OPEN) socket.send(queue.shift());
      openHandlers.forEach(function (fn) { try { fn(); } catch (e) { console.error(e); } });
      emit("kefu:ws-open", {});
    };
    socket.onmessage = function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data && data.event === "queue.changed") refreshSoon();
      emit("kefu:ws", data);
    };
    socket.onclose = function (event) {
      emit("kefu:ws-close", { code: event.code });
      // 4401/4403: not an agent or a foreign origin; retrying would not help.
      if (event.code === 4401 || event.code === 4403) { stopped = true; return; }
      retry();
    };
  }

  function retry() {
    var wait = delay * (0.75 + Math.random() * 0.5);
    delay = Math.min(delay * 2, MAX_DELAY);
    setTimeout(connect, wait);
  }

  window.kefuSocket = {
    send: function (obj) {
      var text = JSON.stringify(obj);
      if (socket && socket.readyState === WebSocket.OPEN) { socket.send(text); return true; }
      if (queue.length < 100) queue.push(text);
      return false;
    },
    onOpen: function (fn) {
      openHandlers.push(fn);
      if (socket && socket.readyState === WebSocket.OPEN) fn();
    },
    get connected() { return !!socket && socket.readyState === WebSocket.OPEN; }
  };

  // A machine waking from sleep often keeps a dead socket: reconnect when back online.
  window.addEventListener("online", function () {
    if (!socket || socket.readyState === WebSocket.CLOSED) { delay = MIN_DELAY; connect(); }
  });
  connect();
})();
