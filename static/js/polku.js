// Tell the user when an htmx request fails, since htmx does not swap error responses.
(function () {
  "use strict";
  function show(message) {
    var region = document.getElementById("request-status");
    if (!region) { return; }
    region.textContent = message;
    region.hidden = false;
  }
  document.addEventListener("htmx:responseError", function (event) {
    var text = "";
    var body = event.detail.xhr && event.detail.xhr.responseText;
    if (body) {
      var doc = new DOMParser().parseFromString(body, "text/html");
      var notice = doc.querySelector(".notice, .error-page");
      text = notice ? notice.textContent.replace(/\s+/g, " ").trim() : "";
    }
    show(text || document.body.dataset.errorMessage);
  });
  document.addEventListener("htmx:sendError", function () {
    show(document.body.dataset.offlineMessage);
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var region = document.getElementById("request-status");
    if (region) { region.hidden = true; region.textContent = ""; }
  });
})();
