// /console/kotak-masuk: the signed-in person's in-app messages, read and marked read, with new
// ones arriving live over server-sent events.

import { api, stream } from "../api.js";
import { h, fill, notice, pageHeader } from "../dom.js";
import { formatDateTime, formatNumber } from "../format.js";

export default async function render(view, { session }) {
  if (!session.principal.person) {
    fill(view, pageHeader("Kotak masuk"), notice("info", "Kotak masuk hanya untuk akun yang terhubung dengan data PTK. Akun Anda tidak memiliki data PTK."));
    return undefined;
  }
  const list = h("ul", { class: "list-plain", id: "inbox-list", "aria-label": "Pesan" });
  const unread = h("span", { id: "unread-count" });
  const live = h("p", { class: "hint", "aria-live": "polite" });
  const markAll = h("button", { type: "button", class: "button-quiet" }, "Tandai semua sudah dibaca");
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, "Muat lebih banyak");
  const items = new Map();
  let next = null;

  const setUnread = (count) => {
    fill(unread, count ? `${formatNumber(count)} belum dibaca` : "Semua sudah dibaca");
    markAll.disabled = !count;
  };

  const itemView = (message) => {
    const read = h("button", { type: "button", class: "button-quiet", hidden: !!message.read_at }, "Tandai sudah dibaca");
    const title = message.subject || "Pesan";
    const element = h(
      "li",
      { class: `inbox-item${message.read_at ? "" : " unread"}`, "data-id": message.id },
      h("div", {}, h("h3", {}, title, message.read_at ? null : h("span", { class: "badge badge-ok", style: { marginLeft: "0.5rem" } }, "Baru")), h("p", {}, message.body || ""), h("p", { class: "hint" }, formatDateTime(message.received_at))),
      read,
    );
    read.setAttribute("aria-label", `Tandai sudah dibaca: ${title}`);
    read.addEventListener("click", async () => {
      read.disabled = true;
      try {
        const updated = await api(`/notifications/inbox/${message.id}/read`, { method: "POST" });
        replace(updated);
        const page = await api("/notifications/inbox", { query: { limit: 1 } });
        setUnread(page.unread);
      } catch (error) {
        read.disabled = false;
        live.replaceChildren(error.message);
      }
    });
    return element;
  };

  const replace = (message) => {
    const fresh = itemView(message);
    const old = items.get(message.id);
    items.set(message.id, fresh);
    if (old) old.replaceWith(fresh);
    return fresh;
  };

  const load = async () => {
    const page = await api("/notifications/inbox", { query: { limit: 20, cursor: next } });
    for (const message of page.items) if (!items.has(message.id)) list.append(replace(message));
    next = page.next;
    more.hidden = !next;
    setUnread(page.unread);
    if (!items.size) list.replaceChildren(h("li", { class: "empty" }, "Belum ada pesan."));
  };

  markAll.addEventListener("click", async () => {
    markAll.disabled = true;
    try {
      await api("/notifications/inbox/read-all", { method: "POST" });
      items.clear();
      list.replaceChildren();
      next = null;
      await load();
    } catch (error) {
      live.replaceChildren(error.message);
      markAll.disabled = false;
    }
  });
  more.addEventListener("click", load);

  fill(view, pageHeader("Kotak masuk", null, markAll), h("p", {}, unread), live, list, more);
  await load();

  const stop = stream("/notifications/inbox/stream", ({ event, data }) => {
    const body = JSON.parse(data);
    if (event === "unread") setUnread(body.unread);
    if (event === "message" && !items.has(body.id)) {
      const empty = list.querySelector(".empty");
      if (empty) empty.remove();
      list.prepend(replace(body));
      live.replaceChildren(`Pesan baru: ${body.subject || "Pesan"}`);
    }
  });
  return stop;
}
