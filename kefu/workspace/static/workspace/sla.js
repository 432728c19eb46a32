/* SLA countdowns in ticket lists: "2:15" left, "-0:05" past due; frozen while paused.
   The server renders the state colour and the seconds left at render time; this ticks
   the figure between live refreshes (which bring the new state). */
(function () {
  "use strict";
  function fmt(seconds) {
    var sign = seconds < 0 ? "-" : "", s = Math.abs(seconds);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    if (h >= 48) return sign + Math.floor(h / 24) + "d";
    return sign + h + ":" + String(m).padStart(2, "0");
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".sla[data-sla-left]").forEach(function (el) {
      if (!el.dataset.slaAt) el.dataset.slaAt = String(now); // when this figure was rendered
      var left = Number(el.dataset.slaLeft);
      if (!el.hasAttribute("data-sla-paused")) left -= Math.floor((now - Number(el.dataset.slaAt)) / 1000);
      var clock = el.querySelector("[data-sla-clock]");
      if (clock) clock.textContent = fmt(left);
    });
  }
  tick();
  setInterval(tick, 15000);
  document.addEventListener("htmx:afterSettle", tick);
})();
