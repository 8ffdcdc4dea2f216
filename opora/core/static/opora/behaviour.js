// Small behaviours the templates ask for with data- attributes, so that pages carry no
// inline script or on…= handler (the Content-Security-Policy allows neither).
// Delegated from the document: content swapped in by htmx behaves the same.
//   <select data-autosubmit>        submits its form when the choice changes
//   <input data-select-on-click>    selects its whole text when clicked (links to copy)
//   <button data-print>             opens the browser's print dialogue
// And one without an attribute: a `.table-responsive` that scrolls sideways (a wide table on a
// phone) and holds nothing focusable becomes focusable, so that it can be scrolled from the
// keyboard (WCAG 2.1.1; axe's scrollable-region-focusable), named after its table.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      if (typeof field.form.requestSubmit === "function") {
        field.form.requestSubmit();
      } else {
        field.form.submit();
      }
    }
  });
  document.addEventListener("click", function (event) {
    var field = event.target;
    if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-click")) {
      field.select();
    }
    if (field instanceof Element && field.closest("[data-print]")) {
      window.print();
    }
  });

  function tableName(wrapper) {
    var caption = wrapper.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var table = wrapper.querySelector("table[aria-label]");
    if (table) return table.getAttribute("aria-label");
    for (var node = wrapper.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.trim();
    }
    return "Таблица";
  }
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  function markScrollingTables() {
    document.querySelectorAll(".table-responsive").forEach(function (wrapper) {
      var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
      var marked = wrapper.hasAttribute("data-scroll-focus");
      if (scrolls && !marked && !wrapper.querySelector(FOCUSABLE)) {
        wrapper.setAttribute("data-scroll-focus", "");
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", tableName(wrapper));
      } else if (!scrolls && marked) {
        ["data-scroll-focus", "tabindex", "role", "aria-label"].forEach(function (name) {
          wrapper.removeAttribute(name);
        });
      }
    });
  }
  var pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(markScrollingTables, 150);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markScrollingTables);
  } else {
    markScrollingTables();
  }
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSwap", later);
})();
