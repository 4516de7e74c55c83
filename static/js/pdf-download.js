// While a PDF is being made, say so on its button; the server answers with a cookie carrying
// the token we sent, which tells us the file has arrived. Without JavaScript the form is a
// plain GET and the browser shows its own progress.
(function () {
  "use strict";

  function token() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function arrived(value) {
    return document.cookie.split("; ").indexOf("polku_pdf_ready=" + value) !== -1;
  }

  document.querySelectorAll("form[data-pdf-form]").forEach(function (form) {
    var button = form.querySelector("button[data-busy-text]");
    var status = form.querySelector("[role=status]");
    var label = button.textContent;
    form.addEventListener("submit", function () {
      var value = token();
      var field = form.querySelector("input[name=ready]") || document.createElement("input");
      field.type = "hidden";
      field.name = "ready";
      field.value = value;
      form.appendChild(field);
      button.setAttribute("aria-busy", "true");
      button.textContent = button.dataset.busyText;
      status.textContent = button.dataset.busyText;
      var started = Date.now();
      var timer = window.setInterval(function () {
        if (arrived(value) || Date.now() - started > 120000) {
          window.clearInterval(timer);
          button.removeAttribute("aria-busy");
          button.textContent = label;
          status.textContent = arrived(value) ? form.dataset.doneText || "" : "";
        }
      }, 300);
    });
  });
})();
