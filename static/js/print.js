// A "Print" button (data-print) prints the page; no inline handler, for the Content-Security-Policy.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
