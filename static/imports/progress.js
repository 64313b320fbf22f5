// Follows a large import: polls its status and reloads the page when it has finished.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-import-status-url");
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        bar.value = data.progress;
        text.textContent = data.progress + "%";
        if (data.status === "done" || data.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
