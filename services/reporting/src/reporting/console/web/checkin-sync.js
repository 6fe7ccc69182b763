// Sending the queued scans: one batch at a time to `POST /activities/checkins/batch`, with an
// `Idempotency-Key` kept with the batch, so a batch whose answer was lost on a bad line is sent
// again and answered the first time's way instead of being applied twice. A batch is retried
// (with growing pauses) until the server answers; scans made meanwhile wait for the next one.
// One tab of the device sends at a time (Web Locks), the others only show. Nothing is sent
// without a signed-in session: `api` would leave the page for the sign-in, mid-scanning.

import { api, ApiError, session } from "./src/api.js";
import { batchToSend, settleBatch } from "./checkin-store.js";

const BATCH_MOST = 500;
const FIRST_PAUSE_MS = 2000;
const LONGEST_PAUSE_MS = 60000;
const POLL_MS = 15000;

// Refusals of the whole batch that a retry cannot change: each scan keeps the code.
const FINAL = new Set([403, 404, 409, 413, 422]);
const RETRIED_CODES = new Set(["idempotency_in_progress"]);

function outcome(scan, answer) {
  const result = answer.result ?? null;
  // The server's "already" for the time this very scan gave is this device's own check-in,
  // answered again after a lost reply: shown as the check-in it was.
  if (
    result === "already_checked_in" &&
    answer.checked_in_at &&
    Date.parse(answer.checked_in_at) === Date.parse(scan.scanned_at)
  ) {
    return { result: "ok", code: null, checked_in_at: answer.checked_in_at };
  }
  return { result, code: answer.code ?? null, checked_in_at: answer.checked_in_at ?? null };
}

async function send(batch) {
  const answer = await api("/activities/checkins/batch", {
    method: "POST",
    headers: { "Idempotency-Key": batch.key },
    json: {
      session_id: batch.session_id,
      device_id: batch.device_id,
      scans: batch.scans.map((s) => ({ ticket: s.ticket, scanned_at: s.scanned_at })),
    },
  });
  return batch.scans.map((scan, index) => outcome(scan, answer.results[index]));
}

/**
 * Sends the queue whenever the device is online: at once, on the `online` event, on `kick()`
 * (a new scan), and every few seconds as a fallback. `onChange` runs after each answered
 * batch, `onStatus({state, message})` whenever the sending state changes.
 */
export function startSync({ onChange, onStatus }) {
  let running = false;
  let pause = FIRST_PAUSE_MS;
  let retryTimer = null;

  async function drain() {
    while (navigator.onLine) {
      if (session() === null) {
        onStatus({ state: "signed_out" });
        return;
      }
      const batch = await batchToSend(BATCH_MOST);
      if (batch === null) {
        onStatus({ state: "idle" });
        return;
      }
      onStatus({ state: "sending", count: batch.scans.length });
      let outcomes;
      try {
        outcomes = await send(batch);
      } catch (error) {
        if (error instanceof ApiError && FINAL.has(error.status) && !RETRIED_CODES.has(error.code)) {
          outcomes = batch.scans.map(() => ({ result: null, code: error.code, message: error.message }));
        } else {
          throw error;
        }
      }
      await settleBatch(batch, outcomes);
      pause = FIRST_PAUSE_MS;
      onChange();
    }
    onStatus({ state: "offline" });
  }

  // One pass over the queue; false when it failed and a retry is scheduled.
  async function pass() {
    try {
      await drain();
      return true;
    } catch {
      onStatus({
        state: "retry",
        message: "Pengiriman gagal; dicoba lagi otomatis. Pindaian tetap tersimpan di perangkat ini.",
      });
      retryTimer = setTimeout(() => {
        retryTimer = null;
        kick();
      }, pause);
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
      return false;
    }
  }

  // A scan made while a pass runs (or while another tab holds the lock) asks for one more
  // pass, so it never waits for the next poll.
  let again = false;

  async function run() {
    try {
      do {
        again = false;
        clearTimeout(retryTimer);
        retryTimer = null;
        if (!(await pass())) break;
      } while (again);
    } finally {
      running = false;
    }
  }

  function kick() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    if (navigator.locks) navigator.locks.request("kombel-checkin-sync", run);
    else run();
  }

  window.addEventListener("online", kick);
  window.addEventListener("offline", () => onStatus({ state: "offline" }));
  // The poll is for a line that came back without an `online` event; a pending retry keeps
  // its own, growing, pause.
  setInterval(() => {
    if (retryTimer === null) kick();
  }, POLL_MS);
  kick();
  return { kick };
}
