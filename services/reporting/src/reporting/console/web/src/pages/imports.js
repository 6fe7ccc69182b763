// /console/impor: upload a spreadsheet to membership's imports, watch its progress live, and
// download the rows it refused.

import { api, download } from "../api.js";
import { h, fill, notice, pageHeader } from "../dom.js";
import { formatNumber } from "../format.js";
import { dataTable } from "../components/table.js";

const KINDS = {
  people: "PTK (guru dan tenaga kependidikan)",
  schools: "Sekolah",
  communities: "Komunitas",
  memberships: "Keanggotaan komunitas",
  kecamatan: "Kecamatan",
};
const STATUS_NAMES = { queued: "Menunggu", running: "Berjalan", succeeded: "Selesai", failed: "Gagal" };
const FINISHED = ["succeeded", "failed"];
const POLL_MS = 500;

function fileName(path) {
  return path.split("/").slice(-2).join("-");
}

function downloadButton(path, label) {
  return h(
    "button",
    {
      type: "button",
      class: "button-quiet",
      "data-download": path,
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        try {
          await download(path, fileName(path));
        } finally {
          button.disabled = false;
        }
      },
    },
    label,
  );
}

function fileLinks(status) {
  return [
    status.errors_csv ? downloadButton(status.errors_csv, "Unduh baris yang ditolak (CSV)") : null,
    status.matches_csv ? downloadButton(status.matches_csv, "Unduh baris yang cocok (CSV)") : null,
  ];
}

function progressView(status) {
  const percent = Math.round(status.percent ?? 0);
  const rows = status.rows_total ? `${formatNumber(status.rows_done)} dari ${formatNumber(status.rows_total)} baris` : `${formatNumber(status.rows_done)} baris`;
  const counters = [
    ["created", "Baru"],
    ["updated", "Diperbarui"],
    ["duplicates", "Sama dengan data tersimpan"],
    ["rejected", "Ditolak"],
  ];
  const outcome =
    status.status === "succeeded"
      ? notice(status.rejected ? "info" : "success", status.dry_run ? "Pemeriksaan selesai. Tidak ada yang disimpan." : "Impor selesai.")
      : status.status === "failed"
        ? notice("error", status.error || "Impor gagal.")
        : null;
  return [
    h("p", { class: "subtitle" }, `${status.filename} · ${KINDS[status.kind] || status.kind}${status.dry_run ? " · hanya diperiksa" : ""}`),
    h("label", { for: "import-progress" }, `Kemajuan: ${percent} %`),
    h("span", { class: "hint" }, `${STATUS_NAMES[status.status] || status.status} · ${rows}`),
    h("progress", { id: "import-progress", class: "progress", max: "100", value: String(status.percent ?? 0), "data-status": status.status }, `${percent} %`),
    h("dl", { class: "stats" }, counters.map(([key, label]) => h("div", { class: "stat", "data-counter": key }, h("dt", {}, label), h("dd", {}, formatNumber(status[key]))))),
    outcome,
    h("div", { class: "page-actions" }, fileLinks(status)),
  ];
}

async function history(container) {
  try {
    const page = await api("/membership/imports", { query: { limit: 10 } });
    fill(
      container,
      dataTable({
        caption: "Impor terakhir Anda",
        id: "imports-table",
        rows: page.items,
        empty: "Belum ada impor.",
        columns: [
          { key: "filename", label: "Berkas" },
          { key: "kind", label: "Jenis", render: (row) => KINDS[row.kind] || row.kind },
          { key: "status", label: "Status", render: (row) => `${STATUS_NAMES[row.status] || row.status}${row.dry_run ? " (diperiksa)" : ""}` },
          { key: "rows_total", label: "Baris", kind: "number" },
          { key: "rejected", label: "Ditolak", kind: "number" },
          { key: "errors_csv", label: "Unduhan", render: (row) => (row.errors_csv ? downloadButton(row.errors_csv, "Baris ditolak") : "–") },
        ],
      }),
    );
  } catch (error) {
    fill(container, notice("error", error.message));
  }
}

export default async function render(view) {
  let stopped = false;
  const kind = h("select", { id: "import-kind", name: "kind", required: true }, Object.entries(KINDS).map(([value, label]) => h("option", { value }, label)));
  const file = h("input", { id: "import-file", name: "file", type: "file", required: true, accept: ".csv,.xlsx,.xls,text/csv", "aria-describedby": "import-file-hint" });
  const dryRun = h("input", { id: "import-dry-run", name: "dry_run", type: "checkbox", checked: true, style: { width: "auto", minHeight: "auto" } });
  const message = h("div", { "aria-live": "polite" });
  const progress = h("section", { class: "card", id: "import-status", "aria-labelledby": "import-status-title", "aria-live": "polite", hidden: true });
  const past = h("div", {});
  const template = h("button", { type: "button", class: "button-quiet" }, "Unduh templat CSV");
  template.addEventListener("click", () => download(`/membership/imports/${kind.value}/template.csv`, `templat-${kind.value}.csv`).catch((error) => fill(message, notice("error", error.message))));
  const submit = h("button", { type: "submit" }, "Unggah");
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "upload-title" },
    h("h2", { id: "upload-title" }, "Unggah berkas"),
    h("div", { class: "form-row" }, h("div", { class: "field" }, h("label", { for: "import-kind" }, "Jenis data"), kind), template),
    h(
      "div",
      { class: "field", style: { marginTop: "1rem" } },
      h("label", { for: "import-file" }, "Berkas"),
      h("span", { class: "hint", id: "import-file-hint" }, "CSV atau XLSX dengan baris judul kolom, seperti templat."),
      file,
    ),
    h("div", { class: "field" }, h("label", { for: "import-dry-run", style: { display: "flex", gap: "0.5rem", alignItems: "center" } }, dryRun, "Periksa saja, tanpa menyimpan")),
    message,
    submit,
  );

  const watch = async (id) => {
    while (!stopped) {
      let status;
      try {
        status = await api(`/membership/imports/${id}`);
      } catch (error) {
        fill(message, notice("error", error.message));
        return;
      }
      fill(progress, h("h2", { id: "import-status-title" }, "Kemajuan impor"), progressView(status));
      if (FINISHED.includes(status.status)) {
        history(past);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    fill(message);
    if (!file.files.length) {
      fill(message, notice("error", "Pilih berkas yang akan diunggah."));
      file.focus();
      return;
    }
    const body = new FormData();
    body.append("file", file.files[0]);
    submit.disabled = true;
    try {
      const accepted = await api(`/membership/imports/${kind.value}`, { method: "POST", body, query: { dry_run: String(dryRun.checked) } });
      progress.hidden = false;
      fill(progress, h("h2", { id: "import-status-title" }, "Kemajuan impor"), h("p", { class: "loading" }, "Menunggu giliran…"));
      await watch(accepted.id);
    } catch (error) {
      fill(message, notice("error", error.message));
    } finally {
      submit.disabled = false;
    }
  });

  fill(
    view,
    pageHeader("Impor anggota", "Unggah data sekolah, PTK, komunitas atau keanggotaan dari CSV atau XLSX, lalu pantau kemajuannya."),
    form,
    progress,
    h("section", { "aria-label": "Riwayat impor" }, past),
  );
  history(past);
  return () => {
    stopped = true;
  };
}
