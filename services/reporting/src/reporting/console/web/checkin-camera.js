// Reading tickets' QR codes from the back camera: the browser's own BarcodeDetector where it
// has one (Chrome on Android), else jsQR over a few frames a second. jsQR is an npm package
// pinned in the console's package-lock and named in the page's import map; it is a classic
// script (no ES module build), so it is loaded as one, and kept for offline use by sw.js.
const FRAME_MS = 200;
const SAME_CODE_MS = 3000;

let jsqrLoaded = null;

function jsqrUrl() {
  const map = document.querySelector('script[type="importmap"]');
  try {
    return JSON.parse(map?.textContent || "{}").imports?.jsqr ?? null;
  } catch {
    return null;
  }
}

/** Loads jsQR while there is signal, so that the service worker keeps it for later. */
export function loadJsqr() {
  if (jsqrLoaded === null) {
    jsqrLoaded = new Promise((resolve, reject) => {
      const url = jsqrUrl();
      if (url === null) {
        reject(new Error("jsQR tidak tersedia"));
        return;
      }
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(globalThis.jsQR);
      script.onerror = () => {
        jsqrLoaded = null;
        reject(new Error("jsQR tidak termuat"));
      };
      document.head.append(script);
    });
  }
  return jsqrLoaded;
}

async function detector() {
  if ("BarcodeDetector" in globalThis) {
    const formats = await globalThis.BarcodeDetector.getSupportedFormats();
    if (formats.includes("qr_code")) {
      const native = new globalThis.BarcodeDetector({ formats: ["qr_code"] });
      return async (video) => (await native.detect(video))[0]?.rawValue ?? null;
    }
  }
  const jsQR = await loadJsqr();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    if (!video.videoWidth) return null;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" })?.data ?? null;
  };
}

/** Starts the camera into `video`; `onCode(text)` for each code read (the same code again only
 * after a pause). Returns a function that stops it. */
export async function startCamera(video, onCode) {
  const read = await detector();
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: "environment" },
    audio: false,
  });
  video.srcObject = stream;
  await video.play();
  let last = { text: null, at: 0 };
  let stopped = false;
  const timer = setInterval(async () => {
    if (stopped) return;
    const text = await read(video).catch(() => null);
    if (text && (text !== last.text || Date.now() - last.at > SAME_CODE_MS)) {
      last = { text, at: Date.now() };
      onCode(text);
    }
  }, FRAME_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
}
