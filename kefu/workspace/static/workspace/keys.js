/* kefu workspace: keyboard shortcuts and row selection of ticket lists.
 *
 *   j / k   next / previous row        x      select the row (checkbox)
 *   Enter   open the row's ticket      /      focus the subject search
 *   ?       shortcut help (Esc closes) — the ticket page adds r, n, a, s itself.
 *
 * Opening a ticket from a list remembers the list's order (sessionStorage
 * "kefu:queue"), so j / k on the ticket page go to the next / previous ticket of it.
 *
 * Nothing fires while typing in a field or with Ctrl/Alt/Meta held. The cursor row and
 * the selection survive the live refresh of the list (htmx swaps the list partial).
 */
(function () {
  "use strict";
  var cursorId = null;

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-ticket-row]")); }
  function current() {
    return rows().filter(function (r) { return r.dataset.id === cursorId; })[0] || null;
  }
  function setCursor(row) {
    rows().forEach(function (r) { r.classList.remove("cursor"); r.removeAttribute("aria-current"); });
    if (!row) { cursorId = null; return; }
    cursorId = row.dataset.id;
    row.classList.add("cursor");
    row.setAttribute("aria-current", "true");
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var at = all.indexOf(current());
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
    setCursor(all[next]);
  }
  function updateSelection() {
    var boxes = document.querySelectorAll("tr[data-ticket-row] input[name=ids]");
    var n = 0;
    boxes.forEach(function (b) { if (b.checked) n++; b.closest("tr").classList.toggle("selected", b.checked); });
    document.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = n; });
    document.querySelectorAll("[data-bulk]").forEach(function (el) { el.disabled = n === 0; });
    var all = document.querySelector("[data-select-all]");
    if (all) { all.checked = n > 0 && n === boxes.length; all.indeterminate = n > 0 && n < boxes.length; }
  }
  function rememberQueue() {
    var links = document.querySelectorAll("tr[data-ticket-row] a[data-open]");
    if (!links.length) return;
    try {
      sessionStorage.setItem("kefu:queue", JSON.stringify({
        list: location.pathname + location.search,
        tickets: Array.prototype.map.call(links, function (a) { return a.pathname; })
      }));
    } catch (err) { /* storage off: j / k on the ticket page go back to the list */ }
  }
  function help() { return document.getElementById("ws-help"); }
  function openHelp() { var d = help(); if (d && !d.open) d.showModal(); }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (typing(e.target)) {
      if (e.key === "Escape") e.target.blur();
      // Enter in the bulk tag field adds the tag (not the form's first action: assign).
      if (e.key === "Enter" && e.target.name === "value_tag") {
        e.preventDefault();
        var button = document.querySelector("[data-bulk-tag]");
        if (button && !button.disabled) button.click();
      }
      return;
    }
    var help = document.getElementById("ws-help");
    if (help && help.open) return; // the dialog has the keyboard (Esc closes it)
    // Enter on a focused link, button or menu keeps its own meaning.
    if (e.key === "Enter" && e.target.closest && e.target.closest("a, button, summary, [role=button]")) return;
    var row;
    switch (e.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "x":
        row = current();
        if (!row) return;
        var box = row.querySelector("input[name=ids]");
        box.checked = !box.checked; updateSelection(); break;
      case "Enter":
        row = current();
        if (!row) return;
        var link = row.querySelector("a[data-open]");
        if (link) { rememberQueue(); window.location.href = link.href; } break;
      case "/":
        var search = document.getElementById("ws-search");
        if (!search) return;
        search.focus(); search.select(); break;
      case "?": openHelp(); break;
      default: return;
    }
    e.preventDefault();
  });

  document.addEventListener("change", function (e) {
    if (e.target.matches("[data-select-all]")) {
      document.querySelectorAll("tr[data-ticket-row] input[name=ids]").forEach(function (b) { b.checked = e.target.checked; });
    }
    if (e.target.matches("[data-select-all], tr[data-ticket-row] input[name=ids]")) updateSelection();
  });
  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-help-open]")) openHelp();
    if (e.target.closest("tr[data-ticket-row] a[data-open]")) rememberQueue();
    var row = e.target.closest("tr[data-ticket-row]");
    if (row && !e.target.closest("a, input")) setCursor(row);
  });

  // Live refresh: keep the selection and the cursor row across the swap.
  var kept = [];
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (!e.detail.target || e.detail.target.id !== "ticket-list") return;
    kept = Array.prototype.map.call(
      document.querySelectorAll("tr[data-ticket-row] input[name=ids]:checked"), function (b) { return b.value; });
    // A half-typed tag or an open select would be lost: skip this refresh, the next push retries.
    var active = document.activeElement;
    if (active && e.detail.target.contains(active) && typing(active)) e.detail.shouldSwap = false;
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    if (!e.detail.target || e.detail.target.id !== "ticket-list") return;
    document.querySelectorAll("tr[data-ticket-row] input[name=ids]").forEach(function (b) {
      b.checked = kept.indexOf(b.value) >= 0;
    });
    var row = current();
    if (row) setCursor(row);
    updateSelection();
  });
  document.addEventListener("DOMContentLoaded", updateSelection);
  if (document.readyState !== "loading") updateSelection();
})();
