// The regional analyst (issue 16): on the region's server (`cairn serve` on a region's PostgreSQL
// URL without a council), every council's indicators side by side and the pooled, pseudonymised
// extract as a download, holding no council's identifier. A region needs PostgreSQL: scripts/e2e
// makes one of two small councils (CAIRN_E2E_REGION_DB) with CAIRN_E2E_BACKEND=postgresql and runs
// this spec only then; without one it fails rather than pass unseen.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { axeViolations, describeViolations, password, problems, screenshot, signIn, startCairn } from "./support.mjs";

const region = process.env.CAIRN_E2E_REGION_DB;
let cairn;
before(async () => {
  assert.ok(region, "a region needs PostgreSQL: run this spec through `make e2e-postgres-only`");
  cairn = await startCairn({ db: region });
});
after(async () => {
  await cairn?.stop();
});

test(
  "a regional analyst sees every council side by side and downloads the pooled extract",
  async () => {
    const page = await cairn.newPage();
    try {
      await signIn(page, "e2e-regional-analyst", password);
      assert.equal(new URL(page.url()).pathname, "/");
      await page.locator("[data-testid=region-heading]").waitFor();
      const table = page.locator("[data-testid=region-indicators-table]");
      for (const council of ["340", "341"]) {
        assert.equal(await table.getByRole("columnheader", { name: `Council ${council}` }).count(), 1, council);
      }
      assert.match(await page.locator("main").innerText(), /no names/);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], describeViolations(violations));
      await screenshot(page, "region");

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("[data-testid=region-extract-download]"),
      ]);
      assert.match(download.suggestedFilename(), /^region-children-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = readFileSync(await download.path(), "utf8").trim().split("\n");
      assert.ok(lines[0].startsWith("pseudonym,council,"), lines[0]);
      assert.ok(lines.length > 100, `${lines.length} lines`);
      const councils = new Set(lines.slice(1).map((line) => line.split(",")[1]));
      assert.deepEqual([...councils].sort(), ["340", "341"]);
      // The simulated councils' LA child ids are S and nine digits: none is in the file.
      assert.equal(lines.filter((line) => /S\d{9}/.test(line)).length, 0);
      assert.deepEqual(problems(page), []);

      // A council's pages are not served here.
      const refused = await page.goto("/service");
      assert.equal(refused.status(), 404);
      assert.match(await page.locator("main").innerText(), /region's server/);
    } finally {
      await page.context().close();
    }
  },
);
