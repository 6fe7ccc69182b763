// The offline check-in page: a committee's phone or laptop chooses its session while it has
// signal (keeping the session, the keys that verify its tickets and the names on its roster),
// then checks each ticket on the device, queues it with its scan time, and sends the queue
// whenever there is signal. Conflicts come back from the server per scan and are listed.

import { api, session as signedIn } from "./src/api.js";
import { loadJsqr, startCamera } from "./checkin-camera.js";
import { checkTicket } from "./checkin-ticket.js";
import { describe, isConflict, localTime, sessionLabel } from "./checkin-labels.js";
import {
  addScan,
  allScans,
  deviceId,
  keepRoster,
  randomId,
  rosterCount,
  rosterEntry,
  rosterNames,
  saveSetting,
  scanOf,
  setting,
} from "./checkin-store.js";
import { startSync } from "./checkin-sync.js";

const $ = (id) => document.getElementById(id);
const state = { post: null, keys: [], device: null, trainings: [], sync: null, stopCamera: null, last: null };

function show(element, text, tone = "") {
  element.textContent = text;
  element.dataset.tone = tone;
}

function showNetwork() {
  const online = navigator.onLine;
  show(
    $("network"),
    online ? "Tersambung" : "Tanpa sinyal: pindaian disimpan di perangkat",
    online ? "good" : "warn",
  );
  $("network").dataset.online = String(online);
}

// Sessions and keys

async function loadTrainings() {
  const select = $("training");
  try {
    const page = await api("/activities/trainings", { query: { status: "scheduled", limit: 200 } });
    state.trainings = page.items;
    select.replaceChildren(
      new Option(page.items.length ? "Pilih pelatihan" : "Belum ada pelatihan", ""),
      ...page.items.map((t) => new Option(`${t.title} (${t.organiser})`, t.id)),
    );
  } catch (error) {
    select.replaceChildren(new Option("Pelatihan tidak dapat dimuat", ""));
    show($("choose-message"), offlineOr(error, "Daftar pelatihan perlu sinyal."), "warn");
  }
}

/** A link from a training's page (`?pelatihan=…&sesi=…`) chooses its session in the form;
 * the committee still confirms it. */
async function preselect() {
  const query = new URLSearchParams(location.search);
  const trainingId = query.get("pelatihan");
  if (!trainingId || ![...$("training").options].some((o) => o.value === trainingId)) return;
  $("training").value = trainingId;
  await loadSessions(trainingId);
  const sessionId = query.get("sesi");
  if (sessionId && [...$("session").options].some((o) => o.value === sessionId)) {
    $("session").value = sessionId;
  }
  $("change").open = true;
  $("use-session").focus();
}

async function loadSessions(trainingId) {
  const select = $("session");
  select.disabled = true;
  if (!trainingId) return;
  select.replaceChildren(new Option("Memuat sesi…", ""));
  try {
    const training = await api(`/activities/trainings/${trainingId}`);
    const open = training.sessions.filter((s) => s.status === "scheduled");
    select.replaceChildren(
      new Option(open.length ? "Pilih sesi" : "Tidak ada sesi di wilayah Anda", ""),
      ...open.map((s) => {
        const option = new Option(sessionLabel(s), s.id);
        option.dataset.session = JSON.stringify({ ...s, training_title: training.title });
        return option;
      }),
    );
    select.disabled = open.length === 0;
  } catch (error) {
    select.replaceChildren(new Option("Sesi tidak dapat dimuat", ""));
    show($("choose-message"), offlineOr(error, "Daftar sesi perlu sinyal."), "warn");
  }
}

function offlineOr(error, offlineText) {
  return navigator.onLine ? error.message || String(error) : offlineText;
}

async function refreshKeys() {
  const answer = await api("/activities/checkin/keys");
  state.keys = answer.keys;
  await saveSetting("keys", answer.keys);
}

/** The names on the session's roster, so that a scan shows whose ticket it is offline. */
async function refreshRoster(post) {
  let cursor = null;
  do {
    const page = await api(`/activities/trainings/${post.training_id}/registrations`, {
      query: { session_id: post.id, limit: 500, cursor },
    });
    await keepRoster(
      page.items.map((r) => ({ id: r.id, session_id: r.session_id, full_name: r.full_name, status: r.status })),
    );
    cursor = page.next;
  } while (cursor);
  await showRoster(post);
}

async function showRoster(post) {
  const count = await rosterCount(post.id);
  $("roster").textContent = count
    ? `Daftar peserta tersimpan: ${count} peserta (nama tampil saat pindai, juga tanpa sinyal).`
    : "Daftar peserta belum tersimpan: pindaian tampil dengan nomor pendaftarannya.";
}

async function usePost(post) {
  state.post = post;
  await saveSetting("post", post);
  const chosen = $("chosen");
  chosen.hidden = false;
  chosen.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = post.training_title;
  const where = document.createElement("span");
  where.textContent = sessionLabel(post);
  chosen.append(title, where);
  for (const id of ["ticket", "record", "camera"]) $(id).disabled = false;
  $("change").open = false;
  await showRoster(post);
}

async function chooseSession(event) {
  event.preventDefault();
  const option = $("session").selectedOptions[0];
  if (!option?.dataset.session) {
    show($("choose-message"), "Pilih pelatihan dan sesinya dulu.", "warn");
    return;
  }
  const post = JSON.parse(option.dataset.session);
  show($("choose-message"), "Menyimpan kunci tiket untuk dipakai tanpa sinyal…");
  try {
    await refreshKeys();
    await usePost(post);
    show($("choose-message"), "Sesi siap. Kunci tiket tersimpan; pemindaian dapat berjalan tanpa sinyal.", "good");
    refreshRoster(post).catch(() => {});
    $("ticket").focus();
  } catch (error) {
    show($("choose-message"), offlineOr(error, "Memilih sesi perlu sinyal sekali."), "bad");
  }
}

// Scanning

async function record(text) {
  const post = state.post;
  if (post === null) {
    show($("last"), "Pilih sesi dulu.", "warn");
    return;
  }
  const scannedAt = new Date().toISOString();
  const checked = await checkTicket(text, post.id, state.keys);
  if (checked.status === "invalid" || checked.status === "wrong_session") {
    const code = checked.status === "invalid" ? "ticket_invalid" : "wrong_session";
    await addScan({
      id: randomId(),
      session_id: post.id,
      ticket: String(text).trim().slice(0, 400),
      registration_id: checked.ticket?.registrationId ?? null,
      scanned_at: scannedAt,
      device_id: state.device,
      state: "refused",
      code,
    });
    showLast({ state: "refused", code, registration_id: checked.ticket?.registrationId }, null);
    await render();
    return;
  }
  const ticket = checked.ticket;
  const earlier = await scanOf(post.id, ticket.registrationId);
  const person = await rosterEntry(ticket.registrationId);
  if (earlier !== null) {
    show(
      $("last"),
      `${who(ticket.registrationId, person)}: sudah dipindai di perangkat ini pukul ${localTime(earlier.scanned_at)}.`,
      "warn",
    );
    return;
  }
  const scan = {
    id: randomId(),
    session_id: post.id,
    ticket: ticket.text,
    registration_id: ticket.registrationId,
    scanned_at: scannedAt,
    device_id: state.device,
    state: "queued",
    verified_here: checked.status === "valid",
  };
  await addScan(scan);
  showLast(scan, person);
  await render();
  state.sync.kick();
}

function who(registrationId, person) {
  if (person?.full_name) return person.full_name;
  return registrationId ? `Pendaftaran ${String(registrationId).slice(0, 8)}` : "Kode tak dikenal";
}

function showLast(scan, person) {
  state.last = { id: scan.id, state: scan.state };
  const line = `${who(scan.registration_id, person)}: ${describe(scan)}`;
  const tone = scan.state === "refused" || (scan.state === "done" && scan.result !== "ok") ? "bad" : "good";
  show($("last"), line, tone);
  $("last").dataset.state = scan.state;
}

// The list

// A long day's list is drawn up to its newest rows; the counts cover every scan.
const ROWS_SHOWN = 300;

async function render() {
  // The chosen session's scans; those of a session chosen before still go out with their own.
  const scans = (await allScans()).filter((s) => state.post === null || s.session_id === state.post.id);
  const names = await rosterNames();
  const rows = [];
  const conflicts = [];
  let queued = 0;
  let ok = 0;
  for (const scan of scans) {
    const person = names.get(scan.registration_id) ?? null;
    // The scan last shown at the top, once the server has answered for it.
    if (scan.id === state.last?.id && scan.state !== state.last.state) showLast(scan, person);
    if (scan.state === "queued" || scan.state === "sending") queued += 1;
    if (scan.state === "done" && scan.result === "ok") ok += 1;
    const line = [localTime(scan.scanned_at), who(scan.registration_id, person), describe(scan)];
    if (rows.length < ROWS_SHOWN) {
      const tr = document.createElement("tr");
      tr.dataset.registration = scan.registration_id ?? "";
      tr.dataset.state = scan.state;
      tr.dataset.result = scan.result ?? scan.code ?? "";
      for (const text of line) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      rows.push(tr);
    }
    if (isConflict(scan)) {
      const li = document.createElement("li");
      li.dataset.registration = scan.registration_id ?? "";
      li.dataset.result = scan.result ?? scan.code ?? "";
      li.textContent = `${line[0]} · ${line[1]}: ${line[2]}`;
      conflicts.push(li);
    }
  }
  $("scans").tBodies[0].replaceChildren(...rows);
  $("conflicts").replaceChildren(...conflicts);
  $("count-queued").textContent = String(queued);
  $("count-ok").textContent = String(ok);
  $("count-conflicts").textContent = String(conflicts.length);
}

function showSync(status) {
  const texts = {
    idle: ["Semua pindaian sudah terkirim.", "good"],
    sending: [`Mengirim ${status.count} pindaian…`, ""],
    offline: ["Tanpa sinyal: pindaian menunggu dan dikirim otomatis saat tersambung.", "warn"],
    retry: [status.message, "warn"],
    signed_out: ["Masuk ke konsol lagi untuk mengirim; pindaian tetap tersimpan di perangkat ini.", "warn"],
  };
  const [text, tone] = texts[status.state] ?? ["", ""];
  show($("sync"), text, tone);
  $("sync").dataset.state = status.state;
  render();
}

async function toggleCamera() {
  const button = $("camera");
  const video = $("video");
  if (state.stopCamera) {
    state.stopCamera();
    state.stopCamera = null;
    video.hidden = true;
    button.textContent = "Buka kamera";
    return;
  }
  try {
    video.hidden = false;
    state.stopCamera = await startCamera(video, (text) => record(text));
    button.textContent = "Tutup kamera";
  } catch {
    video.hidden = true;
    show($("last"), "Kamera tidak dapat dibuka. Izinkan kamera, atau ketik kode tiketnya.", "bad");
  }
}

async function start() {
  showNetwork();
  if (!window.isSecureContext) {
    show(
      $("choose-message"),
      "Buka halaman ini lewat HTTPS: tanpa itu peramban tidak menyimpan halaman untuk dipakai tanpa sinyal dan tidak dapat memeriksa tiket di perangkat.",
      "bad",
    );
  }
  window.addEventListener("online", () => {
    showNetwork();
    if (signedIn() === null) return;
    if (state.trainings.length === 0) loadTrainings();
    if (state.post !== null) {
      refreshKeys().catch(() => {});
      refreshRoster(state.post).then(render, () => {});
    }
  });
  window.addEventListener("offline", showNetwork);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(() => {});
  }
  state.device = await deviceId();
  $("device").textContent = `Nama perangkat ini: ${state.device}`;
  state.keys = (await setting("keys")) ?? [];
  const post = await setting("post");
  if (post !== null) await usePost(post);
  if (signedIn() === null) {
    const link = document.createElement("a");
    link.href = `/console/masuk?kembali=${encodeURIComponent(location.pathname)}`;
    link.textContent = "Masuk ke konsol";
    $("choose-message").replaceChildren(link, " dulu untuk memilih sesi dan mengirim pindaian.");
    $("choose-message").dataset.tone = "warn";
  }

  $("training").addEventListener("change", (e) => loadSessions(e.target.value));
  $("choose").addEventListener("submit", chooseSession);
  $("scan").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("ticket");
    const text = input.value.trim();
    input.value = "";
    input.focus();
    if (text) await record(text);
  });
  $("camera").addEventListener("click", toggleCamera);
  $("send").addEventListener("click", () => state.sync.kick());

  state.sync = startSync({ onChange: render, onStatus: showSync });
  await render();
  if (!navigator.onLine) {
    $("training").replaceChildren(new Option("Memilih pelatihan perlu sinyal", ""));
  } else if (signedIn() !== null) {
    loadJsqr().catch(() => {});
    loadTrainings().then(preselect);
    if (state.post !== null) {
      refreshKeys().catch(() => {});
      refreshRoster(state.post).then(render, () => {});
    }
  }
  document.body.dataset.ready = "true";
}

start();
