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
  // A swapped-in board replaces the element that had focus: put focus on the changed card.
  document.addEventListener("htmx:afterSettle", function () {
    var board = document.getElementById("board");
    if (!board || !board.dataset.focus) { return; }
    var target = document.getElementById(board.dataset.focus);
    delete board.dataset.focus;
    if (target) { target.focus(); }
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var region = document.getElementById("request-status");
    if (region) { region.hidden = true; region.textContent = ""; }
  });
})();
