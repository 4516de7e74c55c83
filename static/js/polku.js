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

// --- the board's one editor -------------------------------------------------------------------
// A card's links (data-editor: its actions, "+ Critical point", "Add step") are pages of their
// own without JavaScript; here they fill the board's one dialog instead, whose forms swap the
// board in. Focus comes back to the card: after Cancel or Escape to the link that opened the
// editor; after a save, move or undo to the card the board names (data-focus, handled above);
// after a delete to Undo; otherwise (a new critical point) to the link that opened it.
(function () {
  "use strict";
  var opener = null;
  var closingForBoard = false;
  function dialog() { return document.getElementById("step-editor"); }
  function focusOpener() {
    if (!opener) { return; }
    var link = document.querySelector('a[data-editor][href="' + CSS.escape(opener.href) + '"]');
    var target = link || (opener.card && document.getElementById(opener.card));
    opener = null;
    if (target) { target.focus(); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-editor]") : null;
    if (link && window.htmx && dialog() && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
      event.preventDefault();
      var card = link.closest(".step-card");
      opener = { href: link.getAttribute("href"), card: card ? card.id : null };
      window.htmx.ajax("GET", link.getAttribute("href"), { source: link, target: "#step-editor-body", swap: "innerHTML" });
      return;
    }
    var close = event.target.closest ? event.target.closest("[data-editor-close]") : null;
    if (close && dialog() && dialog().open) {
      event.preventDefault();
      dialog().close();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var editor = dialog();
    if (!editor || !event.detail.target || event.detail.target.id !== "step-editor-body") { return; }
    // Named by the heading of what fills it (every fill has one).
    if (document.getElementById("step-editor-title")) {
      editor.setAttribute("aria-labelledby", "step-editor-title");
    }
    if (!editor.open) { editor.showModal(); }
    focusFirstField(editor);
  });
  function focusFirstField(editor) {
    var first = editor.querySelector("[aria-invalid='true'], .field--error input") ||
      editor.querySelector("[autofocus]") ||
      editor.querySelector("input:not([type='hidden']), select, textarea, button");
    if (first && document.activeElement !== first) { first.focus(); }
  }
  // htmx settles a swap a moment later and may move focus then (to an [autofocus] field):
  // a refused form's first field that needs an answer keeps it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var editor = dialog();
    if (!editor || !editor.open || !event.detail.target || event.detail.target.id !== "step-editor-body") { return; }
    if (editor.querySelector("[aria-invalid='true'], .field--error")) { focusFirstField(editor); }
  });
  // A form in the editor that brings back the board closes the editor first: the board's own
  // focus rule (data-focus) then finds the card outside the modal dialog.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var editor = dialog();
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!editor || !editor.open || !source || !editor.contains(source)) { return; }
    if (!event.detail.shouldSwap || event.detail.target === document.getElementById("step-editor-body")) { return; }
    closingForBoard = true;
    editor.close();
    closingForBoard = false;
  });
  document.addEventListener("close", function (event) {
    if (event.target !== dialog() || closingForBoard) { return; }
    document.getElementById("step-editor-body").textContent = "";
    focusOpener();
  }, true);
  document.addEventListener("htmx:afterSettle", function () {
    if (!opener || (dialog() && dialog().open)) { return; }
    var active = document.activeElement;
    if (!active || active === document.body) { focusOpener(); } else { opener = null; }
  });
})();
