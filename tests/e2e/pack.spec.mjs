// The scrutiny and corporate parenting pack as a page (/members/pack): an elected member opens
// it from the navigation, sees the summary, the questions and the tables, small counts shown as
// the suppression mark and explained, chooses another audience, and axe-core finds no WCAG 2.2
// AA violation. Roles without aggregates.read are refused.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  axeViolations,
  clickToNewPage,
  describeViolations,
  problems,
  screenshot,
  scrollsSideways,
  startCairn,
  viewports,
} from "./support.mjs";

let cairn;
before(async () => {
  cairn = await startCairn();
});
after(async () => {
  await cairn?.stop();
});

test("an elected member reads the pack, with small counts suppressed", async () => {
  const page = await cairn.pageAs("elected-member");
  try {
    await clickToNewPage(page, "nav.site-nav >> text=Members' pack");
    assert.equal(new URL(page.url()).pathname, "/members/pack");
    assert.equal(await page.locator("main h1").count(), 1, "one heading");
    assert.match(await page.locator("[data-testid=pack-title]").innerText(), /scrutiny pack/);
    for (const heading of [
      "Summary",
      "Management figures, this period and the previous one",
      "National indicators beside England, the region and the statistical neighbours",
      "Timeliness by rule",
      "Drift and delay",
      "Children by team",
      "Children looked after and care leavers",
      "Workforce",
    ]) {
      assert.equal(await page.locator("main h2", { hasText: heading }).count(), 1, `section ${heading}`);
    }
    assert.ok((await page.locator("[data-testid=pack-questions] li").count()) > 0, "questions members may ask");
    // A council of 5,000 children has small counts: each shows as the mark, and the footnote says why.
    const marks = page.locator(".pack-withheld");
    assert.ok((await marks.count()) > 0, "some counts are suppressed");
    for (const text of await marks.allInnerTexts()) assert.equal(text.trim(), "[c]");
    assert.match(await page.locator(".pack-footer").innerText(), /\[c\]: fewer than 5/);
    // Nothing but counts: no link to a child anywhere in the pack.
    assert.equal(await page.locator("[data-testid=pack] a[href*='/children/']").count(), 0);
    assert.ok((await page.locator("svg.pack-spark").count()) > 0, "charts drawn inline");

    for (const viewport of ["desktop", "phone"]) {
      await page.setViewportSize(viewports[viewport]);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${viewport}:\n${describeViolations(violations)}`);
      if (viewport === "phone") assert.equal(await scrollsSideways(page), false, "scrolls sideways on a phone");
    }
    await page.setViewportSize(viewports.desktop);
    await screenshot(page, "pack-elected-member-scrutiny");

    // Another audience, through the form: children looked after come first.
    await page.selectOption("#audience", "corporate-parenting");
    await clickToNewPage(page, "[data-testid=pack-form] button[type=submit]");
    assert.match(await page.locator("[data-testid=pack-title]").innerText(), /Corporate parenting pack/);
    const sections = await page.locator("section.pack-section h2").allInnerTexts();
    assert.equal(sections[1], "Children looked after and care leavers");
    await screenshot(page, "pack-elected-member-corporate-parenting");
    assert.deepEqual(problems(page), [], "console errors or CSP violations");
  } finally {
    await page.context().close();
  }
});

test("a bad period is refused and a practitioner may not open the pack", async () => {
  const member = await cairn.pageAs("elected-member");
  try {
    const response = await member.goto("/members/pack?from=2025-03-31&to=2024-04-01");
    assert.equal(response.status(), 400);
  } finally {
    await member.context().close();
  }
  const practitioner = await cairn.pageAs("practitioner");
  try {
    const response = await practitioner.goto("/members/pack");
    assert.equal(response.status(), 403);
  } finally {
    await practitioner.context().close();
  }
});
