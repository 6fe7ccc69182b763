// The dashboard of a province: per kabupaten/kota, how many communities are active, on a tile
// map, a chart and a table that can be downloaded.

import { h, fill, notice, pageHeader } from "../dom.js";
import { formatShare } from "../format.js";
import { downloadButtons } from "../components/downloads.js";
import { filterForm, filterValues, withFilters } from "../components/filters.js";
import { horizontalBars } from "../components/charts.js";
import { dataTable } from "../components/table.js";
import { tileMap } from "../components/tile-map.js";
import { kabkotaOf, region } from "../regions.js";
import { regionSummary, summaryPath, totalsList, weeklyCard } from "../summary.js";

const COLUMNS = [
  { key: "name", label: "Kabupaten/kota", render: (row) => h("a", { href: `/console/wilayah/${row.kabkota_code}` }, row.name || row.kabkota_code) },
  { key: "communities", label: "Komunitas", kind: "number" },
  { key: "active", label: "Aktif", kind: "number" },
  { key: "inactive", label: "Tidak aktif", kind: "number" },
  { key: "active_share", label: "Persentase aktif", kind: "share" },
  { key: "activities_30d", label: "Kegiatan 30 hari", kind: "number" },
  { key: "members", label: "Anggota", kind: "number" },
];

export default async function render(view, { params, query, navigate, setTitle }) {
  const code = params.code;
  const filters = filterValues(query);
  const [place, kabkota, summary, weekly] = await Promise.all([
    region(code),
    kabkotaOf(code).catch(() => []),
    regionSummary(code, filters),
    weeklyCard(code, filters),
  ]);
  const name = place ? place.name : `Provinsi ${code}`;
  setTitle(`Dasbor ${name}`);
  const names = new Map(kabkota.map((r) => [r.code, r.display_name || r.name]));
  const rows = summary.items.map((row) => ({ ...row, name: row.name || names.get(row.kabkota_code) || row.kabkota_code }));
  const chart = h("div", { class: "chart", "aria-hidden": "true" });
  fill(
    view,
    pageHeader(`Dasbor ${name}`, "Komunitas belajar per kabupaten/kota: yang aktif, yang mulai sepi, dan trennya.", downloadButtons(summaryPath(code), `ringkasan-${code}`, filters)),
    filterForm(filters, (chosen) => navigate(withFilters(`/wilayah/${code}`, chosen), { replace: true })),
    totalsList(summary.totals),
    h(
      "div",
      { class: "grid" },
      h(
        "section",
        { class: "card", "aria-labelledby": "map-title" },
        h("h2", { id: "map-title" }, "Peta petak kabupaten/kota"),
        h("p", { class: "hint" }, "Warna menunjukkan persentase komunitas aktif. Pilih petak untuk membuka kabupaten/kota."),
        tileMap(kabkota.length ? kabkota.map((r) => ({ code: r.code, name: r.name })) : rows.map((r) => ({ code: r.kabkota_code, name: r.name })), rows, (kode) => `/console/wilayah/${kode}`),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "chart-title" },
        h("h2", { id: "chart-title" }, "Persentase komunitas aktif"),
        rows.length ? chart : notice("info", "Belum ada komunitas di provinsi ini."),
      ),
    ),
    weekly.card,
    dataTable({ caption: `Komunitas per kabupaten/kota, ${name}`, columns: COLUMNS, rows, totals: summary.totals, id: "summary-table" }),
  );
  let removeChart = () => {};
  if (rows.length) {
    const ordered = [...rows].sort((a, b) => (b.active_share ?? 0) - (a.active_share ?? 0));
    removeChart = horizontalBars(chart, {
      labels: ordered.map((row) => row.name),
      values: ordered.map((row) => Math.round((row.active_share ?? 0) * 1000) / 10),
      label: "Persentase aktif",
      max: 100,
      format: (value) => formatShare(value / 100),
    });
  }
  return () => {
    removeChart();
    weekly.stop();
  };
}
