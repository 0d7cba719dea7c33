/* The admin's language switch submits its form when a language is chosen
   (a file, not an onchange attribute: the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-submit-on-change]")) {
      select.form.submit();
    }
  });
})();
