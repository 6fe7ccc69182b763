// Logging one activity of a community from a phone: the form of
// `POST /activities/communities/{id}/activities`, then its photos, then the activity as
// saved with its evidence; below, the community's latest activities.

import { api } from "../api.js";
import { fill, h, loading, notice, pageHeader } from "../dom.js";
import { MODE_NAMES, PHASE_NAMES } from "../format.js";
import { localWhen } from "../../checkin-labels.js";
import { evidenceFigure, uploadPhoto } from "./activity-photos.js";

const PHASES = Object.entries(PHASE_NAMES);
const MODES = Object.entries(MODE_NAMES);

function field(id, label, control, hint) {
  if (hint) control.setAttribute("aria-describedby", `${id}-hint`);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null,
    control,
  );
}

function select(id, options, value) {
  return h("select", { id, name: id, required: true }, options.map(([key, label]) => h("option", { value: key, selected: key === value }, label)));
}

function nowLocal() {
  const now = new Date();
  now.setMinutes(0, 0, 0);
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:00`;
}

// Plain HTTP has no `crypto.randomUUID`; a key only has to be unlikely to repeat.
function newKey() {
  return crypto.randomUUID?.() ?? Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(16)).join("-");
}

function optional(value) {
  const text = value.trim();
  return text === "" ? undefined : text;
}

function problem(error) {
  const details = (error.details ?? []).map((d) => [d.field, d.message].filter(Boolean).join(": ")).filter(Boolean);
  return notice("error", [error.message, ...details].join(" "));
}

function activityCard(activity, evidence) {
  return h(
    "article",
    { class: "card activity", dataset: { activity: activity.id } },
    h("h3", {}, activity.title),
    h("p", {}, `${PHASE_NAMES[activity.phase] ?? activity.phase} · ${localWhen(activity)}${activity.place ? ` · ${activity.place}` : ""}`),
    activity.topic ? h("p", { class: "hint" }, `Topik: ${activity.topic}`) : null,
    evidence.length
      ? h("div", { class: "evidence-list", style: { display: "flex", flexWrap: "wrap", gap: "0.75rem" } }, evidence.map(evidenceFigure))
      : h("p", { class: "hint" }, "Belum ada foto."),
  );
}

async function latest(communityId, box) {
  try {
    const page = await api(`/activities/communities/${communityId}/activities`, { query: { limit: 5 } });
    const cards = await Promise.all(
      page.items.map(async (activity) => activityCard(activity, await api(`/activities/activities/${activity.id}/evidence`))),
    );
    fill(box, cards.length ? cards : h("p", { class: "hint" }, "Belum ada kegiatan tercatat."));
  } catch (error) {
    fill(box, problem(error));
  }
}

export async function showActivityForm(view, { params, setTitle }) {
  const communityId = params.community;
  const community = await api(`/membership/communities/${communityId}`);
  setTitle(`Catat kegiatan · ${community.name}`);

  const title = h("input", { id: "activity-title", name: "title", required: true, minlength: "3", maxlength: "200", autocomplete: "off" });
  const phase = select("activity-phase", PHASES, "refleksi_awal");
  const startsAt = h("input", { id: "activity-starts", name: "starts_at", type: "datetime-local", required: true, value: nowLocal() });
  const duration = h("input", { id: "activity-duration", name: "duration_minutes", type: "number", min: "1", max: "720", value: "90", inputmode: "numeric", required: true });
  const mode = select("activity-mode", MODES, "luring");
  const place = h("input", { id: "activity-place", name: "place", maxlength: "200" });
  const topic = h("input", { id: "activity-topic", name: "topic", maxlength: "200" });
  const minutes = h("textarea", { id: "activity-minutes", name: "minutes", rows: "4" });
  const camera = h("input", { id: "activity-camera", name: "camera", type: "file", accept: "image/*", capture: "environment", multiple: true });
  const gallery = h("input", { id: "activity-photos", name: "photos", type: "file", accept: "image/*", multiple: true });
  const chosen = h("ul", { class: "hint", id: "activity-chosen", "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Simpan kegiatan");
  const status = h("div", { id: "activity-status" });
  const saved = h("div", { id: "activity-saved" });
  const recent = h("div", { id: "activity-recent" }, loading());

  const photos = () => [...camera.files, ...gallery.files];
  const showChosen = () => fill(chosen, photos().map((file) => h("li", {}, file.name)));
  camera.addEventListener("change", showChosen);
  gallery.addEventListener("change", showChosen);

  const form = h(
    "form",
    { class: "card", id: "activity-form" },
    field("activity-title", "Judul kegiatan", title, "Mis. Refleksi hasil Rapor Pendidikan"),
    h("div", { class: "form-row", style: { marginBottom: "1rem" } }, field("activity-phase", "Tahap siklus", phase), field("activity-mode", "Cara pertemuan", mode)),
    h(
      "div",
      { class: "form-row", style: { marginBottom: "1rem" } },
      field("activity-starts", "Waktu mulai", startsAt, "Waktu setempat komunitas"),
      field("activity-duration", "Lama (menit)", duration),
    ),
    field("activity-place", "Tempat", place, "Mis. Ruang guru SD Negeri 1"),
    field("activity-topic", "Topik", topic),
    field("activity-minutes", "Catatan / notulen", minutes),
    h(
      "fieldset",
      {},
      h("legend", {}, "Foto kegiatan"),
      field("activity-camera", "Ambil foto dengan kamera", camera),
      field("activity-photos", "Atau pilih foto yang sudah ada", gallery, "Foto besar diperkecil dulu agar cepat terkirim."),
      chosen,
    ),
    submit,
    status,
  );

  // One key per activity being logged: a retry after a lost answer gets the first answer
  // back instead of a second activity.
  let attempt = newKey();
  let activity = null;
  let uploaded = 0;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    submit.disabled = true;
    try {
      if (activity === null) {
        fill(status, notice("info", "Menyimpan kegiatan…"));
        activity = await api(`/activities/communities/${communityId}/activities`, {
          method: "POST",
          headers: { "Idempotency-Key": attempt },
          json: {
            title: title.value.trim(),
            phase: phase.value,
            starts_at: startsAt.value,
            duration_minutes: Number(duration.value),
            mode: mode.value,
            place: optional(place.value),
            topic: optional(topic.value),
            minutes: optional(minutes.value),
          },
        });
      }
      const files = photos();
      // After a failed photo, Simpan again goes on from that photo.
      for (; uploaded < files.length; uploaded += 1) {
        fill(status, notice("info", `Mengunggah foto ${uploaded + 1} dari ${files.length}…`));
        await uploadPhoto(activity.id, files[uploaded]);
      }
      const evidence = await api(`/activities/activities/${activity.id}/evidence`);
      fill(saved, notice("success", "Kegiatan tersimpan."), activityCard(activity, evidence));
      fill(status);
      form.reset();
      startsAt.value = nowLocal();
      showChosen();
      activity = null;
      uploaded = 0;
      attempt = newKey();
      saved.querySelector("h3")?.setAttribute("tabindex", "-1");
      saved.querySelector("h3")?.focus();
      latest(communityId, recent);
    } catch (error) {
      fill(
        status,
        problem(error),
        activity ? notice("info", "Kegiatannya sudah tersimpan; tekan Simpan lagi untuk mengunggah fotonya.") : null,
      );
    } finally {
      submit.disabled = false;
    }
  });

  fill(
    view,
    h(
      "nav",
      { class: "breadcrumbs", "aria-label": "Jejak halaman" },
      h("ol", {}, h("li", {}, h("a", { href: "/console/kegiatan" }, "Kegiatan")), h("li", { "aria-current": "page" }, community.name)),
    ),
    pageHeader("Catat kegiatan", community.name),
    saved,
    form,
    h("section", { "aria-labelledby": "recent-heading" }, h("h2", { id: "recent-heading" }, "Kegiatan terakhir"), recent),
  );
  await latest(communityId, recent);
}
