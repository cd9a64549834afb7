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

// Phone cards (static/css/app.css, table.dk-cards): each cell is labelled with its
// column's header where the template did not set data-label itself.
(function () {
  "use strict";
  document.querySelectorAll("table.dk-cards").forEach(function (table) {
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.replace(/[▲▼]/g, "").replace(/\s+/g, " ").trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label") && headers[index]) {
          cell.setAttribute("data-label", headers[index]);
        }
      });
    });
  });
})();

// Bulk selection: links [data-check-all=name] / [data-check-none=name] tick or untick
// every checkbox of that name without reloading (without JavaScript they reload the page
// with the boxes ticked by the server); [data-check-rows=selector] ticks the matching
// rows' boxes ("down to the cut line"); [data-selected-count=name] says how many.
(function () {
  "use strict";
  function boxes(name) {
    return document.querySelectorAll('input[type="checkbox"][name="' + name + '"]:not(:disabled)');
  }
  function announce(name) {
    document.querySelectorAll('[data-selected-count="' + name + '"]').forEach(function (el) {
      var n = Array.prototype.filter.call(boxes(name), function (b) { return b.checked; }).length;
      el.textContent = (el.dataset.template || "Đã chọn {n}").replace("{n}", n);
    });
  }
  function set(name, predicate) {
    boxes(name).forEach(function (b) { b.checked = predicate(b); });
    announce(name);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-check-all],[data-check-none],[data-check-rows]");
    if (!link) { return; }
    event.preventDefault();
    if (link.dataset.checkAll) { set(link.dataset.checkAll, function () { return true; }); }
    else if (link.dataset.checkNone) { set(link.dataset.checkNone, function () { return false; }); }
    else {
      var name = link.dataset.checkName;
      set(name, function (b) { return !!b.closest(link.dataset.checkRows); });
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches('input[type="checkbox"]')) { announce(event.target.name); }
  });
  document.querySelectorAll("[data-selected-count]").forEach(function (el) {
    announce(el.dataset.selectedCount);
  });
})();

// Decision recipients: drag a row to reorder; the numbers follow, and saving sends the
// typed positions (the same form works from the keyboard without dragging).
(function () {
  "use strict";
  document.querySelectorAll("[data-reorder]").forEach(function (list) {
    var form = list.closest("form");
    var status = form && form.querySelector("[data-reorder-status]");
    var dragged = null;
    function renumber() {
      list.querySelectorAll("li").forEach(function (li, index) {
        var input = li.querySelector("input.dk-position");
        if (input) { input.value = index + 1; }
      });
      if (status) { status.textContent = status.dataset.textChanged; }
    }
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("li");
      if (!dragged) { return; }
      dragged.classList.add("dk-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.itemId);
    });
    list.addEventListener("dragover", function (event) {
      var over = event.target.closest("li");
      if (!dragged || !over || over === dragged) { return; }
      event.preventDefault();
      list.querySelectorAll(".dk-drop-target").forEach(function (li) { li.classList.remove("dk-drop-target"); });
      over.classList.add("dk-drop-target");
    });
    list.addEventListener("drop", function (event) {
      var over = event.target.closest("li");
      if (!dragged || !over || over === dragged) { return; }
      event.preventDefault();
      var items = Array.prototype.slice.call(list.children);
      if (items.indexOf(dragged) < items.indexOf(over)) { over.after(dragged); } else { over.before(dragged); }
      renumber();
    });
    list.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dk-dragging"); }
      list.querySelectorAll(".dk-drop-target").forEach(function (li) { li.classList.remove("dk-drop-target"); });
      dragged = null;
    });
  });
})();

// Evidence uploads (several files at once): send the form in the background with a
// progress bar, then open the page the server names (its message shows there).
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var box = form.querySelector("[data-upload-box]");
    var bar = box && box.querySelector("progress");
    var text = box && box.querySelector("[data-upload-text]");
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented || !window.FormData || !box) { return; }
      var input = form.querySelector('input[type="file"]');
      var total = 0;
      Array.prototype.forEach.call((input && input.files) || [], function (f) { total += f.size; });
      var max = parseInt(form.dataset.maxBytes || "0", 10);
      event.preventDefault();
      box.hidden = false;
      if (max && total > max) {
        text.textContent = form.dataset.textTooLarge;
        form.querySelectorAll("button[data-once]").forEach(function (b) { b.disabled = false; });
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        text.textContent = form.dataset.textSending.replace("{percent}", percent);
      });
      xhr.addEventListener("load", function () {
        var next = null;
        try { next = JSON.parse(xhr.responseText).redirect; } catch (err) { next = null; }
        if (next && next.charAt(0) === "/" && next.charAt(1) !== "/") { window.location.assign(next); }
        else { window.location.reload(); }
      });
      xhr.addEventListener("error", function () {
        text.textContent = form.dataset.textFailed;
        form.querySelectorAll("button[data-once]").forEach(function (b) { b.disabled = false; });
      });
      xhr.send(new FormData(form));
    });
  });
})();
