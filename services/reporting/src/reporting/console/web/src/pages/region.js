// /console/wilayah/:code: the dashboard of a province (12) or a kabupaten/kota (12.11).

import { h, fill, notice, pageHeader } from "../dom.js";

export default async function render(view, context) {
  const { code } = context.params;
  if (/^\d{2}$/.test(code)) return (await import("./province.js")).default(view, context);
  if (/^\d{2}\.\d{2}$/.test(code)) return (await import("./district.js")).default(view, context);
  fill(view, pageHeader("Wilayah tidak dikenal"), notice("error", "Kode wilayah harus seperti 12 atau 12.11."), h("a", { href: "/console/" }, "Kembali ke beranda"));
  return undefined;
}
