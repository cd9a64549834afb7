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

// Long selects as search fields (templates/_macros/forms.html, lookup_control): matches
// arrive from /lookup/<source> as one types; the stored choice is never dropped.
(function () {
  "use strict";
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  document.querySelectorAll("[data-lookup-url]").forEach(function (box) {
    var select = box.querySelector("select");
    var input = box.querySelector("[data-lookup-input]");
    var button = box.querySelector("[data-lookup-button]");
    var status = box.querySelector("[data-lookup-status]");
    if (!select || !input || !button) { return; }
    // With the script, Enter in another field saves the form, not a search.
    button.type = "button";
    var timer = null;
    var sequence = 0;
    function run() {
      var query = input.value.trim();
      var mine = ++sequence;
      fetch(box.dataset.lookupUrl + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          if (mine !== sequence) { return; }
          var kept = {};
          Array.prototype.slice.call(select.options).forEach(function (option) {
            if (option.value === "" || option.selected) { kept[option.value] = true; }
            else { select.removeChild(option); }
          });
          data.items.forEach(function (item) {
            if (!kept[item.value]) { select.appendChild(new Option(item.label, item.value)); }
          });
          var text = fill(box.dataset.textResults, { n: data.items.length });
          if (query) { text += fill(box.dataset.textFor, { q: query }); }
          if (data.items.length >= data.limit) { text += box.dataset.textMore; }
          status.textContent = text + ".";
        })
        .catch(function () { status.textContent = box.dataset.textError; });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(timer); run(); }
    });
    button.addEventListener("click", run);
  });
})();
