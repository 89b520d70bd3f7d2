// The DfE return checks (/validation): an analyst follows the link, sees the rules the record
// breaks for the latest complete year, drills into one, reaches a child it names and finds the
// rule among the child's own return checks; the rule's places download as CSV; axe-core finds no
// WCAG 2.2 AA violation on either page; a social worker has no link and is refused the page.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, clickToNewPage, describeViolations, problems, screenshot, scrollsSideways, startCairn, viewports } from "./support.mjs";

let cairn;
before(async () => {
  cairn = await startCairn();
});
after(async () => {
  await cairn?.stop();
});

async function checkAccessibility(page, name) {
  for (const viewport of ["desktop", "phone"]) {
    await page.setViewportSize(viewports[viewport]);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${name}, ${viewport}:\n${describeViolations(violations)}`);
    if (viewport === "phone") assert.equal(await scrollsSideways(page), false, `${name} fits a phone`);
  }
  await page.setViewportSize(viewports.desktop);
}

test("an analyst sees the rules broken, drills into one and reaches the child", async () => {
  const page = await cairn.pageAs("analyst");
  try {
    const link = page.locator("nav.site-nav a", { hasText: "DfE return checks" });
    assert.equal(await link.count(), 1, "the checks are in the navigation");
    await clickToNewPage(page, link);
    assert.equal(new URL(page.url()).pathname, "/validation");
    const heading = await page.locator("[data-testid=validation-heading]").innerText();
    // The e2e council stands on 31 March 2025: the year then complete is 2024/25.
    assert.match(heading, /DfE return checks, 2024\/25/);
    assert.match(await page.locator("main").innerText(), /not yet checked/);
    const rules = page.locator("[data-testid=rules-table] tbody tr");
    assert.ok((await rules.count()) > 0, "the simulated council breaks some rule");
    await checkAccessibility(page, "summary");
    await screenshot(page, "validation-summary");

    // The JSON holds the same rules.
    const api = JSON.parse(await (await page.request.get("/api/v1/validation")).text());
    assert.equal(api.tables.rules.length, await rules.count());

    // The rule naming the fewest children (but some), so that the page stays short for axe-core.
    let best = null;
    for (const row of api.tables.rules) if (row.children > 0 && (!best || row.children < best.children)) best = row;
    assert.ok(best, "some rule names a child");
    const ruleLink = page.locator(`[data-testid=rules-table] a`, { hasText: new RegExp(`^${best.code}$`) }).first();
    await clickToNewPage(page, ruleLink);
    assert.equal(new URL(page.url()).pathname, `/validation/rule/${best.code}`);
    assert.match(await page.locator("[data-testid=validation-rule-heading]").innerText(), new RegExp(`Rule ${best.code}`));
    const places = page.locator("[data-testid=places-table] tbody tr");
    assert.ok((await places.count()) > 0);
    await checkAccessibility(page, "rule");
    await screenshot(page, "validation-rule");

    const download = await page.request.get(`${new URL(page.url()).pathname}${new URL(page.url()).search}&format=csv`);
    assert.equal(download.status(), 200);
    assert.match(download.headers()["content-type"], /^text\/csv/);
    assert.match((await download.text()).split("\n")[0], /LA child id/);

    // To the child, where the same rule is among the child's own checks.
    await clickToNewPage(page, page.locator("[data-testid=places-table] [data-testid=child-link]").first());
    assert.match(new URL(page.url()).pathname, /^\/children\/[^/]+$/);
    assert.equal(new URL(page.url()).hash, "#return-checks");
    const checks = page.locator("[data-testid=return-checks]");
    assert.match(await checks.locator("h2").innerText(), /DfE return checks/);
    const codes = await checks.locator("[data-testid=return-checks-table] tbody tr td:first-child").allInnerTexts();
    assert.ok(codes.map((code) => code.trim()).includes(best.code), `rule ${best.code} is among ${codes.join(", ")}`);
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
  }
});

test("a social worker has no link to the council's checks and is refused them", async () => {
  const page = await cairn.pageAs("practitioner");
  try {
    assert.equal(await page.locator("nav.site-nav a", { hasText: "DfE return checks" }).count(), 0);
    assert.equal((await page.request.get("/validation")).status(), 403);
    assert.equal((await page.request.get("/validation/rule/101")).status(), 403);
  } finally {
    await page.context().close();
  }
});
