// A table of rows with typed columns, a caption, an optional totals row, and headers a
// screen reader announces with each cell.
//
// columns: [{key, label, kind: "text" | "number" | "share" | "date" | "badge", render(row)}]

import { h } from "../dom.js";
import { formatDate, formatNumber, formatShare } from "../format.js";

export function cellText(column, row) {
  const value = row[column.key];
  switch (column.kind) {
    case "number":
      return formatNumber(value);
    case "share":
      return formatShare(value);
    case "date":
      return formatDate(value);
    default:
      return value === null || value === undefined || value === "" ? "–" : String(value);
  }
}

function cell(column, row, tag = "td") {
  const numeric = column.kind === "number" || column.kind === "share";
  const content = column.render ? column.render(row) : cellText(column, row);
  return h(tag, { class: numeric ? "number" : null, "data-key": column.key, scope: tag === "th" ? "row" : null }, content);
}

export function dataTable({ caption, columns, rows, totals, totalsLabel = "Jumlah", empty = "Belum ada data.", id }) {
  const head = h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.kind === "number" || c.kind === "share" ? "number" : null }, c.label))));
  const body = h(
    "tbody",
    {},
    rows.length
      ? rows.map((row) => h("tr", {}, columns.map((column, index) => cell(column, row, index === 0 ? "th" : "td"))))
      : h("tr", {}, h("td", { colspan: columns.length }, empty)),
  );
  const foot = totals
    ? h(
        "tfoot",
        {},
        h(
          "tr",
          {},
          columns.map((column, index) =>
            index === 0 ? h("th", { scope: "row" }, totalsLabel) : totals[column.key] === undefined ? h("td") : cell({ ...column, render: null }, totals),
          ),
        ),
      )
    : null;
  return h("div", { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" }, h("table", { id }, h("caption", {}, caption), head, body, foot));
}
