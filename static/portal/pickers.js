// Searchable pickers: every <select multiple data-picker> becomes a tom-select. A "remote" picker
// (data-picker-source) lists only what is chosen and asks its source as the clerk types; its
// fallback text box (for use without JavaScript) is hidden once the picker works.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") return;
  Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), function (select) {
    var options = {
      plugins: ["remove_button"],
      maxOptions: 200,
      hideSelected: true,
      closeAfterSelect: false,
      render: {
        no_results: function () { return '<div class="no-results">Nothing found</div>'; }
      }
    };
    var source = select.getAttribute("data-picker-source");
    if (source) {
      options.valueField = "value";
      options.labelField = "label";
      options.searchField = ["label"];
      options.shouldLoad = function (query) { return query.trim().length >= 2; };
      options.load = function (query, callback) {
        var url = source + (source.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { callback(data.results || []); })
          .catch(function () { callback(); });
      };
      options.render.no_results = function (data) {
        return data.input.trim().length < 2 ? '<div class="no-results">Type two characters or more</div>'
          : '<div class="no-results">No commenter matches</div>';
      };
    }
    new window.TomSelect(select, options);
    // The label now names the picker's search box (tom-select points it there); the select it
    // fills in stays in the form but out of the keyboard's and screen readers' way.
    select.setAttribute("aria-hidden", "true");
    select.setAttribute("tabindex", "-1");
    var group = select.closest(".usa-form-group") || select.parentNode;
    var fallback = group.querySelector("[data-picker-fallback]");
    if (fallback) fallback.hidden = true;
  });
})();
