// Photos of an activity: made smaller on the phone before they travel a slow line, uploaded
// one by one (`POST /activities/activities/{id}/evidence`), and shown back from their
// thumbnails, which are fetched with the bearer token (an <img src> cannot carry one).

import { api } from "../api.js";
import { h } from "../dom.js";

const LONGEST_SIDE = 1600;
const SMALL_ENOUGH = 1_500_000;

/** A photo as sent: a large one redrawn at most 1600 px wide or high as JPEG. */
export async function smaller(file) {
  if (!file.type.startsWith("image/") || file.size <= SMALL_ENOUGH || !globalThis.createImageBitmap) return file;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" });
  } catch {
    return file;
  }
}

export async function uploadPhoto(activityId, file) {
  const body = new FormData();
  body.append("file", await smaller(file));
  return api(`/activities/activities/${activityId}/evidence`, { method: "POST", body });
}

/** One piece of evidence: its thumbnail, or its name when it has none (a PDF). */
export function evidenceFigure(evidence) {
  const figure = h("figure", {
    class: "evidence",
    dataset: { evidence: evidence.id },
    style: { margin: "0", width: "10rem", maxWidth: "100%", fontSize: "0.8rem", overflowWrap: "anywhere" },
  });
  const caption = h("figcaption", {}, evidence.filename);
  if (!evidence.thumbnail_url && !evidence.content_type.startsWith("image/")) {
    figure.append(caption);
    return figure;
  }
  const image = h("img", {
    alt: `Foto kegiatan: ${evidence.filename}`,
    width: "160",
    height: "120",
    style: { display: "block", width: "100%", height: "7.5rem", objectFit: "cover", borderRadius: "4px", background: "#e5e9ef" },
  });
  figure.append(image, caption);
  api(evidence.thumbnail_url ?? evidence.url, { raw: true, headers: { Accept: "image/*" } })
    .then((response) => response.blob())
    .then((blob) => {
      image.src = URL.createObjectURL(blob);
      image.addEventListener("load", () => URL.revokeObjectURL(image.src), { once: true });
    })
    .catch(() => image.replaceWith(h("span", { class: "hint" }, "Gambar tidak dapat dimuat")));
  return figure;
}
