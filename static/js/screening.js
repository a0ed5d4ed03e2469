// Screening pages: progressive enhancement only (the Content-Security-Policy forbids inline script).
// - buttons marked data-print appear and print the page;
// - when the form has errors, focus moves to the "There is a problem" summary (the GOV.UK pattern).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  for (const hint of document.querySelectorAll(".screening-print-hint")) {
    hint.hidden = true;
  }
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
