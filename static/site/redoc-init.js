/* Starts Redoc on /api/redoc/ (templates/drf_spectacular/redoc.html). The schema URL and
   Redoc's settings come from this script element's data attributes; its nonce is handed to
   Redoc so that the <style> elements Redoc generates pass the Content-Security-Policy. */
(function () {
  "use strict";
  var script = document.currentScript;
  var settings = JSON.parse(script.dataset.settings || "{}");
  settings.nonce = script.nonce;
  Redoc.init(script.dataset.schemaUrl, settings, document.getElementById("redoc-container"));
})();
