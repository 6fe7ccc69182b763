// What a check-in device keeps in IndexedDB, so that a reload or a flat battery in a hall
// with no signal loses nothing: the session it works for with the keys that verify its
// tickets and the names on its roster, its device id, every scan with its time and result,
// and the batch on its way to the server (sent again, same key, until the server answers).

const DATABASE = "kombel-checkin";
const VERSION = 1;

let opened = null;

/** A random id; `crypto.randomUUID` exists only on HTTPS (and localhost), random bytes
 * everywhere, and the page must not stop on a plain-HTTP address of a hall's network. */
export function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function database() {
  if (opened === null) {
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(DATABASE, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("settings", { keyPath: "name" });
        const scans = db.createObjectStore("scans", { keyPath: "id" });
        scans.createIndex("by_state", "state");
        db.createObjectStore("batches", { keyPath: "key" });
        db.createObjectStore("roster", { keyPath: "id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opened;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function finished(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

async function store(name, mode = "readonly") {
  return (await database()).transaction(name, mode).objectStore(name);
}

export async function setting(name) {
  const row = await done((await store("settings")).get(name));
  return row?.value ?? null;
}

export async function saveSetting(name, value) {
  await done((await store("settings", "readwrite")).put({ name, value }));
}

/** This device's id, made once: the server records it with each check-in. */
export async function deviceId() {
  let id = await setting("device");
  if (id === null) {
    id = `perangkat-${randomId().slice(0, 8)}`;
    await saveSetting("device", id);
  }
  return id;
}

export async function allScans() {
  const rows = await done((await store("scans")).getAll());
  return rows.sort((a, b) => (a.scanned_at < b.scanned_at ? 1 : -1));
}

export async function scansIn(state) {
  return done((await store("scans")).index("by_state").getAll(state));
}

export async function addScan(scan) {
  await done((await store("scans", "readwrite")).add(scan));
}

/** The scan of this registration at this session already on the device, if any. */
export async function scanOf(sessionId, registrationId) {
  const rows = await done((await store("scans")).getAll());
  return rows.find((s) => s.session_id === sessionId && s.registration_id === registrationId) ?? null;
}

/** The batch being sent, or a new one of the queued scans of one session (at most `most`). */
export async function batchToSend(most) {
  const db = await database();
  const transaction = db.transaction(["batches", "scans"], "readwrite");
  const batches = transaction.objectStore("batches");
  const scans = transaction.objectStore("scans");
  const pending = await done(batches.getAll());
  let batch = pending[0] ?? null;
  if (batch === null) {
    const queued = (await done(scans.index("by_state").getAll("queued"))).sort((a, b) =>
      a.scanned_at < b.scanned_at ? -1 : 1,
    );
    if (queued.length > 0) {
      const sessionId = queued[0].session_id;
      const chosen = queued.filter((s) => s.session_id === sessionId).slice(0, most);
      batch = {
        key: randomId(),
        session_id: sessionId,
        device_id: chosen[0].device_id,
        scan_ids: chosen.map((s) => s.id),
      };
      batches.put(batch);
      for (const scan of chosen) scans.put({ ...scan, state: "sending" });
    }
  }
  await finished(transaction);
  if (batch === null) return null;
  const rows = await Promise.all(batch.scan_ids.map(async (id) => done((await store("scans")).get(id))));
  return { ...batch, scans: rows };
}

/** The server's answer to a batch: each scan's result (or refusal) kept, the batch done. */
export async function settleBatch(batch, outcomes) {
  const db = await database();
  const transaction = db.transaction(["batches", "scans"], "readwrite");
  const scans = transaction.objectStore("scans");
  batch.scans.forEach((scan, index) => {
    scans.put({ ...scan, state: "done", ...outcomes[index], answered_at: new Date().toISOString() });
  });
  transaction.objectStore("batches").delete(batch.key);
  await finished(transaction);
}

export async function keepRoster(rows) {
  const db = await database();
  const transaction = db.transaction("roster", "readwrite");
  for (const row of rows) transaction.objectStore("roster").put(row);
  await finished(transaction);
}

/** Every name kept, by registration id: one read for a whole list. */
export async function rosterNames() {
  const rows = await done((await store("roster")).getAll());
  return new Map(rows.map((r) => [r.id, r]));
}

export async function rosterEntry(registrationId) {
  return (await done((await store("roster")).get(registrationId))) ?? null;
}

export async function rosterCount(sessionId) {
  const rows = await done((await store("roster")).getAll());
  return rows.filter((r) => r.session_id === sessionId && r.status !== "cancelled").length;
}
