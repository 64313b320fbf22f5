/* Draws the Plotly figures whose data sit in <script type="application/json"> blocks (no inline script).
   Maps use the prefecture GeoJSON served from static; Plotly's own base map (topojsonURL) points at an empty
   local topology so that nothing is fetched from the internet. */
(function () {
  "use strict";

  function draw(element) {
    var block = document.getElementById(element.getAttribute("data-figure"));
    if (!block || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(block.textContent);
    element.hidden = false;
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      displaylogo: false,
      topojsonURL: element.getAttribute("data-topojson-url"),
      displayModeBar: false,
      responsive: true
    });
  }

  function start() {
    var elements = document.querySelectorAll("[data-figure]");
    for (var i = 0; i < elements.length; i += 1) {
      draw(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
