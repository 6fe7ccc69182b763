// The region summaries of reporting: `GET /reporting/regions/{code}/summary` and its weekly
// series, with the filters of the page.

import { api } from "./api.js";
import { h } from "./dom.js";
import { formatNumber, formatShare } from "./format.js";
import { weeklyLines } from "./components/charts.js";

export function summaryPath(code) {
  return `/reporting/regions/${code}/summary`;
}

export function regionSummary(code, filters) {
  return api(summaryPath(code), { query: filters });
}

const TOTALS = [
  ["communities", "Komunitas", formatNumber],
  ["active", "Aktif", formatNumber],
  ["inactive", "Tidak aktif", formatNumber],
  ["active_share", "Persentase aktif", formatShare],
  ["activities_30d", "Kegiatan 30 hari", formatNumber],
  ["activities_90d", "Kegiatan 90 hari", formatNumber],
  ["members", "Anggota", formatNumber],
];

/** The totals of a summary as a row of figures; only those the answer has. */
export function totalsList(totals) {
  return h(
    "dl",
    { class: "stats", "aria-label": "Ringkasan" },
    TOTALS.filter(([key]) => totals[key] !== undefined).map(([key, label, format]) =>
      h("div", { class: "stat", "data-total": key }, h("dt", {}, label), h("dd", {}, format(totals[key]))),
    ),
  );
}

const SERIES_NAMES = {
  activities: "Kegiatan",
  active: "Komunitas aktif",
  active_communities: "Komunitas aktif",
  communities: "Komunitas",
  communities_registered: "Komunitas baru terdaftar",
  attendees: "Peserta hadir",
};

/** The weekly series as a chart card, or nothing when reporting has none for the region. */
export async function weeklyCard(code, filters) {
  let answer;
  try {
    answer = await api(`/reporting/regions/${code}/weekly`, { query: filters });
  } catch {
    return { card: null, stop: () => {} };
  }
  const items = Array.isArray(answer) ? answer : answer.items || [];
  if (!items.length) return { card: null, stop: () => {} };
  const dateKey = Object.keys(items[0]).find((key) => typeof items[0][key] === "string" && /^\d{4}-\d{2}-\d{2}/.test(items[0][key]));
  const keys = Object.keys(items[0]).filter((key) => typeof items[0][key] === "number" && !key.endsWith("_code"));
  if (!dateKey || !keys.length) return { card: null, stop: () => {} };
  const ordered = [...items].sort((a, b) => a[dateKey].localeCompare(b[dateKey]));
  const chart = h("div", { class: "chart", "aria-hidden": "true" });
  const card = h(
    "section",
    { class: "card", "aria-labelledby": "weekly-title" },
    h("h2", { id: "weekly-title" }, "Tren mingguan"),
    chart,
    h("p", { class: "hint" }, `${ordered.length} minggu terakhir.`),
  );
  let stop = () => {};
  requestAnimationFrame(() => {
    stop = weeklyLines(chart, {
      weeks: ordered.map((item) => item[dateKey]),
      series: keys.slice(0, 3).map((key) => ({ label: SERIES_NAMES[key] || key, values: ordered.map((item) => item[key]) })),
    });
  });
  return { card, stop: () => stop() };
}
