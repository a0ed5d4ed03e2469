// Screening pages: progressive enhancement only (the Content-Security-Policy forbids inline script).
// - buttons marked data-print appear and print the page;
// (the "There is a problem" summary's behaviour is in error-summary.js, shared with the sign-in page).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  for (const hint of document.querySelectorAll(".screening-print-hint")) {
    hint.hidden = true;
  }
});
