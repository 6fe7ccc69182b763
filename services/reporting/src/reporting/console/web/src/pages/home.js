// /console/: the signed-in person's starting page; staff go to the dashboard of their region.

import { h, fill, pageHeader } from "../dom.js";
import { homeOf } from "./sign-in.js";

export default async function render(view, { session, navigate }) {
  const home = homeOf(session.principal);
  if (home !== "/") {
    navigate(home, { replace: true });
    return;
  }
  const code = h("input", { id: "region-code", name: "code", required: true, pattern: "\\d{2}(\\.\\d{2})?", inputmode: "decimal", "aria-describedby": "region-code-hint" });
  const form = h(
    "form",
    { class: "card" },
    h("div", { class: "field" }, h("label", { for: "region-code" }, "Kode provinsi atau kabupaten/kota"), h("span", { class: "hint", id: "region-code-hint" }, "Mis. 12 (Sumatera Utara) atau 12.11"), code),
    h("button", { type: "submit" }, "Buka dasbor"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (code.checkValidity()) navigate(`/wilayah/${code.value.trim()}`);
    else code.reportValidity();
  });
  fill(view, pageHeader("Dasbor nasional", "Pilih wilayah yang ingin dilihat."), form);
}
