// "Unduh CSV" and "Unduh XLSX" for a table the API also answers as a file (`?format=`).

import { download } from "../api.js";
import { h, notice } from "../dom.js";

export function downloadButtons(path, basename, query = {}) {
  const status = h("span", { "aria-live": "polite" });
  const button = (format, label) =>
    h(
      "button",
      {
        type: "button",
        class: "button-quiet",
        "data-format": format,
        onclick: async (event) => {
          const target = event.currentTarget;
          target.disabled = true;
          status.replaceChildren();
          try {
            await download(path, `${basename}.${format}`, { ...query, format });
          } catch (error) {
            status.replaceChildren(notice("error", error.message));
          } finally {
            target.disabled = false;
          }
        },
      },
      label,
    );
  return h("div", { class: "page-actions downloads" }, button("csv", "Unduh CSV"), button("xlsx", "Unduh XLSX"), status);
}
