// One training: its sessions with the live roll-up from reporting
// (`GET /reporting/trainings/{id}/summary`, refreshed every few seconds while the page is
// shown), the same table as CSV or XLSX, and the roster upload.

import { api } from "../api.js";
import { downloadButtons } from "../components/downloads.js";
import { fill, h, notice, pageHeader } from "../dom.js";
import { formatNumber } from "../format.js";
import { localWhen } from "../../checkin-labels.js";
import { rosterUpload } from "./trainings-roster.js";

const REFRESH_MS = 5000;
const clock = new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

const TOTALS = [
  ["registered", "Terdaftar"],
  ["waitlisted", "Daftar tunggu"],
  ["checked_in", "Hadir"],
  ["no_show", "Tidak hadir"],
];
const COLUMNS = [
  ["capacity", "Kapasitas"],
  ["registered", "Terdaftar"],
  ["waitlisted", "Daftar tunggu"],
  ["checked_in", "Hadir"],
  ["no_show", "Tidak hadir"],
];

function stats(totals) {
  return h(
    "dl",
    { class: "stats", id: "training-totals" },
    TOTALS.map(([key, label]) =>
      h("div", { class: "stat", dataset: { total: key } }, h("dt", {}, label), h("dd", {}, formatNumber(totals[key]))),
    ),
  );
}

function sessionRow(item, place, trainingId) {
  const code = item.code ?? place?.code ?? "–";
  const region = item.kabkota_name ?? place?.kabkota_name ?? item.kabkota_code;
  const where = [region, item.venue ?? place?.venue].filter(Boolean).join(" · ");
  return h(
    "tr",
    { dataset: { session: item.session_id } },
    h(
      "th",
      { scope: "row", style: { whiteSpace: "normal", minWidth: "12rem" } },
      code,
      item.cancelled === true
        ? h("span", { class: "badge badge-bad", style: { marginLeft: "0.5rem" } }, "Dibatalkan")
        : h(
            "a",
            {
              href: `/console/checkin?pelatihan=${trainingId}&sesi=${item.session_id}`,
              "data-document": "",
              style: { marginLeft: "0.5rem", fontSize: "0.875rem" },
            },
            `Presensi ${code}`,
          ),
      h("span", { class: "hint" }, where),
    ),
    h("td", { style: { whiteSpace: "normal", minWidth: "9rem" } }, place ? localWhen(place) : ""),
    COLUMNS.map(([key]) => h("td", { class: "number", dataset: { column: key } }, formatNumber(item[key]))),
  );
}

function rollupTable(items, places, trainingId) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { id: "training-sessions" },
      h("caption", {}, "Pendaftaran dan kehadiran per sesi"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Sesi dan tempat"),
          h("th", { scope: "col" }, "Waktu setempat"),
          COLUMNS.map(([, label]) => h("th", { scope: "col", class: "number" }, label)),
        ),
      ),
      h("tbody", {}, items.map((item) => sessionRow(item, places.get(item.session_id), trainingId))),
    ),
  );
}

/** The roll-up from reporting; while reporting has not caught up with a training it has never
 * seen, the counters activities keeps on each session (no no-shows: those need the day over). */
async function rollup(training) {
  try {
    const summary = await api(`/reporting/trainings/${training.id}/summary`);
    return { ...summary, live: true };
  } catch (error) {
    if (error.status !== 404) throw error;
    const fresh = await api(`/activities/trainings/${training.id}`);
    const items = fresh.sessions.map((s) => ({ ...s, session_id: s.id, no_show: null, cancelled: s.status === "cancelled" }));
    const sum = (key) => items.reduce((total, s) => total + (s[key] ?? 0), 0);
    const totals = { registered: sum("registered"), waitlisted: sum("waitlisted"), checked_in: sum("checked_in"), no_show: null };
    return { items, totals, live: false };
  }
}

export async function showTraining(view, { params, setTitle }) {
  const training = await api(`/activities/trainings/${params.id}`);
  setTitle(training.title);
  const places = new Map(training.sessions.map((s) => [s.id, s]));
  const board = h("div", { id: "rollup" });
  const updated = h("p", { class: "hint", id: "rollup-updated" });
  fill(
    view,
    h(
      "nav",
      { class: "breadcrumbs", "aria-label": "Jejak halaman" },
      h("ol", {}, h("li", {}, h("a", { href: "/console/pelatihan" }, "Pelatihan")), h("li", { "aria-current": "page" }, training.title)),
    ),
    pageHeader(
      training.title,
      `${training.organiser} · ${training.audience}`,
      downloadButtons(`/reporting/trainings/${training.id}/summary`, "rekap-pelatihan"),
      h("a", { class: "button button-quiet", href: "/console/checkin", "data-document": "" }, "Presensi luring"),
    ),
    training.status === "cancelled" ? notice("error", `Pelatihan ini dibatalkan. ${training.cancel_reason ?? ""}`.trim()) : null,
    h("section", { class: "card", "aria-labelledby": "rollup-heading" }, h("h2", { id: "rollup-heading" }, "Rekap langsung"), updated, board),
    rosterUpload(training),
  );

  let timer = null;
  let stopped = false;
  async function refresh() {
    if (stopped) return;
    if (!document.hidden) {
      try {
        const answer = await rollup(training);
        if (stopped) return;
        fill(
          board,
          answer.live ? null : notice("info", "Rekap laporan belum tersedia; angka sementara dari layanan kegiatan."),
          stats(answer.totals),
          answer.items.length ? rollupTable(answer.items, places, training.id) : notice("info", "Belum ada sesi di wilayah Anda."),
        );
        updated.textContent = `Diperbarui pukul ${clock.format(new Date())}; diperbarui otomatis tiap ${REFRESH_MS / 1000} detik.`;
      } catch (error) {
        updated.textContent = `Gagal memperbarui (${error.message}); dicoba lagi otomatis.`;
      }
    }
    timer = setTimeout(refresh, REFRESH_MS);
  }
  await refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
