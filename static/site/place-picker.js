/* The place picker of the directories' filter forms (the ARIA combobox pattern).

   The server renders a plain text box named like the filter (``chinese_place``): without
   this script one types a name or a slug and the directory resolves it. Here the box
   suggests Chinese places as one types, by any spelling the API's search knows (简体,
   繁體, English, pinyin), and a hidden field carries the chosen place's slug, so the
   form submits ``chinese_place=<slug>`` as links and the API do. Typed text that was not
   picked is submitted as it is, as without the script. */
(function () {
  "use strict";

  var LIMIT = 10;
  var DELAY = 150; // ms after the last keystroke before asking

  function setUp(box) {
    var chinese = (document.documentElement.lang || "").slice(0, 2) === "zh";
    var label = box.form.querySelector('label[for="' + box.id + '"]');
    if (label && !label.id) label.id = box.id + "-label";

    // The value submitted: the slug once a place is picked, else what was typed.
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = box.name;
    field.value = box.dataset.slug || box.value;
    box.removeAttribute("name");
    box.parentNode.appendChild(field);

    var list = document.createElement("ul");
    list.id = box.id + "-options";
    list.className = "place-options";
    list.setAttribute("role", "listbox");
    if (label) list.setAttribute("aria-labelledby", label.id);
    list.hidden = true;
    box.parentNode.appendChild(list);

    var status = document.createElement("p");
    status.className = "place-none";
    status.setAttribute("role", "status");
    box.parentNode.appendChild(status);

    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", list.id);

    var places = [];
    var active = -1;
    var timer = null;
    var asked = 0; // the number of the latest question: older answers are dropped

    function open(isOpen) {
      list.hidden = !isOpen;
      box.setAttribute("aria-expanded", isOpen ? "true" : "false");
      if (!isOpen) setActive(-1);
    }

    function setActive(index) {
      var items = list.children;
      if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
      active = index;
      if (active >= 0 && items[active]) {
        items[active].setAttribute("aria-selected", "true");
        box.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({ block: "nearest" });
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    }

    // A place without an English name is shown by its Chinese one (as the server does).
    function shownName(place) {
      return chinese ? place.name_zh : place.name_en || place.name_zh;
    }

    function show(results) {
      places = results;
      list.textContent = "";
      results.forEach(function (place, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var name = shownName(place);
        item.setAttribute("lang", name === place.name_zh ? "zh-Hans" : "en");
        item.textContent = name;
        var other = chinese ? place.name_en : place.name_zh;
        if (other && other !== name) {
          var note = document.createElement("span");
          note.className = "other-name";
          note.setAttribute("lang", chinese ? "en" : "zh-Hans");
          note.textContent = other;
          item.appendChild(document.createTextNode(" "));
          item.appendChild(note);
        }
        item.addEventListener("click", function () {
          pick(index);
        });
        list.appendChild(item);
      });
      status.textContent = results.length ? "" : box.dataset.none;
      open(results.length > 0);
    }

    function pick(index) {
      var place = places[index];
      box.value = shownName(place);
      field.value = place.slug;
      status.textContent = "";
      open(false);
      box.focus();
    }

    function ask() {
      var text = box.value.trim();
      var number = ++asked;
      if (!text) {
        status.textContent = "";
        open(false);
        return;
      }
      var query = new URLSearchParams({ q: text, side: "chinese", brief: "1", limit: LIMIT });
      fetch(box.dataset.placePicker + "?" + query, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (answer) {
          if (number === asked) show(answer.results || []);
        })
        .catch(function () {
          /* offline or refused: the box still submits what was typed */
        });
    }

    box.addEventListener("input", function () {
      field.value = box.value.trim();
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });

    box.addEventListener("keydown", function (event) {
      var count = list.hidden ? 0 : places.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!count) {
          ask();
          return;
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive((active + step + count + (active < 0 && step < 0 ? 1 : 0)) % count);
      } else if (event.key === "Enter" && count && active >= 0) {
        event.preventDefault(); // pick the suggestion, do not submit yet
        pick(active);
      } else if (event.key === "Escape") {
        if (count) {
          event.preventDefault();
          open(false);
        } else if (box.value) {
          event.preventDefault();
          box.value = "";
          field.value = "";
        }
      } else if (event.key === "Tab") {
        open(false);
      }
    });

    // A press on a suggestion must not blur the box before the click picks it.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    box.addEventListener("blur", function () {
      open(false);
    });
  }

  document.querySelectorAll("input[data-place-picker]").forEach(setUp);
})();
