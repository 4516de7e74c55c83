// htmx comes from its CDN. When that copy cannot load (a room without internet), load the same
// pinned file, with the same integrity hash, from our own static/vendor/ instead.
// This script is deferred right after the CDN's, so it runs after that one ran or failed.
(function () {
  "use strict";
  var self = document.currentScript;
  if (window.htmx || !self) { return; }
  function load() {
    if (window.htmx) { return; }
    var script = document.createElement("script");
    script.src = self.dataset.htmxSrc;
    script.integrity = self.dataset.htmxIntegrity;
    script.crossOrigin = "anonymous";
    document.head.appendChild(script);
  }
  // htmx sets itself up at once only in a complete document; loaded earlier but after
  // DOMContentLoaded it would wait for that event, which has passed, and never start.
  if (document.readyState === "complete") {
    load();
  } else {
    window.addEventListener("load", load);
  }
})();
