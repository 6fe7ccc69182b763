// The console's pages: a path pattern under /console, the module that draws it, its title and
// whether it appears in the navigation (and for which roles).
//
// A page module's default export is `async render(view, context)`: it draws into `view` (the
// <main> element) and may return a function called when the page is left (to close streams).
// context = {params, query, session, navigate(path), setTitle(text)}.

const STAFF = ["national_admin", "province_staff", "district_staff"];
const EVERYONE = [...STAFF, "principal", "community_lead", "member"];

export const ROUTES = [
  { path: "/", module: "./pages/home.js", title: "Beranda", public: false },
  { path: "/masuk", module: "./pages/sign-in.js", title: "Masuk", public: true, bare: true },
  { path: "/masuk/kembali", module: "./pages/sign-in-callback.js", title: "Masuk", public: true, bare: true },
  { path: "/wilayah/:code", module: "./pages/region.js", title: "Dasbor wilayah" },
  { path: "/komunitas/:id", module: "./pages/community.js", title: "Komunitas" },
  // Activity logging with photos (pages/activity*.js).
  { path: "/kegiatan", module: "./pages/activity.js", title: "Catat kegiatan" },
  { path: "/komunitas/:community/kegiatan/baru", module: "./pages/activity.js", title: "Catat kegiatan" },
  { path: "/impor", module: "./pages/imports.js", title: "Impor anggota" },
  // Trainings (bimtek) with the live roll-up (pages/trainings*.js).
  { path: "/pelatihan", module: "./pages/trainings.js", title: "Pelatihan" },
  { path: "/pelatihan/:id", module: "./pages/trainings.js", title: "Pelatihan" },
  { path: "/kotak-masuk", module: "./pages/inbox.js", title: "Kotak masuk" },
];

// The navigation, in order. `href` is under /console; `document: true` is a page with a
// document of its own (the offline check-in), reached by a full page load.
export const NAVIGATION = [
  { href: "/", label: "Dasbor", roles: STAFF },
  { href: "/kegiatan", label: "Kegiatan", roles: EVERYONE },
  { href: "/pelatihan", label: "Pelatihan", roles: EVERYONE },
  { href: "/checkin", label: "Presensi luring", roles: EVERYONE, document: true },
  { href: "/impor", label: "Impor anggota", roles: STAFF },
  { href: "/kotak-masuk", label: "Kotak masuk", roles: EVERYONE },
];

/** The route of a path under /console and its parameters, or null. */
export function match(path) {
  const parts = split(path);
  for (const route of ROUTES) {
    const pattern = split(route.path);
    if (pattern.length !== parts.length) continue;
    const params = {};
    const same = pattern.every((piece, index) => {
      if (piece.startsWith(":")) {
        params[piece.slice(1)] = decodeURIComponent(parts[index]);
        return true;
      }
      return piece === parts[index];
    });
    if (same) return { route, params };
  }
  return null;
}

function split(path) {
  return path.split("/").filter(Boolean);
}
