// A tile map of a province: one square per kabupaten/kota, laid out in a grid in the order of
// their codes, coloured by the share of active communities. Each tile links to the district.

import { h } from "../dom.js";
import { formatShare } from "../format.js";

// Light to dark blue: readable with dark text on the light ones and white on the dark ones
// (contrast 4.5:1 or more each), and distinct for colour-blind readers.
export const SHARE_CLASSES = [
  { below: 0.2, background: "#e3eef9", ink: "#1b1f24", label: "< 20 %" },
  { below: 0.4, background: "#b6d3f0", ink: "#1b1f24", label: "20–40 %" },
  { below: 0.6, background: "#6fa5dc", ink: "#1b1f24", label: "40–60 %" },
  { below: 0.8, background: "#2b6cb0", ink: "#ffffff", label: "60–80 %" },
  { below: Infinity, background: "#123d6b", ink: "#ffffff", label: "≥ 80 %" },
];
const NO_DATA = { background: "#eceff3", ink: "#4a5360", label: "Belum ada komunitas" };

export function shareClass(share) {
  if (share === null || share === undefined) return NO_DATA;
  return SHARE_CLASSES.find((c) => share < c.below);
}

/** regions: [{code, name}] of the province; rows: summary rows keyed by kabkota_code. */
export function tileMap(regions, rows, linkOf) {
  const byCode = new Map(rows.map((row) => [row.kabkota_code, row]));
  const ordered = [...regions].sort((a, b) => a.code.localeCompare(b.code));
  const columns = Math.max(3, Math.ceil(Math.sqrt(ordered.length * 1.6)));
  const tiles = ordered.map((region) => {
    const row = byCode.get(region.code);
    const share = row && row.communities > 0 ? row.active_share : null;
    const colour = shareClass(share);
    const text = share === null ? "–" : formatShare(share);
    return h(
      "a",
      {
        class: "tile",
        href: linkOf(region.code),
        "data-code": region.code,
        "data-share": share === null ? "" : String(share),
        style: { background: colour.background, color: colour.ink },
        "aria-label": `${region.name}: ${share === null ? NO_DATA.label : `${text} komunitas aktif`}`,
        title: region.name,
      },
      h("span", {}, region.name),
      h("strong", {}, text),
    );
  });
  return h(
    "figure",
    { class: "tile-map-figure", style: { margin: 0 } },
    h("div", { class: "tile-map", style: { "--columns": columns, "--columns-narrow": Math.min(columns, 4) } }, tiles),
    h(
      "figcaption",
      {},
      h(
        "ul",
        { class: "legend", "aria-label": "Keterangan warna: persentase komunitas aktif" },
        [...SHARE_CLASSES, NO_DATA].map((c) => h("li", {}, h("span", { style: { background: c.background, border: "1px solid #7a8594" } }), c.label)),
      ),
    ),
  );
}
