/* The claim form: check each line as it is typed, show the running totals, add lines, keep drafts safe.
   Without JavaScript the form still works: saving shows the same problems on the claim page. */
(function () {
  "use strict";
  var form = document.getElementById("claim-form") || document.getElementById("report-form");
  if (!form) { return; }
  var lines = document.getElementById("lines");
  var template = document.getElementById("line-template");
  var addButton = document.getElementById("add-line");
  var totalForms = form.querySelector("input[name$='-TOTAL_FORMS']");
  var csrf = form.querySelector("input[name='csrfmiddlewaretoken']");
  var storageKey = form.dataset.storageKey;
  var checkUrl = form.dataset.checkUrl;
  var autosaveUrl = form.dataset.autosaveUrl;
  var status = form.querySelector("[data-autosave-status]");
  var lang = document.documentElement.lang || "ja";
  var yen = new Intl.NumberFormat(lang);
  // The messages come from the page, in its language; {name} marks what is filled in here.
  var text = JSON.parse((document.getElementById("claim-form-text") || {}).textContent || "{}");
  function t(key, values) {
    return (text[key] || key).replace(/\{(\w+)\}/g, function (_, name) { return values && name in values ? values[name] : ""; });
  }
  var timer = null;
  var dirty = false;

  function say(text) { if (status) { status.textContent = text; } }

  function lineData() {
    return Array.prototype.map.call(lines.querySelectorAll("[data-line]"), function (fieldset) {
      function value(name) {
        var el = fieldset.querySelector("[name$='-" + name + "']");
        return el ? el.value : "";
      }
      var del = fieldset.querySelector("input[name$='-DELETE']");
      return {
        fieldset: fieldset,
        deleted: del ? del.checked : false,
        data: {
          category: value("category"), description: value("description"), vendor: value("vendor"),
          amount: value("amount"), justification: value("justification")
        }
      };
    });
  }

  function liveLines() {
    return lineData().filter(function (l) {
      return !l.deleted && (l.data.description.trim() || l.data.amount.trim() || l.data.vendor.trim());
    });
  }

  function showTotals(result) {
    ["eligible_total", "subsidy_at_rate", "remaining_cap", "requested_amount"].forEach(function (key) {
      var el = form.querySelector("[data-total='" + key + "']");
      if (el) { el.textContent = result[key] === null ? "—" : t("yen", {amount: yen.format(result[key])}); }
    });
    var unresolved = form.querySelector("[data-total='unresolved']");
    if (unresolved) { unresolved.textContent = t("lines", {count: result.unresolved}); }
  }

  // The line's check message describes its "内容" field, which is marked invalid while a problem is unresolved
  // (a screen reader reads the message with the field). An error the server put on the field is left alone.
  function markDescription(fieldset, invalid) {
    var box = fieldset.querySelector("[data-line-check]");
    var field = fieldset.querySelector("[name$='-description']");
    if (!box || !field || !box.id) { return; }
    var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== box.id; });
    if (box.textContent) { ids.push(box.id); }
    if (ids.length) { field.setAttribute("aria-describedby", ids.join(" ")); } else { field.removeAttribute("aria-describedby"); }
    if (invalid) {
      field.setAttribute("aria-invalid", "true");
      field.dataset.checkInvalid = "true";
    } else if (field.dataset.checkInvalid) {
      field.removeAttribute("aria-invalid");
      delete field.dataset.checkInvalid;
    }
  }

  function check() {
    if (!checkUrl) { return; }
    var live = liveLines();
    var payload = live.map(function (l) { return l.data; });
    fetch(checkUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf.value, "Accept": "application/json"},
      body: JSON.stringify({program: form.dataset.program, line_items: payload})
    }).then(function (response) { return response.ok ? response.json() : null; }).then(function (result) {
      if (!result) { return; }
      lineData().forEach(function (l) {
        l.fieldset.querySelector("[data-line-check]").textContent = "";
        markDescription(l.fieldset, false);
      });
      live.forEach(function (l, index) {
        var box = l.fieldset.querySelector("[data-line-check]");
        var info = result.line_items[index];
        var messages = info.errors.slice();
        info.problems.forEach(function (p) {
          messages.push(t(p.resolved ? "resolved" : "unresolved", {message: p.message}));
        });
        box.textContent = messages.join(" ");
        var resolved = info.errors.length === 0 && info.problems.every(function (p) { return p.resolved; });
        box.classList.toggle("is-resolved", resolved);
        markDescription(l.fieldset, !resolved);
      });
      showTotals(result);
    }).catch(function () { /* offline: the server checks again on save */ });
  }

  function remember() {
    if (!storageKey || !window.localStorage) { return; }
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "file") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { fields[el.name + "=" + el.value] = true; }
      } else { fields[el.name] = el.value; }
    });
    fields.__count = totalForms ? totalForms.value : "0";
    try { localStorage.setItem(storageKey, JSON.stringify({saved: Date.now(), fields: fields})); } catch (e) { /* full */ }
  }

  function restore() {
    if (!storageKey || !window.localStorage) { return; }
    var raw = localStorage.getItem(storageKey);
    if (!raw) { return; }
    var saved;
    try { saved = JSON.parse(raw); } catch (e) { return; }
    var need = parseInt(saved.fields.__count || "0", 10);
    while (totalForms && parseInt(totalForms.value, 10) < need) { addLine(); }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "file") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Boolean(saved.fields[el.name + "=" + el.value]);
      } else if (Object.prototype.hasOwnProperty.call(saved.fields, el.name)) { el.value = saved.fields[el.name]; }
    });
    say(t("restored", {time: new Date(saved.saved).toLocaleString(lang)}));
  }

  function addLine() {
    if (!template || !totalForms) { return; }
    var index = parseInt(totalForms.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    lines.insertAdjacentHTML("beforeend", html);
    totalForms.value = String(index + 1);
  }

  function autosave() {
    // A draft already on the server is saved with its version; a conflict is shown, never overwritten.
    if (!autosaveUrl || !dirty) { return; }
    var versionField = form.querySelector("input[name='version']");
    var title = form.querySelector("input[name='title']");
    var payload = {version: parseInt(versionField.value, 10), title: title ? title.value : undefined,
      line_items: liveLines().map(function (l) { return l.data; })};
    fetch(autosaveUrl, {
      method: "PATCH", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf.value, "Accept": "application/json"},
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (r) {
      if (r.status === 200) {
        versionField.value = String(r.body.version);
        dirty = false;
        say(t("saved", {time: new Date().toLocaleTimeString(lang), version: r.body.version}));
      } else if (r.status === 401 || r.status === 403) {
        say(t("expired"));
        autosaveUrl = null;
      } else if (r.status === 409) {
        say(t("conflict", {detail: r.body.detail}));
        autosaveUrl = null;
      } else {
        say(t("invalid"));
      }
    }).catch(function () { say(t("offline")); });
  }

  function changed() {
    dirty = true;
    remember();
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 400);
  }

  if (addButton) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () { addLine(); changed(); });
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    if (storageKey && window.localStorage) { localStorage.removeItem(storageKey); }
  });
  if (!document.querySelector(".error-summary")) { restore(); }
  check();
  window.setInterval(autosave, 30000);
})();
