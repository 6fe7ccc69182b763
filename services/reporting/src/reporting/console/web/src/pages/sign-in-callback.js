// /console/masuk/kembali: where the OIDC issuer sends the browser back with a code.

import { saveSession } from "../api.js";
import { h, fill, notice } from "../dom.js";
import { consoleConfig, finishSignIn } from "../oidc.js";
import { homeOf } from "./sign-in.js";

export default async function render(view, { query, navigate }) {
  const config = await consoleConfig();
  try {
    if (config.sign_in !== "oidc") throw new Error("Masuk melalui penyedia identitas tidak diatur di sini.");
    const { session, returnTo } = await finishSignIn(config.oidc, query);
    saveSession(session);
    navigate(returnTo || homeOf(session.principal), { replace: true });
  } catch (error) {
    fill(
      view,
      h("h1", { tabindex: "-1" }, "Masuk gagal"),
      notice("error", error.message),
      h("p", {}, h("a", { href: "/console/masuk" }, "Coba masuk lagi")),
    );
  }
}
