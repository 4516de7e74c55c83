// The live session's screens: timers counted on the server's clock, a "reconnecting" notice
// while polls fail, forms closed while editing is locked, and drafts kept across reloads.
(function () {
  "use strict";

  // --- timers: the server sends its clock and the end; the browser only counts down.
  function setUpTimer(timer) {
    if (!timer.dataset.ends) { return; }
    timer.polkuOffset = Number(timer.dataset.serverNow) - Date.now();
  }
  function tick() {
    document.querySelectorAll("[data-timer][data-ends]").forEach(function (timer) {
      if (timer.polkuOffset === undefined) { setUpTimer(timer); }
      var left = Math.max(0, Math.ceil((Number(timer.dataset.ends) - (Date.now() + timer.polkuOffset)) / 1000));
      var value = timer.querySelector(".timer__value");
      var text = left > 0 ? Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") : timer.dataset.doneText;
      if (value && value.textContent !== text) {
        value.textContent = text;
        timer.classList.toggle("timer--done", left === 0);
      }
    });
  }
  setInterval(tick, 250);

  // --- connection: a failed poll shows "reconnecting"; the next answer hides it again.
  function connection(failed) {
    var notice = document.getElementById("live-connection");
    if (!notice) { return; }
    notice.textContent = failed ? notice.dataset.reconnecting : "";
    notice.hidden = !failed;
  }
  function fromPoll(event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    return source && source.hasAttribute && source.hasAttribute("data-live-poll");
  }
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) { if (fromPoll(event)) { connection(true); } });
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (fromPoll(event) && event.detail.xhr.status >= 500) { connection(true); }
  });
  // On load, not after the request: a changed answer replaces the poller, whose later events
  // no longer reach the document.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    if (fromPoll(event) && event.detail.xhr.status < 500) { connection(false); }
  });

  // --- locking: the controls say whether guests may add; the forms follow.
  function followLock() {
    var controls = document.getElementById("live-controls");
    if (!controls) { return; }
    var locked = controls.dataset.locked === "true";
    document.querySelectorAll(".live-form__fields").forEach(function (fields) {
      fields.disabled = locked;
    });
  }
  document.addEventListener("htmx:afterSettle", followLock);

  // --- drafts: what is typed or chosen in a form is kept in this tab until the form is sent.
  function draftKey(form) { return "polku-draft:" + location.pathname + ":" + form.id; }
  function kept(field) {
    return field.name && field.type !== "hidden" && field.type !== "submit" && field.type !== "button";
  }
  function save(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field)) { return; }
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) { data[field.name] = field.value; }
      } else {
        data[field.name] = field.value;
      }
    });
    sessionStorage.setItem(draftKey(form), JSON.stringify(data));
  }
  function restore(root) {
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      var data = JSON.parse(sessionStorage.getItem(draftKey(form)) || "null");
      if (!data) { return; }
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!kept(field) || !(field.name in data)) { return; }
        if (field.type === "radio" || field.type === "checkbox") {
          field.checked = field.value === data[field.name];
        } else if (!field.value || field.tagName === "SELECT") {
          field.value = data[field.name];
        }
      });
    });
  }
  ["input", "change"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var form = event.target.form;
      if (form && form.hasAttribute("data-draft")) { save(form); }
    });
  });
  function forget(form) { sessionStorage.removeItem(draftKey(form)); }
  // Before the swap: afterwards the sent form is out of the page and its events reach nobody.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.elt;
    var status = event.detail.xhr.status;
    if (form && form.matches && form.matches("form[data-draft]") && status >= 200 && status < 300) {
      forget(form);
    }
  });
  // Without htmx, a form the server accepted comes back as a redirect to the answer under it
  // (#point-said, naming its form) with a success message; a refused one is answered in place,
  // without the anchor.
  function forgetSent() {
    var said = location.hash && document.querySelector("[data-said-for]" + location.hash);
    var form = said && document.getElementById(said.dataset.saidFor);
    if (form && said.querySelector(".said--success")) { forget(form); }
  }

  // --- phone flow: the next action first. When the vote opens or closes under an open page,
  // its block and the report form change places (moved, not redrawn: what is typed stays).
  function followVote() {
    var controls = document.getElementById("live-controls");
    var vote = document.getElementById("live-vote");
    var report = document.getElementById("live-report");
    if (!controls || !vote || !report || vote.parentNode !== report.parentNode) { return; }
    var voteFirst = controls.dataset.voting === "true";
    var isFirst = vote.compareDocumentPosition(report) & Node.DOCUMENT_POSITION_FOLLOWING;
    if (voteFirst && !isFirst) { vote.parentNode.insertBefore(vote, report); }
    if (!voteFirst && isFirst) { vote.parentNode.insertBefore(report, vote); }
  }
  document.addEventListener("htmx:afterSettle", followVote);

  // A region redrawn for everyone (a new point in the list) keeps the folds this phone opened.
  var openFolds = [];
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelectorAll) { return; }
    target.querySelectorAll("details[open][id]").forEach(function (fold) { openFolds.push(fold.id); });
  });
  document.addEventListener("htmx:afterSettle", function () {
    openFolds.splice(0).forEach(function (id) {
      var fold = document.getElementById(id);
      if (fold) { fold.open = true; }
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    forgetSent();
    restore(document);
    followLock();
    tick();
  });
})();
