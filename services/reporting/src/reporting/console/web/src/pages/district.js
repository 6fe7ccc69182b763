// The page of a kabupaten/kota: one row per community, with its activity and whether it is
// active, downloadable as CSV or XLSX.

import { h, fill, pageHeader } from "../dom.js";
import { PHASE_NAMES } from "../format.js";
import { downloadButtons } from "../components/downloads.js";
import { FORUM_TYPES, KINDS, filterForm, filterValues, withFilters } from "../components/filters.js";
import { dataTable } from "../components/table.js";
import { region } from "../regions.js";
import { regionSummary, summaryPath, totalsList, weeklyCard } from "../summary.js";

export function activeBadge(active) {
  return active ? h("span", { class: "badge badge-ok" }, "Aktif") : h("span", { class: "badge badge-bad" }, "Tidak aktif");
}

function phases(value) {
  if (Array.isArray(value)) return value.length ? value.map((phase) => PHASE_NAMES[phase] || phase).join(", ") : "–";
  return value === null || value === undefined ? "–" : String(value);
}

const COLUMNS = [
  { key: "name", label: "Komunitas", render: (row) => h("a", { href: `/console/komunitas/${row.community_id}` }, row.name) },
  { key: "kind", label: "Jenis", render: (row) => KINDS[row.kind] || row.kind || "–" },
  { key: "forum_type", label: "Forum", render: (row) => FORUM_TYPES[row.forum_type] || row.forum_type || "–" },
  { key: "jenjang", label: "Jenjang", render: (row) => (Array.isArray(row.jenjang) ? row.jenjang.join(", ") : row.jenjang || "–") },
  { key: "members", label: "Anggota", kind: "number" },
  { key: "activities_30d", label: "Kegiatan 30 hari", kind: "number" },
  { key: "activities_90d", label: "Kegiatan 90 hari", kind: "number" },
  { key: "last_activity_at", label: "Kegiatan terakhir", kind: "date" },
  { key: "attendance_rate", label: "Kehadiran", kind: "share" },
  { key: "phases_this_semester", label: "Fase semester ini", render: (row) => phases(row.phases_this_semester) },
  { key: "active", label: "Status", render: (row) => activeBadge(row.active) },
];

export default async function render(view, { params, query, navigate, setTitle }) {
  const code = params.code;
  const province = code.split(".")[0];
  const filters = filterValues(query);
  const [place, provincePlace, summary, weekly] = await Promise.all([region(code), region(province), regionSummary(code, filters), weeklyCard(code, filters)]);
  const name = place ? place.display_name || place.name : code;
  setTitle(name);
  const rows = [...summary.items].sort((a, b) => Number(b.active) - Number(a.active) || (b.activities_90d ?? 0) - (a.activities_90d ?? 0) || a.name.localeCompare(b.name));
  fill(
    view,
    h(
      "nav",
      { class: "breadcrumbs", "aria-label": "Lokasi halaman" },
      h("ol", {}, h("li", {}, h("a", { href: `/console/wilayah/${province}` }, provincePlace ? provincePlace.name : `Provinsi ${province}`)), h("li", { "aria-current": "page" }, name)),
    ),
    pageHeader(name, "Komunitas belajar di kabupaten/kota ini.", downloadButtons(summaryPath(code), `komunitas-${code}`, filters)),
    filterForm(filters, (chosen) => navigate(withFilters(`/wilayah/${code}`, chosen), { replace: true })),
    totalsList(summary.totals),
    weekly.card,
    dataTable({ caption: `Komunitas di ${name}`, columns: COLUMNS, rows, totals: null, id: "summary-table", empty: "Tidak ada komunitas yang cocok." }),
  );
  return weekly.stop;
}
