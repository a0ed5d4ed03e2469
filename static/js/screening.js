// Screening pages: progressive enhancement only (the Content-Security-Policy forbids inline script).
// - buttons marked data-print appear and print the page;
// - when the form has errors, focus moves to the "There is a problem" summary, and its links focus their field
//   (the GOV.UK pattern).
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
    // A link in the summary moves focus to its field (fragment navigation alone only scrolls).
    for (const link of summary.querySelectorAll("a[href^='#']")) {
      link.addEventListener("click", (event) => {
        const field = document.getElementById(link.hash.slice(1));
        if (!field) return;
        event.preventDefault();
        history.replaceState(null, "", link.hash);
        const label = document.querySelector(`label[for='${field.id}']`) || field.closest("fieldset") || field;
        label.scrollIntoView();
        field.focus({ preventScroll: true });
      });
    }
  }
});
