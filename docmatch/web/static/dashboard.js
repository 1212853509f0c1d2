// Dashboard charts with uPlot; the figures come from the page's JSON block and are
// redrawn whenever htmx swaps in new figures after a filter change.
(function () {
  "use strict";
  function draw() {
    const block = document.getElementById("chart-data");
    if (!block || typeof uPlot === "undefined") return;
    const data = JSON.parse(block.textContent);
    const x = data.weeks.map((_, index) => index);
    const axes = [{ values: (_, ticks) => ticks.map((tick) => data.weeks[tick] || "") }, {}];
    const weeks = document.getElementById("chart-weeks");
    const confidence = document.getElementById("chart-confidence");
    weeks.innerHTML = "";
    confidence.innerHTML = "";
    if (!x.length) return;
    new uPlot({ width: 420, height: 200, scales: { x: { time: false } }, axes: axes,
      series: [{}, { label: "opened", stroke: "#d84315" }, { label: "closed", stroke: "#2e7d32" }] },
      [x, data.opened, data.closed], weeks);
    new uPlot({ width: 420, height: 200, scales: { x: { time: false }, y: { range: [0, 1] } }, axes: axes,
      series: [{}, { label: "mean field confidence", stroke: "#2f5d8a" }] },
      [x, data.confidence], confidence);
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSwap", draw);
})();
