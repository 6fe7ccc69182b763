// /console/kegiatan: find the community whose activity is being logged;
// /console/komunitas/:community/kegiatan/baru: log it from a phone, with its photos.

import { api } from "../api.js";
import { fill, h, notice, pageHeader } from "../dom.js";
import { showActivityForm } from "./activity-form.js";

export default async function render(view, context) {
  if (context.params.community) return showActivityForm(view, context);
  return showCommunityPicker(view);
}

async function showCommunityPicker(view) {
  const search = h("input", { id: "community-search", name: "q", type: "search", autocomplete: "off", "aria-describedby": "community-search-hint" });
  const results = h("ul", { class: "list-plain", id: "community-results" });
  const status = h("div", { role: "status" });
  const form = h(
    "form",
    { class: "card", role: "search" },
    h(
      "div",
      { class: "field" },
      h("label", { for: "community-search" }, "Cari komunitas", h("span", { class: "hint", id: "community-search-hint" }, "Ketik sebagian nama, mis. KKG Gugus 3")),
      search,
    ),
    h("button", { type: "submit" }, "Cari"),
  );
  async function find() {
    try {
      const page = await api("/reporting/communities", { query: { q: search.value.trim(), limit: 20 } });
      fill(
        results,
        page.items.map((community) =>
          h(
            "li",
            { class: "inbox-item" },
            h("div", {}, h("h3", {}, community.name), h("p", { class: "hint" }, `${community.forum_type} · ${community.kabkota_code}`)),
            h("a", { class: "button", href: `/console/komunitas/${community.community_id}/kegiatan/baru` }, "Catat kegiatan"),
          ),
        ),
      );
      fill(status, page.total === 0 ? notice("info", "Tidak ada komunitas yang cocok di wilayah Anda.") : null);
    } catch (error) {
      fill(status, notice("error", error.message));
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    find();
  });
  fill(view, pageHeader("Catat kegiatan", "Pilih komunitasnya, lalu catat kegiatan beserta fotonya."), form, status, results);
  await find();
}
