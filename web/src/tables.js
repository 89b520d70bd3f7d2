// Sorting and filtering of the pages' tables, in the browser, on the rows already on the page.
// Without script the tables are the server's order and every row shows; nothing is lost.
//
//   <table data-sortable> ... <th data-sort="number">  headings become buttons that sort by that
//                                                       column (numbers by the cell's data-value,
//                                                       or its text), again to reverse
//   <input data-filter-table="ID">                      shows only the rows of table #ID whose
//                                                       text holds what is typed
//
// Sorting sets aria-sort on the heading, so a screen reader says how the table is ordered.

function cellValue(row, index, kind) {
  const cell = row.cells[index];
  if (!cell) return kind === "number" ? Number.POSITIVE_INFINITY : "";
  if (kind === "number") {
    const raw = cell.dataset.value ?? cell.innerText.replace(/[^0-9.+-]/g, "");
    const value = Number.parseFloat(raw);
    return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
  }
  return cell.innerText.trim().toLowerCase();
}

function sortBy(table, header, index) {
  const kind = header.dataset.sort;
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const rows = [...body.rows];
  rows.sort((a, b) => {
    const x = cellValue(a, index, kind);
    const y = cellValue(b, index, kind);
    const order = kind === "number" ? x - y : String(x).localeCompare(String(y));
    return ascending ? order : -order;
  });
  body.append(...rows);
}

export function enhanceTables(root) {
  for (const table of root.querySelectorAll("table[data-sortable]")) {
    if (table.dataset.enhanced) continue;
    table.dataset.enhanced = "true";
    const headers = table.tHead ? [...table.tHead.rows[0].cells] : [];
    headers.forEach((header, index) => {
      if (!header.dataset.sort) return;
      const button = table.ownerDocument.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.append(...header.childNodes);
      button.addEventListener("click", () => sortBy(table, header, index));
      header.append(button);
    });
  }
  for (const input of root.querySelectorAll("input[data-filter-table]")) {
    if (input.dataset.enhanced) continue;
    input.dataset.enhanced = "true";
    const table = root.ownerDocument
      ? root.ownerDocument.getElementById(input.dataset.filterTable)
      : document.getElementById(input.dataset.filterTable);
    if (!table) continue;
    const count = (root.ownerDocument || document).createElement("p");
    count.className = "muted filter-count";
    count.setAttribute("aria-live", "polite");
    input.parentElement.append(count);
    input.addEventListener("input", () => {
      const wanted = input.value.trim().toLowerCase();
      let shown = 0;
      const rows = [...table.tBodies[0].rows];
      for (const row of rows) {
        const match = !wanted || row.innerText.toLowerCase().includes(wanted);
        row.hidden = !match;
        if (match) shown += 1;
      }
      count.textContent = wanted ? `${shown} of ${rows.length} rows shown` : "";
    });
  }
}
