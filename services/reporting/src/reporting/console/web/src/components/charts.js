// Charts drawn with uPlot (pinned from npm, served under /console/vendor/). Each chart sits
// beside a table with the same numbers, which is what screen readers and keyboards use.

import uPlot from "uplot";
import { h } from "../dom.js";

const INK = "#1b1f24";
const DAY = new Intl.DateTimeFormat("id-ID", { day: "numeric", month: "short" });
const dayOf = (seconds) => (seconds === null || seconds === undefined ? "–" : DAY.format(new Date(seconds * 1000)));
const GRID = "#d5dbe3";

function sized(container, build) {
  const width = () => Math.max(280, Math.floor(container.getBoundingClientRect().width || 600));
  const chart = build(width());
  const observer = new ResizeObserver(() => chart.setSize({ width: width(), height: chart.height }));
  observer.observe(container);
  return () => {
    observer.disconnect();
    chart.destroy();
  };
}

function stylesheet() {
  if (document.querySelector("link[data-uplot]")) return;
  const url = new URL(import.meta.resolve("uplot"));
  url.pathname = url.pathname.replace(/uPlot\.esm\.js$/, "uPlot.min.css");
  document.head.append(h("link", { rel: "stylesheet", href: url.pathname, "data-uplot": "" }));
}

/**
 * Horizontal bars, one per label (e.g. a kabupaten/kota), of values from 0 to `max`.
 * Returns a function that removes the chart.
 */
export function horizontalBars(container, { labels, values, label, color = "#0a4f94", max, format = (v) => String(v) }) {
  stylesheet();
  const height = Math.max(160, labels.length * 26 + 60);
  const data = [labels.map((_, index) => index), values];
  return sized(container, (width) =>
    new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, ori: 1, dir: 1, range: [-0.5, labels.length - 0.5] },
          y: { ori: 0, dir: 1, range: [0, max ?? Math.max(1, ...values) * 1.1] },
        },
        axes: [
          {
            scale: "x",
            side: 3,
            stroke: INK,
            grid: { show: false },
            ticks: { show: false },
            splits: () => labels.map((_, index) => index),
            values: (_, splits) => splits.map((index) => labels[index] ?? ""),
            size: Math.min(240, Math.max(...labels.map((text) => text.length)) * 7 + 24),
            font: "12px system-ui, sans-serif",
          },
          { scale: "y", side: 0, space: 60, stroke: INK, grid: { stroke: GRID }, values: (_, splits) => splits.map(format), font: "12px system-ui, sans-serif" },
        ],
        series: [{}, { label, fill: color, stroke: color, paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } }],
      },
      data,
      container,
    ),
  );
}

/** A line per series over weeks (dates, oldest first). */
export function weeklyLines(container, { weeks, series }) {
  stylesheet();
  const colors = ["#0a4f94", "#c45100", "#1d6b35"];
  const data = [weeks.map((week) => Date.parse(week) / 1000), ...series.map((s) => s.values)];
  return sized(container, (width) =>
    new uPlot(
      {
        width,
        height: 240,
        scales: { x: { time: true }, y: { range: (_, min, max) => [0, Math.max(1, max) * 1.1] } },
        axes: [
          { stroke: INK, grid: { stroke: GRID }, font: "12px system-ui, sans-serif", values: (_, splits) => splits.map(dayOf) },
          { stroke: INK, grid: { stroke: GRID }, font: "12px system-ui, sans-serif" },
        ],
        series: [
          { label: "Minggu mulai", value: (_, seconds) => dayOf(seconds) },
          ...series.map((s, index) => ({ label: s.label, stroke: colors[index % colors.length], width: 2, value: (_, v) => (v === null || v === undefined ? "–" : String(v)) })),
        ],
      },
      data,
      container,
    ),
  );
}
