// Live preview of Markdown fields in the admin: the sanitised HTML patients will see, and its readability.
// Loaded as a static file (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";

  function csrfToken(element) {
    var form = element.closest("form");
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    if (textarea.dataset.previewAttached) { return; }
    textarea.dataset.previewAttached = "1";
    var box = document.createElement("div");
    box.className = "markdown-preview";
    box.setAttribute("aria-live", "polite");
    var heading = document.createElement("p");
    heading.className = "markdown-preview-heading";
    heading.textContent = textarea.dataset.markdownPreview === "patient" ? "Preview (as patients will see it)" : "Preview";
    var body = document.createElement("div");
    body.className = "markdown-preview-body";
    var figures = document.createElement("p");
    figures.className = "markdown-preview-figures";
    box.appendChild(heading);
    box.appendChild(body);
    box.appendChild(figures);
    textarea.insertAdjacentElement("afterend", box);

    var timer = null;
    var latest = 0;
    function refresh() {
      var request = ++latest;
      var data = new FormData();
      data.append("text", textarea.value);
      fetch(textarea.dataset.previewUrl, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(textarea) },
        credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (result) {
        if (!result || request !== latest) { return; } // an older answer arriving late
        body.innerHTML = result.html; // sanitised on the server against an allow-list
        if (textarea.dataset.markdownPreview === "patient" && textarea.value.trim() && !result.scored) {
          figures.textContent = "Not scored: " + result.words + (result.words === 1 ? " word" : " words") +
            " (reading formulas need " + result.min_words + " or more)";
          figures.className = "markdown-preview-figures";
        } else if (textarea.dataset.markdownPreview === "patient" && textarea.value.trim()) {
          figures.textContent = "Reading grade " + result.grade + " · reading ease " + result.ease +
            " · SMOG " + result.smog + (result.on_target ? " · on target" : " · over target (aim for grade 8 or lower, ease 60 or more)");
          figures.className = "markdown-preview-figures " + (result.on_target ? "on-target" : "over-target");
        } else {
          figures.textContent = "";
        }
      });
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
    // One request when the editor reaches the field, not one per field on page load (a medication has ~100).
    textarea.addEventListener("focus", function () {
      if (!body.dataset.loaded) { body.dataset.loaded = "1"; refresh(); }
    });
  }

  function attachAll(root) {
    root.querySelectorAll("textarea[data-markdown-preview]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  // Inline rows added with "Add another" fire this event (Django admin's inlines.js).
  document.addEventListener("formset:added", function (event) { attachAll(event.target); });
})();
