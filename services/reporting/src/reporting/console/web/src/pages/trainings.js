// /console/pelatihan: the trainings (bimtek) the signed-in person can see, newest first;
// /console/pelatihan/:id: one training with its live roll-up per session and its roster upload.

import { api } from "../api.js";
import { fill, h, loading, notice, pageHeader } from "../dom.js";
import { showTraining } from "./trainings-detail.js";

export default async function render(view, context) {
  if (context.params.id) return showTraining(view, context);
  return showList(view);
}

const STATUS = {
  scheduled: ["Terjadwal", "badge-ok"],
  cancelled: ["Dibatalkan", "badge-bad"],
};

function trainingRow(training) {
  const [status, tone] = STATUS[training.status] ?? [training.status, "badge-muted"];
  return h(
    "tr",
    { dataset: { training: training.id } },
    h("th", { scope: "row" }, h("a", { href: `/console/pelatihan/${training.id}` }, training.title)),
    h("td", {}, training.organiser),
    h("td", {}, training.audience),
    h("td", {}, training.registration_open ? "Dibuka" : "Ditutup"),
    h("td", {}, h("span", { class: `badge ${tone}` }, status)),
  );
}

async function showList(view) {
  const body = h("tbody");
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, "Muat lagi");
  const table = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", {}, "Pelatihan, yang terbaru di atas"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Pelatihan", "Penyelenggara", "Sasaran", "Pendaftaran", "Status"].map((label) =>
            h("th", { scope: "col" }, label),
          ),
        ),
      ),
      body,
    ),
  );
  const status = h("div", {}, loading("Memuat pelatihan…"));
  fill(
    view,
    pageHeader(
      "Pelatihan",
      "Bimtek dan pelatihan di wilayah Anda, dengan rekap pendaftaran dan kehadiran per sesi.",
      h("a", { class: "button button-quiet", href: "/console/checkin", "data-document": "" }, "Presensi luring"),
    ),
    status,
    table,
    h("p", {}, more),
  );
  let cursor = null;
  async function page() {
    more.disabled = true;
    try {
      const answer = await api("/activities/trainings", { query: { limit: 50, cursor } });
      body.append(...answer.items.map(trainingRow));
      cursor = answer.next;
      fill(status, answer.total === 0 ? notice("info", "Belum ada pelatihan di wilayah Anda.") : null);
    } catch (error) {
      fill(status, notice("error", error.message));
    }
    more.hidden = !cursor;
    more.disabled = false;
  }
  more.addEventListener("click", page);
  await page();
}
