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
  // The board refreshes itself when someone else changes the journey, but never under the
  // hands of someone typing in it: the refresh waits (the next poll brings it again), and
  // keyboard focus stays on the same card after it.
  var focusAfterRefresh = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!source || !source.hasAttribute("data-live-board")) { return; }
    var board = document.getElementById("board");
    var active = document.activeElement;
    var typing = board && (board.querySelector("form.step-form--inline") ||
      (active && board.contains(active) && active.matches("input, textarea, select")));
    if (typing) {
      event.detail.shouldSwap = false;
      return;
    }
    var holder = active && board && board.contains(active) ? active.closest("[id]") : null;
    focusAfterRefresh = holder ? holder.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusAfterRefresh) { return; }
    var target = document.getElementById(focusAfterRefresh);
    focusAfterRefresh = null;
    if (target) { target.focus({ preventScroll: true }); }
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var region = document.getElementById("request-status");
    if (region) { region.hidden = true; region.textContent = ""; }
  });
})();
