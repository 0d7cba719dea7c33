/* Starts Redoc on /api/redoc/ (templates/drf_spectacular/redoc.html) under the page's
   Content-Security-Policy. Loaded before Redoc's bundle, with the page's nonce:
   - every <style> element the bundle inserts (its own stylesheets at load, then the styles
     it generates) is given the nonce, the only way the policy lets a style in;
   - Redoc's sidebar shows Redocly's logo from their CDN: an image from another server is
     never requested (the element gets an empty image and Redoc hides it);
   - once the bundle has run, Redoc is started with the schema URL and the settings that
     this script element's data attributes carry. */
(function () {
  "use strict";
  var script = document.currentScript;
  var nonce = script.nonce;

  ["appendChild", "insertBefore"].forEach(function (name) {
    var original = Node.prototype[name];
    Node.prototype[name] = function (node) {
      if (node && node.nodeName === "STYLE" && !node.nonce) {
        node.setAttribute("nonce", nonce);
      }
      return original.apply(this, arguments);
    };
  });

  function local(value) {
    return new URL(value, location.href).origin === location.origin ? value : "data:,";
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this.nodeName === "IMG" && String(name).toLowerCase() === "src") {
      value = local(String(value));
    }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) { src.set.call(this, local(String(value))); },
  });

  document.addEventListener("DOMContentLoaded", function () {
    var settings = JSON.parse(script.dataset.settings || "{}");
    settings.nonce = nonce;
    Redoc.init(script.dataset.schemaUrl, settings, document.getElementById("redoc-container"));
  });
})();
