// The staff menus are <details> elements and open without JavaScript. This only keeps one
// dropdown of the menu bar open at a time and closes it on Escape or on a click elsewhere.
(function () {
  "use strict";
  var menus = Array.prototype.slice.call(document.querySelectorAll("[data-portal-menu]"));
  if (!menus.length) return;
  function closeAll(except) {
    menus.forEach(function (menu) { if (menu !== except) menu.open = false; });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () { if (menu.open) closeAll(menu); });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-portal-menu]")) closeAll(null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = menus.filter(function (menu) { return menu.open; })[0];
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
})();
