// The one way console pages talk to the platform's APIs, with the signed-in session.
//
// Session contract shared by every page: localStorage["kombel.session"] holds JSON
// {"access_token", "expires_at" (epoch seconds), "principal": {"roles", "province", "kabkota",
// "person", "name"}}.

const SESSION_KEY = "kombel.session";
export const SIGN_IN_PATH = "/console/masuk";

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details || [];
  }
}

/** The signed-in session, or null when there is none or it has expired. */
export function session() {
  let stored;
  try {
    stored = JSON.parse(localStorage.getItem(SESSION_KEY) || "null");
  } catch {
    return null;
  }
  if (!stored || !stored.access_token || !stored.principal) return null;
  if (stored.expires_at && stored.expires_at * 1000 <= Date.now()) return null;
  return stored;
}

export function saveSession(value) {
  localStorage.setItem(SESSION_KEY, JSON.stringify(value));
}

export function clearSession() {
  localStorage.removeItem(SESSION_KEY);
}

/** Whether the signed-in principal has any of the roles. */
export function hasRole(...roles) {
  const current = session();
  return !!current && current.principal.roles.some((role) => roles.includes(role));
}

/** Send the browser to the sign-in page, coming back to where it was. */
export function signIn() {
  const here = location.pathname + location.search + location.hash;
  location.assign(`${SIGN_IN_PATH}?kembali=${encodeURIComponent(here)}`);
}

/**
 * Call an API of the platform (same origin) with the session's bearer token.
 *
 * options: fetch options, plus `json` (a body sent as JSON), `query` (an object of query
 * parameters; empty values are left out) and `raw` (return the Response instead of its JSON).
 * Errors become ApiError with the platform's stable `code` and Indonesian `message`; a missing
 * or expired session sends the browser to the sign-in page.
 */
export async function api(path, options = {}) {
  const { json, query, raw, headers, ...rest } = options;
  const current = session();
  const sent = new Headers(headers || {});
  if (current) sent.set("Authorization", `Bearer ${current.access_token}`);
  if (json !== undefined) {
    sent.set("Content-Type", "application/json");
    rest.body = JSON.stringify(json);
  }
  if (!sent.has("Accept")) sent.set("Accept", "application/json");
  let response;
  try {
    response = await fetch(withQuery(path, query), { ...rest, headers: sent });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "network_error", "Tidak dapat menghubungi server. Periksa sambungan internet lalu coba lagi.");
  }
  if (response.status === 401) {
    clearSession();
    signIn();
    throw await errorOf(response);
  }
  if (!response.ok) throw await errorOf(response);
  if (raw) return response;
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

export function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(key, String(one));
  }
  const text = params.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a gateway's page): the status says enough.
  }
  const error = body && body.error;
  if (error && error.code) return new ApiError(response.status, error.code, error.message, error.details);
  return new ApiError(response.status, `http_${response.status}`, `Permintaan gagal (HTTP ${response.status}).`);
}

/**
 * Download a file an API answers (CSV, XLSX, errors.csv) with the bearer token: plain links
 * cannot carry it. Saved under the name the API gives, else under `filename`.
 */
export async function download(path, filename, query) {
  const response = await api(path, { query, raw: true, headers: { Accept: "*/*" } });
  const disposition = response.headers.get("Content-Disposition") || "";
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = named ? decodeURIComponent(named[1]) : filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Follow a server-sent event stream with the bearer token (EventSource cannot send one).
 * Calls onEvent({event, data, id}) for each event; returns a function that stops it.
 * Reconnects after a dropped connection, waiting a little longer each time.
 */
export function stream(path, onEvent, { onError } = {}) {
  const controller = new AbortController();
  let delay = 1000;
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await api(path, {
          raw: true,
          signal: controller.signal,
          headers: { Accept: "text/event-stream" },
        });
        delay = 1000;
        await readEvents(response.body, onEvent);
      } catch (error) {
        if (controller.signal.aborted) return;
        if (onError) onError(error);
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  run();
  return () => controller.abort();
}

async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { event: "message", data: "", id: null };
      const data = [];
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") data.push(text);
        else if (field === "event") event.event = text;
        else if (field === "id") event.id = text;
      }
      if (data.length) {
        event.data = data.join("\n");
        onEvent(event);
      }
    }
  }
}
