// The leaflet editor: a search box above each list of checkboxes (sources, classes) shows only the matching ones.
// Loaded as a static file (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.dataset.filters);
    if (!list) { return; }
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(list.children, function (choice) {
        var text = choice.textContent.toLowerCase();
        var checked = choice.querySelector("input:checked");
        choice.hidden = !checked && !words.every(function (word) { return text.indexOf(word) !== -1; });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.choice-filter").forEach(attach);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
