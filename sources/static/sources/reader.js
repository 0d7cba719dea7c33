/* The admin's report reader: a selection inside the report's text fills the citation form
   with its offsets in the stored text. Offsets are counted on the text nodes themselves
   (Range.toString), so what the page shows and what the server stores are the same
   characters, line breaks and hidden spaces included. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var text = document.getElementById("reader-text");
    var form = document.getElementById("cite-form");
    if (!text || !form) return;
    var start = document.getElementById("cite-start");
    var end = document.getElementById("cite-end");
    var preview = document.getElementById("cite-preview");
    var button = document.getElementById("cite-button");
    var empty = preview.textContent;

    function offset(node, at) {
      var range = document.createRange();
      range.selectNodeContents(text);
      range.setEnd(node, at);
      return range.toString().length;
    }

    function update() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
      var range = selection.getRangeAt(0);
      if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
      var a = offset(range.startContainer, range.startOffset);
      var b = offset(range.endContainer, range.endOffset);
      var chosen = range.toString();
      if (b <= a || !chosen.trim()) {
        start.value = end.value = "";
        preview.textContent = empty;
        button.disabled = true;
        return;
      }
      start.value = a;
      end.value = b;
      preview.textContent = "\u201c" + chosen + "\u201d";
      button.disabled = false;
    }

    document.addEventListener("selectionchange", update);
    text.addEventListener("mouseup", update);
    text.addEventListener("keyup", update);
  });
})();
