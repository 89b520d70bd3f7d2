// The pages people work from, in a real browser: time travel (a child's page as at two dates
// differs by a known event), drill-down from the director's home to a child, the keyboard alone,
// htmx, comparisons with England, downloads that hold the page's rows (the Excel file read back),
// and the numbers on the pages equal to what `cairn due`, `cairn drift` and `cairn indicators` say
// for the same date. Each page as each role: pages-frontline and pages-council (by-role.mjs).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { clickToNewPage, problems, screenshot, startCairn, unzip } from "./support.mjs";

let cairn;
before(async () => {
  cairn = await startCairn();
});
after(async () => {
  await cairn?.stop();
});

async function getJSON(page, path) {
  const response = await page.request.get(path);
  assert.equal(response.status(), 200, `GET ${path}`);
  return JSON.parse(await response.text());
}

test("the child's timeline is drawn, with a text alternative and the deadlines beside it", async () => {
  const page = await cairn.pageAs("practitioner");
  try {
    await clickToNewPage(page, page.locator("[data-testid=children-table] [data-testid=child-link]").first());
    const chart = page.locator("[data-testid=timeline] svg[role=img]");
    await chart.waitFor();
    assert.equal(await chart.getAttribute("aria-label"), "The child's journey");
    assert.match(await chart.getAttribute("aria-description"), /statutory deadlines/);
    assert.ok((await page.locator("[data-testid=timeline] svg rect").count()) > 0, "the journey has bars");
    assert.ok(await page.locator("[data-testid=timeline-key]").isVisible());
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
  }
});

test("the same child's page as at two dates shows the difference an event makes", async () => {
  const page = await cairn.pageAs("director");
  try {
    // A child with an event recorded between two dates in the record.
    const { children } = await getJSON(page, "/api/v1/home");
    let found;
    for (const child of children.slice(0, 40)) {
      const record = await getJSON(page, `/api/v1/children/${encodeURIComponent(child.id)}`);
      const event = record.chronology.find((e) => e.start > "2024-06-30" && e.start <= "2025-03-31");
      if (event) {
        found = { id: child.id, event };
        break;
      }
    }
    assert.ok(found, "a child with an event after 2024-06-30");
    const path = `/children/${encodeURIComponent(found.id)}`;
    const later = await getJSON(page, `/api${"/v1"}${path}`);
    const earlier = await getJSON(page, `/api/v1${path}?as-at=2024-06-30`);
    assert.equal(earlier.as_at, "2024-06-30");
    assert.ok(
      !earlier.chronology.some((e) => e.kind === found.event.kind && e.start === found.event.start),
      "the event is not in the record as it stood before it",
    );
    assert.ok(later.chronology.length > earlier.chronology.length);
    // In the browser: the banner says so, and the chronology table is shorter by the event.
    await page.goto(`${path}?as-at=2024-06-30`);
    assert.ok(await page.locator("[data-testid=as-at-banner]").isVisible());
    const rowsThen = await page.locator("[data-testid=chronology-table] tbody tr").count();
    await page.goto(path);
    assert.equal(await page.locator("[data-testid=as-at-banner]").count(), 0);
    const rowsNow = await page.locator("[data-testid=chronology-table] tbody tr").count();
    assert.equal(rowsNow - rowsThen, later.chronology.length - earlier.chronology.length);
    // The footer's date chooser takes the page to another date.
    await page.fill("#as-at", "2024-06-30");
    await Promise.all([page.waitForNavigation(), page.click("[data-testid=as-at-form] button")]);
    assert.match(page.url(), /as-at=2024-06-30/);
    await screenshot(page, "child-as-at");
  } finally {
    await page.context().close();
  }
});

test("the director drills down from the council to a team, a worker and a child", async () => {
  const page = await cairn.pageAs("director");
  try {
    const click = async (locator) => {
      const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), locator.click()]);
      assert.equal(response.status(), 200, `GET ${page.url()}`);
    };
    assert.equal(await page.locator("h1[data-testid=home-council]").count(), 1);
    // The team with the most open cases (sorted by the heading's button).
    await page.locator("[data-testid=teams-table] th", { hasText: "Open cases" }).locator("button").click();
    await page.locator("[data-testid=teams-table] th", { hasText: "Open cases" }).locator("button").click();
    assert.equal(
      await page.locator("[data-testid=teams-table] th", { hasText: "Open cases" }).getAttribute("aria-sort"),
      "descending",
    );
    await click(page.locator("[data-testid=teams-table] [data-testid=team-link]").first());
    assert.equal(await page.locator("h1[data-testid=team-page]").count(), 1);
    // The worker with the most children: the team's list also holds workers with none yet.
    const children = page.locator("[data-testid=workers-table] th").filter({ hasText: /^\s*Children\s*$/ });
    await children.locator("button").click();
    await children.locator("button").click();
    assert.equal(await children.getAttribute("aria-sort"), "descending");
    await click(page.locator("[data-testid=workers-table] [data-testid=worker-link]").first());
    assert.equal(await page.locator("h1[data-testid=worker-page]").count(), 1);
    await click(page.locator("[data-testid=children-table] [data-testid=child-link]").first());
    assert.equal(await page.locator("[data-testid=child-heading]").count(), 1);
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
  }
});

// The files of a zip archive (an .xlsx), by name.
test("the keyboard alone sorts a table, filters it and follows a link", async () => {
  const page = await cairn.pageAs("team-manager");
  try {
    // Tab until the first sortable heading of the workers' table has focus.
    const sortButton = page.locator("[data-testid=workers-table] th button.sort").first();
    await sortButton.waitFor();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i += 1) {
      await page.keyboard.press("Tab");
      reached = await sortButton.evaluate((element) => element === document.activeElement);
    }
    assert.ok(reached, "Tab reaches the first sort button");
    await page.keyboard.press("Enter");
    const heading = page.locator("[data-testid=workers-table] th").first();
    assert.equal(await heading.getAttribute("aria-sort"), "ascending");
    await page.keyboard.press("Enter");
    assert.equal(await heading.getAttribute("aria-sort"), "descending");
    // The filter box is a plain search field: type into it and rows go.
    const rows = page.locator("[data-testid=workers-table] tbody tr");
    const before = await rows.count();
    const firstWorker = (await rows.first().locator("td").first().innerText()).trim();
    await page.locator("#filter-workers-table").focus();
    await page.keyboard.type(firstWorker);
    const shown = await rows.evaluateAll((trs) => trs.filter((tr) => !tr.hidden).length);
    assert.ok(shown >= 1 && shown <= before, `${shown} of ${before} rows after filtering`);
    // Tab on to the first worker's link and open it with Enter.
    const link = page.locator("[data-testid=workers-table] [data-testid=worker-link]").first();
    reached = false;
    for (let i = 0; i < 40 && !reached; i += 1) {
      await page.keyboard.press("Tab");
      reached = await link.evaluate((element) => element === document.activeElement);
    }
    assert.ok(reached, "Tab reaches the worker's link");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.match(new URL(page.url()).pathname, /^\/workers\//);
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
  }
});

test("an elected member compares with the last meeting without leaving the page", async () => {
  const page = await cairn.pageAs("elected-member");
  try {
    await page.evaluate(() => {
      window.cairnStillHere = true;  // a full page load would forget it
    });
    await page.fill("#since", "2024-12-31");
    await Promise.all([
      page.waitForResponse((response) => response.url().includes("since=2024-12-31")),
      page.click("[data-testid=since-form] button"),
    ]);
    await page.locator("[data-testid=moved-table] th", { hasText: "On 2024-12-31" }).waitFor();
    assert.equal(await page.evaluate(() => window.cairnStillHere), true, "htmx swapped the page's main part");
    // htmx pushes the address before it swaps, but the browser reports the new address to the
    // test in a message of its own, which has been seen to arrive after the swapped table.
    await page.waitForURL(/since=2024-12-31/, { timeout: 5000 });
    assert.equal(await page.locator("main#main").count(), 1);
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
  }
});

test("trends stand beside England, the region and the statistical neighbours", async () => {
  const page = await cairn.pageAs("director");
  try {
    const service = await getJSON(page, "/api/v1/service");
    const beside = service.tables["beside-england"];
    assert.ok(beside && beside.length > 0, "the service page has figures beside England");
    const cla = beside.filter((row) => row.measure === "Children looked after per 10,000 children");
    assert.ok(cla.length > 0 && cla.every((row) => typeof row.england === "number"), JSON.stringify(cla));
    // The chart names each comparison where its line ends.
    await page.goto("/service");
    const chart = page.locator("[data-testid=chart-cla-rate] svg[role=img]");
    await chart.waitFor();
    const labels = (await chart.locator("text").allTextContents()).map((label) => label.trim());
    for (const label of ["England", "Region", "Neighbours"]) assert.ok(labels.includes(label), `${label} in ${labels}`);
    // Members see the national indicators with England's figure beside them.
    const members = await getJSON(page, "/api/v1/members");
    assert.ok(members.tables.indicators.some((row) => typeof row.england === "number"));
  } finally {
    await page.context().close();
  }
});

test("CSV and Excel downloads hold the same rows as the page's table", async () => {
  const page = await cairn.pageAs("team-manager", { acceptDownloads: true });
  try {
    const rows = await page
      .locator("[data-testid=workers-table] tbody tr")
      .evaluateAll((trs) => trs.map((tr) => tr.querySelector("td").innerText.trim()));
    assert.ok(rows.length > 0, "the team has workers");
    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=workers-csv]")]);
    const csv = readFileSync(await csvDownload.path(), "utf8").trimEnd().split("\r\n");
    assert.match(csvDownload.suggestedFilename(), /^workers-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.equal(csv.length - 1, rows.length, "one CSV line per row, after the heading");
    const csvWorkers = csv.slice(1).map((line) => line.split(",")[1].replace(/^"|"$/g, ""));
    assert.deepEqual(csvWorkers, rows);

    const [xlsxDownload] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=workers-xlsx]")]);
    const files = unzip(readFileSync(await xlsxDownload.path()));
    const sheet = files.get("xl/worksheets/sheet1.xml");
    assert.ok(sheet, "the workbook has a sheet");
    const sheetRows = sheet.match(/<row /g) || [];
    assert.equal(sheetRows.length - 1, rows.length, "one sheet row per table row, after the heading");
    for (const worker of rows) assert.ok(sheet.includes(worker.replace(/&/g, "&amp;")), `${worker} in the workbook`);
  } finally {
    await page.context().close();
  }
});

test("the numbers on the pages equal cairn due and cairn drift for the same date", async () => {
  const cairnBinary = process.env.CAIRN;
  const db = process.env.CAIRN_E2E_DB;
  const asAt = process.env.CAIRN_E2E_AS_AT;
  const run = (...args) => execFileSync(cairnBinary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const overdue = run("due", "--db", db, "--as-at", asAt, "--live", "--status", "overdue", "--format", "csv")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));
  const overdueChildren = new Set(overdue.map(([child]) => child)).size;
  const drifting = new Set(
    run("drift", "--db", db, "--as-at", asAt, "--format", "json")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).child),
  ).size;
  const years = `${Number(asAt.slice(0, 4)) - 4}-${asAt.slice(0, 4)}`;
  const indicators = run("indicators", "--db", db, "--year", years, "--format", "json")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  const page = await cairn.pageAs("director");
  try {
    const members = await getJSON(page, "/api/v1/members");
    // The national indicators: each year's figure on the members' page is cairn indicators' own.
    let compared = 0;
    for (const row of members.tables.indicators) {
      for (const line of indicators.filter((item) => item.indicator === row.indicator_id)) {
        const shown = row[`y${line.year}`];
        if (typeof shown !== "number") continue;  // suppressed for members, or no value
        assert.ok(line.value !== null, `${row.indicator_id} ${line.year}: the page has a value cairn indicators has not`);
        assert.ok(Math.abs(shown - line.value) < 0.051, `${row.indicator_id} ${line.year}: ${shown} on the page, ${line.value}`);
        compared += 1;
      }
    }
    assert.ok(compared >= 20, `${compared} indicator figures compared`);
    const figure = (label) => members.summary.find((item) => item.label === label)?.value;
    assert.equal(figure("children with a statutory deadline overdue"), String(overdueChildren));
    assert.equal(figure("children with a drift or delay signal"), String(drifting));
    // Overdue by rule: each rule's children, as cairn due counts them.
    const byRule = new Map();
    for (const [child, rule] of overdue) {
      if (!byRule.has(rule)) byRule.set(rule, new Set());
      byRule.get(rule).add(child);
    }
    const rules = members.tables["overdue-by-rule"];
    assert.ok(rules.length > 0, "some deadline is overdue in the test council");
    for (const row of rules) {
      const expected = byRule.get(row.rule_id)?.size || 0;
      if (row.now === "fewer than 5") {
        assert.ok(expected >= 1 && expected <= 4, `${row.rule_id}: fewer than 5 on the page, ${expected} by cairn due`);
      } else {
        assert.equal(row.now, expected, `${row.rule_id}: children overdue on the page and by cairn due`);
      }
    }
    for (const rule of byRule.keys()) {
      assert.ok(rules.some((row) => row.rule_id === rule), `${rule} (overdue by cairn due) is on the page`);
    }
  } finally {
    await page.context().close();
  }
});
