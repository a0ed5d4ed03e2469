// Accessible names for admin widgets that Django's admin leaves unnamed: inputs in tabular inlines (labelled
// only by their column header) and the select2 autocomplete widgets. Static file: the CSP allows no inline script.
(function () {
  "use strict";

  function labelText(id) {
    var label = id && document.querySelector("label[for='" + id + "']");
    return label ? label.textContent.replace(/[:*]\s*$/, "").trim() : "";
  }

  function nameTabularInputs(root) {
    root.querySelectorAll(".tabular table").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
            if (!field.getAttribute("aria-label") && !labelText(field.id)) {
              var rowNumber = Array.prototype.indexOf.call(row.parentNode.children, row) + 1;
              field.setAttribute("aria-label", (headers[index] || field.name) + ", row " + rowNumber);
            }
          });
        });
      });
    });
  }

  function nameSelect2(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = labelText(select.id) || select.name;
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) { return; }
      container.querySelectorAll("[role=combobox], [role=textbox], .select2-search__field").forEach(function (el) {
        // aria-labelledby points at the (often empty) selection text, and would win over aria-label.
        el.removeAttribute("aria-labelledby");
        el.setAttribute("aria-label", name);
      });
    });
  }

  function fix(root) {
    nameTabularInputs(root);
    nameSelect2(root);
  }

  // After every other load handler: Django's autocomplete.js creates the select2 widgets on "load" too.
  window.addEventListener("load", function () { setTimeout(function () { fix(document); }, 0); });
  document.addEventListener("formset:added", function () { setTimeout(function () { fix(document); }, 0); });
})();
