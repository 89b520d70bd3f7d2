// The improvement board (/plan): an elected member and the director open it, see each measure's
// computed RAG as a word (never colour alone), go back in time with the page's as-at date and
// see the board as it stood then; axe-core finds no WCAG 2.2 AA violation. scripts/e2e imports
// docs/examples/improvement-plan.toml into the test council.
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

const ragWords = ["Green", "Amber", "Red", "Not measured"];

async function ragTexts(page, table) {
  const cells = page.locator(`[data-testid=${table}] td .status`);
  return (await cells.allInnerTexts()).map((text) => text.trim());
}

for (const role of ["elected-member", "director"]) {
  test(`${role}: the improvement board shows the computed RAG and travels in time`, async () => {
    const page = await cairn.pageAs(role);
    try {
      const link = page.locator("nav.site-nav a", { hasText: "Improvement board" });
      assert.equal(await link.count(), 1, "the board is in the navigation");
      await clickToNewPage(page, link);
      assert.equal(new URL(page.url()).pathname, "/plan");
      assert.equal(await page.locator("main h1").count(), 1);
      assert.equal(await page.locator("[data-testid=plan-page]").count(), 1);

      const measures = await ragTexts(page, "plan-measures");
      assert.ok(measures.length >= 3, `every measure is rated (${measures.length})`);
      for (const word of measures) assert.ok(ragWords.includes(word), `'${word}' is a RAG word`);
      const actions = await ragTexts(page, "plan-actions");
      assert.ok(actions.length >= 3, "every action is rated");
      const recommendations = page.locator("[data-testid=plan-recommendations] li");
      assert.ok((await recommendations.count()) >= 3);

      // The JSON holds the same rows.
      const api = JSON.parse(await (await page.request.get("/api/v1/plan")).text());
      assert.equal(api.tables["plan-measures"].length, measures.length);
      assert.deepEqual(
        api.tables["plan-measures"].map((row) => row.rag),
        measures,
      );

      for (const viewport of ["desktop", "phone"]) {
        await page.setViewportSize(viewports[viewport]);
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], `${viewport}:\n${describeViolations(violations)}`);
        if (viewport === "phone") assert.equal(await scrollsSideways(page), false, "fits a phone");
      }
      await page.setViewportSize(viewports.desktop);
      await screenshot(page, `plan-${role}`);

      // Time travel: the page's date moves back six months, and the board is worked out again.
      const asAt = process.env.CAIRN_E2E_AS_AT;
      const earlier = `${Number(asAt.slice(0, 4)) - 1}-09-30`;
      await page.fill("#as-at", earlier);
      await clickToNewPage(page, "[data-testid=as-at-form] button[type=submit]");
      assert.equal(new URL(page.url()).searchParams.get("as-at"), earlier);
      assert.equal(await page.locator("[data-testid=as-at-banner]").count(), 1);
      const caption = await page.locator("[data-testid=plan-measures] caption").innerText();
      assert.ok(caption.includes(earlier), `the measures are as at ${earlier}: ${caption}`);
      const then = JSON.parse(await (await page.request.get(`/api/v1/plan?as-at=${earlier}`)).text());
      assert.equal(then.as_at, earlier);
      const measuredNow = api.tables["plan-measures"].map((row) => row.measured);
      const measuredThen = then.tables["plan-measures"].map((row) => row.measured);
      assert.notDeepEqual(measuredThen, measuredNow, "the measured values move with the date");
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], describeViolations(violations));
      assert.deepEqual(problems(page), [], "no console errors or CSP violations");
    } finally {
      await page.context().close();
    }
  });
}
