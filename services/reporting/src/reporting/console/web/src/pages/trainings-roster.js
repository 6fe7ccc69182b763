// A training's roster upload (`POST /activities/imports/registrations`): a CSV or XLSX file,
// checked first by default (dry run), with its progress followed until it is done and the
// rejected rows offered as errors.csv.

import { api, download } from "../api.js";
import { fill, h, notice } from "../dom.js";
import { formatNumber } from "../format.js";

const POLL_MS = 1000;
const STATUS = {
  queued: "Menunggu giliran",
  running: "Sedang diproses",
  succeeded: "Selesai",
  failed: "Gagal",
};

function progressView(job) {
  const percent = Math.round(job.percent ?? 0);
  const counts = [
    ["Baris diproses", job.rows_done],
    ["Baris seluruhnya", job.rows_total],
    ["Didaftarkan", job.created],
    ["Diperbarui", job.updated],
    ["Sama dengan data tersimpan", job.duplicates],
    ["Ditolak", job.rejected],
  ];
  return h(
    "div",
    { id: "roster-progress", dataset: { status: job.status } },
    h("label", { for: "roster-bar" }, `${STATUS[job.status] ?? job.status}${job.dry_run ? " (uji coba, tidak disimpan)" : ""}: ${percent} %`),
    h("progress", { id: "roster-bar", class: "progress", max: "100", value: String(percent) }, `${percent} %`),
    h("dl", { class: "stats" }, counts.map(([label, value]) => h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, formatNumber(value))))),
    job.error ? notice("error", job.error) : null,
    job.errors_csv
      ? h("button", { type: "button", class: "button-quiet", onclick: () => download(job.errors_csv, "baris-ditolak.csv") }, "Unduh baris yang ditolak (errors.csv)")
      : null,
  );
}

export function rosterUpload(training) {
  const file = h("input", { id: "roster-file", name: "file", type: "file", required: true, accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "aria-describedby": "roster-file-hint" });
  const dryRun = h("input", {
    id: "roster-dry-run",
    name: "dry_run",
    type: "checkbox",
    checked: true,
    style: { width: "1.25rem", height: "1.25rem", minHeight: "0", margin: "0 0.5rem 0 0", verticalAlign: "-0.2rem" },
  });
  const submit = h("button", { type: "submit" }, "Unggah");
  const result = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    {},
    h(
      "div",
      { class: "field" },
      h("label", { for: "roster-file" }, "Berkas daftar peserta (CSV atau XLSX)"),
      h("span", { class: "hint", id: "roster-file-hint" }, "Kolom seperti impor PTK: Nama Lengkap dan NPSN Sekolah wajib; Kode Sesi menentukan sesinya."),
      file,
    ),
    h("div", { class: "field" }, h("label", { for: "roster-dry-run", style: { display: "inline" } }, dryRun, " Periksa saja dulu (tidak disimpan)")),
    h("div", { class: "form-row" }, submit, h("button", { type: "button", class: "button-quiet", onclick: () => download("/activities/imports/registrations/template.csv", "templat-peserta.csv") }, "Unduh templat")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files.length) {
      file.reportValidity();
      return;
    }
    submit.disabled = true;
    const body = new FormData();
    body.append("file", file.files[0]);
    try {
      const accepted = await api("/activities/imports/registrations", {
        method: "POST",
        body,
        query: { training_id: training.id, dry_run: dryRun.checked },
      });
      await follow(accepted.progress, result);
    } catch (error) {
      fill(result, notice("error", error.message));
    } finally {
      submit.disabled = false;
    }
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "roster-heading" },
    h("h2", { id: "roster-heading" }, "Unggah daftar peserta"),
    form,
    result,
  );
}

async function follow(path, result) {
  for (;;) {
    const job = await api(path);
    fill(result, progressView(job));
    if (job.status === "succeeded" || job.status === "failed") return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
