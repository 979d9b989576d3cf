// Keyboard shortcuts for the monitoring queue and the item page: j/k move, r marks
// reviewed, o opens. Ignored while typing in a field, and with modifier keys.
(function () {
  "use strict";
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName));
  }
  var list = document.querySelector("[data-keys='queue']");
  var rows = list ? Array.prototype.slice.call(list.querySelectorAll(".portal-queue-row")) : [];
  var current = -1;
  function focusRow(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].focus();
  }
  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest(".portal-queue-row");
    if (row) current = rows.indexOf(row);
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var key = event.key;
    if (rows.length) {
      if (key === "j") { focusRow(current + 1); event.preventDefault(); }
      else if (key === "k") { focusRow(current - 1); event.preventDefault(); }
      else if ((key === "r" || key === "o") && current >= 0) {
        var target = rows[current].querySelector("[data-key='" + key + "']");
        if (target && target.tagName === "FORM") { target.submit(); } else if (target) { target.click(); }
        event.preventDefault();
      }
      return;
    }
    // Item page: j/k follow the next/previous links, r submits "mark reviewed".
    var element = document.querySelector("[data-keys^='item'] [data-key='" + key + "']");
    if (!element) return;
    if (element.tagName === "FORM") { element.submit(); } else { element.click(); }
    event.preventDefault();
  });
})();
