// Warn before an idle session ends, and let the user extend it (WCAG 2.2.1 Timing Adjustable).
// Used on pages whose <form> carries data-session-seconds and data-keep-alive-url. Static file: CSP-safe.
(function () {
  "use strict";
  var WARN_BEFORE = 120; // seconds

  function start(form) {
    var seconds = parseInt(form.dataset.sessionSeconds, 10);
    var url = form.dataset.keepAliveUrl;
    if (!seconds || !url) { return; }
    var banner = document.createElement("div");
    banner.className = "alert alert-warning session-timeout";
    banner.setAttribute("role", "alertdialog");
    banner.setAttribute("aria-live", "assertive");
    banner.setAttribute("aria-labelledby", "session-timeout-message");
    banner.hidden = true;
    var message = document.createElement("p");
    message.id = "session-timeout-message";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-primary";
    button.textContent = "Stay signed in";
    banner.appendChild(message);
    banner.appendChild(button);
    form.parentNode.insertBefore(banner, form);

    var deadline, warnTimer, tick;
    function schedule(total) {
      clearTimeout(warnTimer);
      clearInterval(tick);
      banner.hidden = true;
      deadline = Date.now() + total * 1000;
      warnTimer = setTimeout(warn, Math.max(0, (total - WARN_BEFORE) * 1000));
    }
    function warn() {
      banner.hidden = false;
      update();
      tick = setInterval(update, 1000);
      button.focus();
    }
    function update() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      message.textContent = left > 0
        ? "For your security you will be signed out in " + Math.floor(left / 60) + " min " + (left % 60) +
          " s because nothing has happened for a while. Your answers will be lost."
        : "You have been signed out. Copy your answers, then sign in again.";
    }
    button.addEventListener("click", function () {
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin"
      }).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) { if (result) { schedule(result.expires_in); } });
    });
    schedule(seconds);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-session-seconds]").forEach(start);
  });
})();
