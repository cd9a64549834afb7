// dankheo: progressive enhancements only; every page works without JavaScript.
(function () {
  "use strict";
  // Ask before destructive actions: <button data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // Prevent double submission: disable [data-once] buttons of a form being sent.
    var form = event.target;
    window.setTimeout(function () {
      form.querySelectorAll("button[data-once]").forEach(function (b) {
        b.disabled = true;
        b.setAttribute("aria-disabled", "true");
      });
    }, 0);
  });
  // Elements with data-poll-url are refreshed from JSON {percent, done, total, finished}.
  document.querySelectorAll("[data-poll-url]").forEach(function (box) {
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    function tick() {
      fetch(box.dataset.pollUrl, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (bar) { bar.value = data.done; bar.max = data.total || 1; }
          if (text) { text.textContent = data.text || (data.done + "/" + data.total); }
          if (data.finished) { if (box.dataset.reload !== undefined) { window.location.reload(); } }
          else { window.setTimeout(tick, 1000); }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    tick();
  });
})();
