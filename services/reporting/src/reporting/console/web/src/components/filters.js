// The filters every summary table takes: kind, forum type and jenjang, kept in the URL.

import { h } from "../dom.js";

export const KINDS = { dalam_sekolah: "Dalam sekolah", antar_sekolah: "Antarsekolah", daring: "Daring" };
export const FORUM_TYPES = {
  KKG: "KKG",
  MGMP: "MGMP",
  MGBK: "MGBK",
  KKS: "KKS",
  MKKS: "MKKS",
  MKPS: "MKPS",
  PKG: "PKG",
  gugus_paud: "Gugus PAUD",
  organik: "Organik",
  lainnya: "Lainnya",
};
export const JENJANG = ["PAUD", "TK", "SD", "SMP", "SMA", "SMK", "SLB"];

export function filterValues(query) {
  return { kind: query.get("kind") || "", forum_type: query.get("forum_type") || "", jenjang: query.get("jenjang") || "" };
}

/** A form of the three filters; `onChange(values)` gets the chosen ones. */
export function filterForm(values, onChange) {
  const select = (id, label, options, value) =>
    h(
      "div",
      { class: "field" },
      h("label", { for: `filter-${id}` }, label),
      h(
        "select",
        { id: `filter-${id}`, name: id },
        h("option", { value: "" }, "Semua"),
        Object.entries(options).map(([key, text]) => h("option", { value: key, selected: key === value }, text)),
      ),
    );
  const form = h(
    "form",
    { class: "form-row filters", "aria-label": "Saring komunitas" },
    select("kind", "Jenis komunitas", KINDS, values.kind),
    select("forum_type", "Jenis forum", FORUM_TYPES, values.forum_type),
    select("jenjang", "Jenjang", Object.fromEntries(JENJANG.map((j) => [j, j])), values.jenjang),
  );
  form.addEventListener("change", () => {
    const data = new FormData(form);
    onChange({ kind: data.get("kind"), forum_type: data.get("forum_type"), jenjang: data.get("jenjang") });
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  // Folded on a phone unless a filter is chosen: the figures come first on a small screen.
  const chosen = Object.values(values).filter(Boolean).length;
  const open = chosen > 0 || matchMedia("(min-width: 761px)").matches;
  return h(
    "details",
    { class: "card filter-panel", open },
    h("summary", {}, chosen ? `Saring komunitas (${chosen} dipilih)` : "Saring komunitas"),
    form,
  );
}

/** The current path with the filters in its query. */
export function withFilters(path, values) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
