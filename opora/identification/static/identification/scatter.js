// Scatter of schools: context index (x) against results index (y), the regression line, and
// the groups in their colours. Data come from a json_script element named by data-source.
(function () {
  "use strict";
  var script = document.currentScript;
  var canvas = document.getElementById(script.dataset.canvas);
  var chart = JSON.parse(document.getElementById(script.dataset.source).textContent);
  var colours = {
    low_results: "#dc3545", unfavourable: "#fd7e14", risk: "#6c757d",
    resilient: "#198754", other: "#9ec5fe"
  };
  var titles = {
    low_results: "ШНОР", unfavourable: "ШНСУ", risk: "Группа риска",
    resilient: "Устойчивые", other: "Остальные"
  };
  var groups = {};
  chart.points.forEach(function (p) {
    (groups[p.group] = groups[p.group] || []).push(p);
  });
  var datasets = ["other", "risk", "unfavourable", "low_results", "resilient"]
    .filter(function (g) { return groups[g]; })
    .map(function (g) {
      return {
        label: titles[g], data: groups[g], backgroundColor: colours[g],
        pointRadius: groups[g].map(function (p) { return p.id === chart.highlight ? 9 : 4; }),
        pointBorderColor: groups[g].map(function (p) { return p.id === chart.highlight ? "#000" : colours[g]; }),
        pointBorderWidth: groups[g].map(function (p) { return p.id === chart.highlight ? 3 : 1; })
      };
    });
  if (chart.slope !== null && chart.points.length) {
    var xs = chart.points.map(function (p) { return p.x; });
    var lo = Math.min.apply(null, xs), hi = Math.max.apply(null, xs);
    datasets.push({
      type: "line", label: "Ожидаемый результат", borderColor: "#212529", borderWidth: 1.5,
      pointRadius: 0, data: [
        { x: lo, y: chart.intercept + chart.slope * lo },
        { x: hi, y: chart.intercept + chart.slope * hi }
      ]
    });
  }
  function number(v) { return v.toFixed(2).replace(".", ",").replace("-", "−"); }
  var instance = new Chart(canvas, {
    type: "scatter",
    data: { datasets: datasets },
    options: {
      maintainAspectRatio: false, animation: false,
      scales: {
        x: { title: { display: true, text: "Индекс социального контекста (правее — благополучнее)" } },
        y: { title: { display: true, text: "Индекс результатов" } }
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: function (item) {
              var p = item.raw;
              var name = p.label || "Школа вне вашей зоны доступа";
              return name + ": результаты " + number(p.y) + ", контекст " + number(p.x);
            }
          }
        }
      },
      onClick: function (event, elements) {
        if (!elements.length) { return; }
        var p = elements[0].element.$context.raw;
        if (p.id) { window.location.href = "/registry/schools/" + p.id + "/"; }
      }
    }
  });
  canvas.dataset.points = String(chart.points.length);
  window.oporaCharts = window.oporaCharts || {};
  window.oporaCharts[script.dataset.canvas] = instance;
})();
