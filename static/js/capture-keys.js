// Keyboard shortcuts for the monitoring queue and the item page: j/k move, r marks
// reviewed, o opens. Ignored while typing in a field, and with modifier keys.
// "r" submits the row's form as a click would (requestSubmit), so htmx marks it in place: the
// row keeps its place and the focus, and j goes on to the next one.
(function () {
  "use strict";
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName));
  }
  var list = document.querySelector("[data-keys='queue']");
  // Rows are read afresh each time: an in-place action replaces a row element.
  function rows() {
    return list ? Array.prototype.slice.call(list.querySelectorAll(".portal-queue-row")) : [];
  }
  function currentIndex() {
    var active = document.activeElement;
    var row = active && active.closest && active.closest(".portal-queue-row");
    return row ? rows().indexOf(row) : -1;
  }
  function focusRow(index) {
    var all = rows();
    if (!all.length) return;
    all[Math.max(0, Math.min(all.length - 1, index))].focus();
  }
  function submit(form) {
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var key = event.key;
    if (list) {
      var current = currentIndex();
      if (key === "j") { focusRow(current + 1); event.preventDefault(); }
      else if (key === "k") { focusRow(current - 1); event.preventDefault(); }
      else if ((key === "r" || key === "o") && current >= 0) {
        var target = rows()[current].querySelector("[data-key='" + key + "']");
        if (target && target.tagName === "FORM") { submit(target); } else if (target) { target.click(); }
        event.preventDefault();
      }
      return;
    }
    // Item page: j/k follow the next/previous links, r submits "mark reviewed".
    var element = document.querySelector("[data-keys^='item'] [data-key='" + key + "']");
    if (!element) return;
    if (element.tagName === "FORM") { submit(element); } else { element.click(); }
    event.preventDefault();
  });
})();
