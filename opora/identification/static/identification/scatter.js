// Scatter of schools: context index (x) against results index (y), the regression line, the
// thresholds of ШНОР and ШНСУ, the groups in their colours and, where schools are too many to
// draw one by one (and always on a school's card), the density grid: shaded cells whose
// darkness is the number of schools in them. Data come from a json_script element named by
// data-source: points as [x, y, group, school id or null, name or ""], the grid's bounds and
// its non-empty cells as [column, row, schools].
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
  var points = chart.points.map(function (p) {
    return { x: p[0], y: p[1], group: p[2], id: p[3], label: p[4] };
  });
  var groups = {};
  points.forEach(function (p) {
    (groups[p.group] = groups[p.group] || []).push(p);
  });
  function chosen(p) { return p.id !== null && p.id === chart.highlight; }
  var datasets = ["other", "risk", "unfavourable", "low_results", "resilient"]
    .filter(function (g) { return groups[g]; })
    .map(function (g) {
      return {
        label: titles[g], data: groups[g], backgroundColor: colours[g],
        pointRadius: groups[g].map(function (p) { return chosen(p) ? 9 : 4; }),
        pointBorderColor: groups[g].map(function (p) { return chosen(p) ? "#000" : colours[g]; }),
        pointBorderWidth: groups[g].map(function (p) { return chosen(p) ? 3 : 1; })
      };
    });
  var grid = chart.grid;
  var bounded = grid.x !== null && grid.y !== null;
  function line(label, from, to, dashed) {
    return {
      type: "line", label: label, borderColor: "#212529", borderWidth: 1.5,
      borderDash: dashed ? [6, 4] : [], pointRadius: 0, pointHitRadius: 0, data: [from, to]
    };
  }
  if (bounded && chart.slope !== null) {
    var lo = grid.x[0], hi = grid.x[1];
    datasets.push(line("Ожидаемый результат",
      { x: lo, y: chart.intercept + chart.slope * lo },
      { x: hi, y: chart.intercept + chart.slope * hi }, false));
  }
  if (bounded && chart.results_cut !== null) {
    datasets.push(line("Порог ШНОР",
      { x: grid.x[0], y: chart.results_cut }, { x: grid.x[1], y: chart.results_cut }, true));
  }
  if (bounded && chart.context_cut !== null) {
    datasets.push(line("Порог ШНСУ",
      { x: chart.context_cut, y: grid.y[0] }, { x: chart.context_cut, y: grid.y[1] }, true));
  }
  var cellWidth = 0, cellHeight = 0, densest = 1;
  if (bounded && grid.cells.length) {
    // Equal bounds (one school, or all alike) give one cell: draw it a little wide.
    cellWidth = (grid.x[1] - grid.x[0]) / grid.bins || 0.1;
    cellHeight = (grid.y[1] - grid.y[0]) / grid.bins || 0.1;
    densest = Math.max.apply(null, grid.cells.map(function (c) { return c[2]; }));
    // Invisible points at the cells' centres: they carry the tooltip of each cell.
    datasets.push({
      label: "Плотность", density: true, pointRadius: 0, pointHoverRadius: 0,
      pointHitRadius: 12, backgroundColor: "rgba(0,0,0,0)",
      data: grid.cells.map(function (c) {
        var x = grid.x[0] + c[0] * cellWidth, y = grid.y[0] + c[1] * cellHeight;
        return { x: x + cellWidth / 2, y: y + cellHeight / 2, n: c[2], x0: x, y0: y };
      })
    });
  }
  var densityLayer = {
    id: "densityLayer",
    beforeDatasetsDraw: function (instance) {
      if (!cellWidth) { return; }
      var ctx = instance.ctx, area = instance.chartArea;
      var sx = instance.scales.x, sy = instance.scales.y;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      grid.cells.forEach(function (c) {
        var x0 = grid.x[0] + c[0] * cellWidth, y0 = grid.y[0] + c[1] * cellHeight;
        var left = sx.getPixelForValue(x0), right = sx.getPixelForValue(x0 + cellWidth);
        var top = sy.getPixelForValue(y0 + cellHeight), bottom = sy.getPixelForValue(y0);
        ctx.fillStyle = "rgba(13, 60, 120, " + (0.08 + 0.62 * c[2] / densest).toFixed(3) + ")";
        ctx.fillRect(left, top, right - left, bottom - top);
      });
      ctx.restore();
    }
  };
  function number(v) { return v.toFixed(2).replace(".", ",").replace("-", "−"); }
  function schools(n) {
    var d = n % 10, h = n % 100;
    if (d === 1 && h !== 11) { return n + " школа"; }
    if (d >= 2 && d <= 4 && (h < 12 || h > 14)) { return n + " школы"; }
    return n + " школ";
  }
  var scales = {
    x: { title: { display: true, text: "Индекс социального контекста (правее — благополучнее)" } },
    y: { title: { display: true, text: "Индекс результатов" } }
  };
  if (bounded) {
    scales.x.suggestedMin = grid.x[0]; scales.x.suggestedMax = grid.x[1];
    scales.y.suggestedMin = grid.y[0]; scales.y.suggestedMax = grid.y[1];
  }
  var instance = new Chart(canvas, {
    type: "scatter",
    data: { datasets: datasets },
    plugins: [densityLayer],
    options: {
      maintainAspectRatio: false, animation: false,
      scales: scales,
      plugins: {
        legend: { display: false },
        tooltip: {
          filter: function (item) { return item.dataset.type !== "line"; },
          callbacks: {
            label: function (item) {
              var p = item.raw;
              if (item.dataset.density) {
                return schools(p.n) + " здесь: контекст " + number(p.x0) + "…" +
                  number(p.x0 + cellWidth) + ", результаты " + number(p.y0) + "…" +
                  number(p.y0 + cellHeight);
              }
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
  canvas.dataset.points = String(points.length);
  canvas.dataset.cells = String(cellWidth ? grid.cells.length : 0);
  window.oporaCharts = window.oporaCharts || {};
  window.oporaCharts[script.dataset.canvas] = instance;
})();
