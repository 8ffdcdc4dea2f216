// Small behaviours the templates ask for with data- attributes, so that pages carry no
// inline script or on…= handler (the Content-Security-Policy allows neither).
// Delegated from the document: content swapped in by htmx behaves the same.
//   <select data-autosubmit>        submits its form when the choice changes
//   <input data-select-on-click>    selects its whole text when clicked (links to copy)
//   <button data-print>             opens the browser's print dialogue
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
})();
