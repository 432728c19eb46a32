/* Ticks every .kefu-chat-timer (mm:ss since the unanswered chat message), red past the
   target. One interval per page however often the partial is included or swapped in. */
(function () {
  "use strict";
  if (window.__kefuChatTimer) return;
  window.__kefuChatTimer = 1;
  function tick() {
    var now = Date.now() / 1000;
    document.querySelectorAll(".kefu-chat-timer").forEach(function (el) {
      if (!el.dataset.skew) el.dataset.skew = String(now - Number(el.dataset.now));
      var s = Math.max(0, Math.floor(now - Number(el.dataset.skew) - Number(el.dataset.since)));
      el.textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
      var late = s > Number(el.dataset.target || 60);
      el.classList.toggle("is-overdue", late);
      el.style.color = late ? "#c62828" : "";
    });
  }
  tick();
  setInterval(tick, 1000);
})();
