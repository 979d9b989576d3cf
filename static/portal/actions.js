// In-place actions and confirmations (the pages work without this file: every action is a
// plain form post, and a bulk action without JavaScript asks on a page of its own).
(function () {
  "use strict";
  // A form marked data-confirm="question" asks first; once answered "yes" it carries
  // confirmed=yes, so the server does not ask again on a page of its own.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (!question) return;
    if (!window.confirm(question)) { event.preventDefault(); return; }
    if (!form.querySelector("input[name='confirmed']")) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = "confirmed"; input.value = "yes";
      form.appendChild(input);
    }
  }, true);
  // After an in-place action, the swapped fragment names what gets the focus (autofocus, which
  // htmx honours); when the fragment is gone (a row leaving the queue), the next row gets it.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var next = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt &&
      event.detail.requestConfig.elt.getAttribute("data-focus-next");
    if (next) {
      var target = document.querySelector(next);
      if (target) target.focus();
    }
  });
})();
