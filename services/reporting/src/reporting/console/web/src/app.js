// The console's shell: header, navigation and the router that draws each page into <main>.

import { clearSession, session, signIn } from "./api.js";
import { h, fill, notice, loading } from "./dom.js";
import { ROLE_NAMES } from "./format.js";
import { NAVIGATION, match } from "./routes.js";

const BASE = "/console";
const view = document.getElementById("view");
const navigation = document.getElementById("navigation");
const account = document.getElementById("account");
const menuButton = document.getElementById("menu-button");
let leave = null;

/** Go to a console path ("/wilayah/12") without reloading the page. */
export function navigate(path, { replace = false } = {}) {
  const url = path.startsWith(BASE) ? path : BASE + path;
  history[replace ? "replaceState" : "pushState"]({}, "", url);
  render();
}

function consolePath() {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : "/";
  return path || "/";
}

function isDashboard(path) {
  return path === "/" || path.startsWith("/wilayah/") || (path.startsWith("/komunitas/") && !path.includes("/kegiatan"));
}

function drawNavigation() {
  const signedIn = session();
  const path = consolePath();
  const items = signedIn
    ? NAVIGATION.filter((item) => item.roles.some((role) => signedIn.principal.roles.includes(role)))
    : [];
  fill(
    navigation,
    h(
      "ul",
      {},
      items.map((item) => {
        const active = item.href === "/" ? isDashboard(path) : path.startsWith(item.href);
        return h(
          "li",
          {},
          h(
            "a",
            {
              href: BASE + item.href,
              "aria-current": active ? "page" : null,
              "data-document": item.document ? "" : null,
            },
            item.label,
          ),
        );
      }),
    ),
  );
  if (!signedIn) {
    fill(account);
    return;
  }
  const { principal } = signedIn;
  const scope = principal.kabkota || principal.province || "";
  fill(
    account,
    h(
      "span",
      { class: "account-name" },
      principal.name || "Pengguna",
      h("small", {}, [ROLE_NAMES[principal.roles[0]] || principal.roles[0], scope].filter(Boolean).join(" · ")),
    ),
    h(
      "button",
      {
        type: "button",
        class: "button-quiet",
        onclick: () => {
          clearSession();
          location.assign(`${BASE}/masuk`);
        },
      },
      "Keluar",
    ),
  );
  menuButton.hidden = items.length === 0;
}

async function render() {
  if (leave) {
    try {
      leave();
    } catch {
      // A page that fails to clean up must not stop the next one.
    }
    leave = null;
  }
  closeMenu();
  const found = match(consolePath());
  document.body.classList.toggle("bare", !!(found && found.route.bare));
  if (!found) {
    drawNavigation();
    document.title = "Tidak ditemukan · Konsol Kombel";
    fill(view, h("h1", { tabindex: "-1" }, "Halaman tidak ditemukan"), notice("info", "Alamat ini tidak ada di konsol."), h("p", {}, h("a", { href: `${BASE}/` }, "Kembali ke beranda")));
    return;
  }
  const { route, params } = found;
  if (!route.public && !session()) {
    signIn();
    return;
  }
  drawNavigation();
  document.title = `${route.title} · Konsol Kombel`;
  fill(view, loading());
  const context = {
    params,
    query: new URLSearchParams(location.search),
    session: session(),
    navigate,
    setTitle: (text) => {
      document.title = `${text} · Konsol Kombel`;
    },
  };
  let page;
  try {
    page = await import(route.module);
  } catch {
    fill(view, h("h1", { tabindex: "-1" }, route.title), notice("info", "Halaman ini belum tersedia."));
    return;
  }
  try {
    const cleanup = await page.default(view, context);
    if (typeof cleanup === "function") leave = cleanup;
  } catch (error) {
    fill(view, h("h1", { tabindex: "-1" }, route.title), notice("error", error.message || "Terjadi kesalahan. Muat ulang halaman."));
  }
  // Keyboard and screen-reader users land on the new page's heading.
  const heading = view.querySelector("h1");
  if (heading && document.activeElement && !view.contains(document.activeElement)) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

function closeMenu() {
  document.body.classList.remove("menu-open");
  menuButton.setAttribute("aria-expanded", "false");
}

menuButton.addEventListener("click", () => {
  const open = !document.body.classList.contains("menu-open");
  document.body.classList.toggle("menu-open", open);
  menuButton.setAttribute("aria-expanded", String(open));
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.body.classList.contains("menu-open")) {
    closeMenu();
    menuButton.focus();
  }
});

// Links inside the console are followed without a reload; others (and ones marked as a
// document of their own) load normally.
document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest("a[href]");
  if (!link || link.target || link.hasAttribute("download") || link.hasAttribute("data-document")) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !(url.pathname === BASE || url.pathname.startsWith(BASE + "/"))) return;
  if (!match(url.pathname.slice(BASE.length) || "/")) return;
  event.preventDefault();
  history.pushState({}, "", url.pathname + url.search + url.hash);
  render();
});

window.addEventListener("popstate", render);
render();
