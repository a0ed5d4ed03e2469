// The GOV.UK error pattern: when a form has errors, focus moves to the "There is a problem" summary, and each of
// its links moves focus to its field (fragment navigation alone only scrolls). Static file: the CSP forbids inline.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
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
});
