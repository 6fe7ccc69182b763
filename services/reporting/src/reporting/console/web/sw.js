// The console's service worker: keeps the check-in page, its modules, styles and vendor
// files, so that a committee's device opens the page and scans in a hall with no signal.
//
// Only the files listed here and the versioned vendor files (`/console/vendor/<pkg>@<v>/…`,
// which never change under one name) are answered from the cache, the listed ones while
// their newest copy is fetched behind it (a deployment reaches a device on its next visit
// with signal). Every other request, the APIs above all, goes to the network untouched: an
// API answer must never be stale.

const CACHE = "kombel-checkin-v1";
const SCOPE = new URL(self.registration.scope);
const KEPT = [
  "checkin",
  "checkin.html",
  "checkin.css",
  "checkin.js",
  "checkin-camera.js",
  "checkin-labels.js",
  "checkin-store.js",
  "checkin-sync.js",
  "checkin-ticket.js",
  "checkin-icon.svg",
  "manifest.webmanifest",
  "src/api.js",
].map((path) => new URL(path, SCOPE).href);
const VENDOR = new URL("vendor/", SCOPE).href;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // One file that cannot be fetched now must not cost the others.
      await Promise.all(KEPT.map((url) => cache.add(new Request(url, { cache: "reload" })).catch(() => {})));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("kombel-checkin-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function keptFirst(event, key) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key);
  const fresh = fetch(event.request).then(
    async (response) => {
      if (response.ok) await cache.put(key, response.clone());
      return response;
    },
    () => null,
  );
  if (cached) {
    event.waitUntil(fresh);
    return cached;
  }
  return (await fresh) ?? Response.error();
}

async function vendorFile(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request.url);
  if (cached) return cached;
  const response = await fetch(event.request);
  if (response.ok) await cache.put(event.request.url, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  if (KEPT.includes(url.href)) event.respondWith(keptFirst(event, url.href));
  else if (url.href.startsWith(VENDOR)) event.respondWith(vendorFile(event));
});
