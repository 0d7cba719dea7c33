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

/* File inputs: the browser's own button says "Choose File" in the browser's language, not
   the page's. A label styled as a button, in the page's language, opens the same input,
   and the chosen file's name is shown beside it. */
(function () {
  "use strict";
  var WORDS = {
    zh: { choose: "选择文件", none: "未选择文件" },
    en: { choose: "Choose file", none: "No file chosen" },
  };
  function words() {
    var lang = (document.documentElement.lang || "").toLowerCase();
    return lang.indexOf("en") === 0 ? WORDS.en : WORDS.zh;
  }
  function dress(input) {
    if (input.hasAttribute("data-registry-file") || !input.id) return;
    var text = words();
    input.setAttribute("data-registry-file", "");
    input.classList.add("registry-file-input");
    var button = document.createElement("label");
    button.htmlFor = input.id;
    button.className = "button registry-file-button";
    button.textContent = text.choose;
    var name = document.createElement("span");
    name.className = "registry-file-name";
    name.setAttribute("aria-live", "polite");
    name.textContent = text.none;
    input.insertAdjacentElement("afterend", name);
    input.insertAdjacentElement("afterend", button);
    input.addEventListener("change", function () {
      name.textContent = input.files && input.files.length ? input.files[0].name : text.none;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[type="file"]').forEach(dress);
  });
})();
