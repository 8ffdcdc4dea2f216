// An indicator's figures across the checkpoints (line) against its target (dashed), one
// indicator at a time, picked from a select. Data come from a json_script element.
(function () {
  "use strict";
  var script = document.currentScript;
  var canvas = document.getElementById(script.dataset.canvas);
  var data = JSON.parse(document.getElementById(script.dataset.source).textContent);
  var pick = document.getElementById(script.dataset.pick);
  function datasets(series) {
    return [
      { label: "Значение", data: series.values, borderColor: "#0d6efd",
        backgroundColor: "#0d6efd", spanGaps: true, tension: 0.2 },
      { label: "Цель", data: series.targets, borderColor: "#198754", borderDash: [6, 4],
        pointRadius: 0, spanGaps: true }
    ];
  }
  var chart = new Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: datasets(data.series[0]) },
    options: { maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true } },
      plugins: { legend: { position: "bottom" } } }
  });
  window.oporaCharts = window.oporaCharts || {};
  window.oporaCharts[script.dataset.canvas] = chart;
  if (pick) {
    pick.addEventListener("change", function () {
      chart.data.datasets = datasets(data.series[Number(pick.value)]);
      chart.update();
    });
  }
})();
