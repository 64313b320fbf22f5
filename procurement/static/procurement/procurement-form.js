// The procurement form: filter the municipality list by name, and preview the shares as the rule is edited.
// Without JavaScript the list is complete and the "負担額を試算する" button re-renders the page with the shares.
(function () {
  "use strict";
  var form = document.getElementById("procurement-form");
  if (!form) { return; }

  var search = form.querySelector(".participant-search");
  var filter = document.getElementById("participant-filter");
  var items = form.querySelectorAll("#participant-list li");
  if (search && filter) {
    search.hidden = false;
    filter.addEventListener("input", function () {
      var q = filter.value.trim();
      items.forEach(function (li) {
        var checked = li.querySelector("input").checked;
        li.hidden = q !== "" && !checked && li.getAttribute("data-name").indexOf(q) === -1;
      });
    });
  }

  var target = document.getElementById("share-preview");
  var url = form.getAttribute("data-preview-url");
  var timer = null;
  var yen = new Intl.NumberFormat("ja-JP");
  var words = target.dataset;  // the table's words in the page's language (form.html)

  function render(data) {
    target.textContent = "";
    if (!data.shares || data.shares.length === 0) {
      var p = document.createElement("p");
      p.textContent = words.empty;
      target.appendChild(p);
      return;
    }
    var table = document.createElement("table");
    var caption = table.createCaption();
    caption.textContent = words.caption;
    var head = table.createTHead().insertRow();
    [words.code, words.municipality, words.population, words.share].forEach(function (label) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = label;
      head.appendChild(th);
    });
    var body = table.createTBody();
    data.shares.forEach(function (row) {
      var tr = body.insertRow();
      tr.insertCell().textContent = row.municipality;
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = row.name;
      tr.appendChild(th);
      var pop = tr.insertCell();
      pop.className = "num";
      pop.textContent = yen.format(row.population || 0) + words.people;
      var share = tr.insertCell();
      share.className = "num";
      share.textContent = yen.format(row.share) + "円";
    });
    var foot = table.createTFoot().insertRow();
    var label = document.createElement("th");
    label.scope = "row";
    label.colSpan = 3;
    label.textContent = words.total;
    foot.appendChild(label);
    var total = foot.insertCell();
    total.className = "num";
    total.textContent = yen.format(data.total) + "円";
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    wrap.appendChild(table);
    target.appendChild(wrap);
  }

  function showErrors(errors) {
    target.textContent = "";
    var p = document.createElement("p");
    p.className = "field-error";
    var messages = [];
    Object.keys(errors).forEach(function (key) { messages = messages.concat(errors[key]); });
    p.textContent = messages.join(" ");
    target.appendChild(p);
  }

  function refresh() {
    var params = new URLSearchParams();
    ["estimated_amount", "contract_amount", "share_equal", "share_population", "share_usage"].forEach(function (name) {
      var input = form.elements[name];
      if (input) { params.append(name, input.value); }
    });
    form.querySelectorAll("input[name=participants]:checked").forEach(function (box) {
      params.append("participants", box.value);
    });
    var procurement = form.getAttribute("data-procurement");
    if (procurement) { params.append("procurement", procurement); }
    fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
      .then(function (result) { if (result.ok) { render(result.data); } else { showErrors(result.data.errors || {}); } })
      .catch(function () { /* the preview button still works */ });
  }

  form.addEventListener("input", function (event) {
    var name = event.target.name;
    if (["estimated_amount", "contract_amount", "share_equal", "share_population", "share_usage", "participants"].indexOf(name) === -1) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  });
}());
