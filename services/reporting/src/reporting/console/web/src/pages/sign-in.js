// /console/masuk: the dev sign-in of the embedded stack (pick a role and its scope), or the
// button that leaves for the OIDC issuer.

import { ApiError, saveSession } from "../api.js";
import { h, fill, notice } from "../dom.js";
import { ROLE_NAMES } from "../format.js";
import { consoleConfig, startSignIn } from "../oidc.js";

export function homeOf(principal) {
  const roles = principal.roles;
  if (roles.includes("province_staff") && principal.province) return `/wilayah/${principal.province}`;
  if (roles.includes("district_staff") && principal.kabkota) return `/wilayah/${principal.kabkota}`;
  if (roles.includes("national_admin")) return "/";
  return "/kotak-masuk";
}

function returnPath(query) {
  const back = query.get("kembali") || "";
  // Only console paths: an open redirect would hand the session's page to anyone's link.
  return back.startsWith("/console/") && !back.startsWith("/console/masuk") ? back : null;
}

export default async function render(view, { query, navigate }) {
  const config = await consoleConfig();
  const back = returnPath(query);
  const card = h("section", { class: "card sign-in", "aria-labelledby": "sign-in-title" });
  fill(view, card);
  if (config.sign_in === "oidc") {
    const button = h("button", { type: "button" }, "Masuk dengan akun SSO");
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await startSignIn(config.oidc, back);
      } catch (error) {
        button.disabled = false;
        card.append(notice("error", error.message));
      }
    });
    fill(
      card,
      h("h1", { id: "sign-in-title", tabindex: "-1" }, "Masuk ke Konsol Kombel"),
      h("p", {}, "Gunakan akun kantor Anda di penyedia identitas."),
      button,
    );
    return;
  }
  const message = h("div", { "aria-live": "polite" });
  const role = h(
    "select",
    { id: "role", name: "role", required: true },
    Object.entries(ROLE_NAMES).map(([value, label]) => h("option", { value }, label)),
  );
  role.value = "province_staff";
  const field = (id, label, hint, attributes = {}) =>
    h(
      "div",
      { class: "field", id: `${id}-field` },
      h("label", { for: id }, label),
      hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null,
      h("input", { id, name: id, autocomplete: "off", "aria-describedby": hint ? `${id}-hint` : null, ...attributes }),
    );
  const form = h(
    "form",
    { novalidate: true },
    h("div", { class: "field" }, h("label", { for: "role" }, "Peran"), role),
    field("province", "Kode provinsi", "Dua angka, mis. 12", { inputmode: "numeric", pattern: "\\d{2}" }),
    field("kabkota", "Kode kabupaten/kota", "Mis. 12.11", { pattern: "\\d{2}\\.\\d{2}" }),
    field("person", "ID orang (PTK)", "Untuk guru yang masuk sendiri; boleh kosong"),
    field("community", "ID komunitas", "Untuk pengurus komunitas; boleh kosong"),
    field("name", "Nama tampilan", "Boleh kosong", { autocomplete: "name" }),
    message,
    h("button", { type: "submit" }, "Masuk"),
  );
  const scopeFields = () => {
    const chosen = role.value;
    form.querySelector("#province-field").hidden = chosen !== "province_staff";
    form.querySelector("#kabkota-field").hidden = chosen !== "district_staff" && chosen !== "principal";
    form.querySelector("#person-field").hidden = chosen === "national_admin" || chosen === "province_staff" || chosen === "district_staff";
    form.querySelector("#community-field").hidden = chosen !== "community_lead" && chosen !== "member";
  };
  role.addEventListener("change", scopeFields);
  scopeFields();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    fill(message);
    const value = (name) => {
      const input = form.elements.namedItem(name);
      return input && !input.closest(".field").hidden && input.value.trim() ? input.value.trim() : null;
    };
    const community = value("community");
    const body = {
      role: role.value,
      province: value("province"),
      kabkota: value("kabkota"),
      person: value("person"),
      communities: community ? [community] : [],
      name: value("name"),
    };
    try {
      const response = await fetch("/console/dev/token", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      if (!response.ok) {
        const error = answer.error || {};
        throw new ApiError(response.status, error.code, error.message || "Masuk gagal.", error.details);
      }
      saveSession(answer);
      navigate(back || homeOf(answer.principal), { replace: true });
    } catch (error) {
      const details = error instanceof ApiError ? error.details.map((d) => d.field && `${d.field}: ${d.message}`).filter(Boolean) : [];
      fill(message, notice("error", [error.message, ...details].join(" ")));
    }
  });
  fill(
    card,
    h("h1", { id: "sign-in-title", tabindex: "-1" }, "Masuk (mode pengembangan)"),
    h("p", { class: "subtitle" }, "Pilih peran dan wilayah. Hanya tersedia di platform tertanam, tidak di produksi."),
    form,
  );
}
