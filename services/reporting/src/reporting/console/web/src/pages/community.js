// The page of one community: its figures from reporting and its activities from activities.

import { api } from "../api.js";
import { h, fill, notice, pageHeader } from "../dom.js";
import { MODE_NAMES, PHASE_NAMES, formatDateTime, formatNumber, formatShare, formatDate } from "../format.js";
import { FORUM_TYPES, KINDS } from "../components/filters.js";
import { dataTable } from "../components/table.js";
import { region } from "../regions.js";
import { regionSummary } from "../summary.js";
import { activeBadge } from "./district.js";

const ACTIVITY_COLUMNS = [
  { key: "local_start", label: "Waktu", render: (row) => `${formatDateTime(row.local_start.slice(0, 19))} ${row.timezone}` },
  { key: "title", label: "Kegiatan" },
  { key: "phase", label: "Fase", render: (row) => PHASE_NAMES[row.phase] || row.phase },
  { key: "mode", label: "Cara", render: (row) => MODE_NAMES[row.mode] || row.mode },
  { key: "attendees", label: "Hadir", kind: "number" },
];

function figures(row) {
  const items = [
    ["members", "Anggota", formatNumber(row.members)],
    ["activities_30d", "Kegiatan 30 hari", formatNumber(row.activities_30d)],
    ["activities_90d", "Kegiatan 90 hari", formatNumber(row.activities_90d)],
    ["last_activity_at", "Kegiatan terakhir", formatDate(row.last_activity_at)],
    ["attendance_rate", "Kehadiran", formatShare(row.attendance_rate)],
    ["active", "Status", activeBadge(row.active)],
  ];
  return h(
    "dl",
    { class: "stats", "aria-label": "Ringkasan komunitas" },
    items.map(([key, label, value]) => h("div", { class: "stat", "data-figure": key }, h("dt", {}, label), h("dd", {}, value))),
  );
}

export default async function render(view, { params, setTitle }) {
  const id = params.id;
  const community = await api(`/membership/communities/${id}`);
  setTitle(community.name);
  const [place, summary] = await Promise.all([
    region(community.kabkota_code),
    regionSummary(community.kabkota_code, {}).catch(() => ({ items: [] })),
  ]);
  const row = summary.items.find((item) => item.community_id === id);
  const activities = h("div", {}, notice("info", "Memuat kegiatan…"));
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, "Muat lebih banyak");
  const placeName = place ? place.display_name || place.name : community.kabkota_code;
  fill(
    view,
    h(
      "nav",
      { class: "breadcrumbs", "aria-label": "Lokasi halaman" },
      h("ol", {}, h("li", {}, h("a", { href: `/console/wilayah/${community.province_code}` }, `Provinsi ${community.province_code}`)), h("li", {}, h("a", { href: `/console/wilayah/${community.kabkota_code}` }, placeName)), h("li", { "aria-current": "page" }, community.name)),
    ),
    pageHeader(
      community.name,
      [KINDS[community.kind] || community.kind, FORUM_TYPES[community.forum_type] || community.forum_type, community.jenjang.join(", ")].filter(Boolean).join(" · "),
      h("a", { class: "button", href: `/console/komunitas/${id}/kegiatan/baru` }, "Catat kegiatan"),
    ),
    row ? figures(row) : notice("info", "Ringkasan komunitas ini belum tersedia di laporan."),
    h("section", { "aria-labelledby": "activities-title" }, h("h2", { id: "activities-title" }, "Kegiatan"), activities, more),
  );
  const shown = [];
  let next = null;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await api(`/activities/communities/${id}/activities`, { query: { limit: 20, cursor: next } });
      shown.push(...page.items);
      next = page.next;
      fill(activities, dataTable({ caption: `Kegiatan ${community.name}, terbaru lebih dulu`, columns: ACTIVITY_COLUMNS, rows: shown, id: "activities-table", empty: "Belum ada kegiatan tercatat." }));
      more.hidden = !next;
    } catch (error) {
      fill(activities, notice("error", error.message));
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener("click", load);
  await load();
}
