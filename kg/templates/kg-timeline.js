/* kg's timeline page: draw the figure kept as JSON in the page (kg/timeline.py). */
(function () {
  "use strict";
  var fig = JSON.parse(document.getElementById("kg-figure").textContent);
  var config = JSON.parse(document.getElementById("kg-config").textContent);
  var target = document.getElementById("kg-timeline");
  Plotly.newPlot(target, fig.data, fig.layout, config).then(function () {
    document.body.setAttribute("data-kg-ready", "true");
  });
  window.kgTimeline = { figure: fig, element: target };
})();
