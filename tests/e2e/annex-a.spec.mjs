// Ofsted's Annex A from the web: an analyst follows the link, the workbook downloads, and its
// lists hold the rows `cairn annex-a` writes for the same date; an elected member has no link.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { problems, startCairn, unzip } from "./support.mjs";

let cairn;
before(async () => {
  cairn = await startCairn();
});
after(async () => {
  await cairn?.stop();
});

// Sheet name -> number of rows after the heading, for every "List N" sheet of a workbook.
function listRows(files) {
  const workbook = files.get("xl/workbook.xml");
  const rels = files.get("xl/_rels/workbook.xml.rels");
  const counts = new Map();
  for (const [, name, id] of workbook.matchAll(/<sheet name="([^"]+)" sheetId="\d+" r:id="([^"]+)"/g)) {
    if (!name.startsWith("List ")) continue;
    const target = rels.match(new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`))[1].replace(/^\/?xl\//, "");
    counts.set(name, (files.get(`xl/${target}`).match(/<row /g) || []).length - 1);
  }
  return counts;
}

test("an analyst downloads Annex A and it holds what cairn annex-a writes for the same date", async () => {
  const page = await cairn.pageAs("analyst", { acceptDownloads: true });
  const folder = mkdtempSync(path.join(os.tmpdir(), "cairn-annex-a-"));
  try {
    const link = page.getByRole("link", { name: "Annex A (Excel)" });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    assert.match(download.suggestedFilename(), /^annex-a-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const fromWeb = listRows(unzip(readFileSync(await download.path())));
    assert.equal(fromWeb.size, 11, "List 1 to List 11");

    const asAt = download.suggestedFilename().slice("annex-a-".length, "annex-a-".length + 10);
    const out = path.join(folder, "annex-a.xlsx");
    execFileSync(process.env.CAIRN, ["annex-a", "--db", process.env.CAIRN_E2E_DB, "--as-at", asAt, "--out", out], {
      stdio: "ignore",
    });
    const fromCli = listRows(unzip(readFileSync(out)));
    assert.deepEqual(fromWeb, fromCli);
    assert.ok(fromWeb.get("List 3") > 0, "the council has referrals in the six months");
    assert.deepEqual(problems(page), []);
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await page.context().close();
  }
});

test("an elected member has no Annex A link and is refused the workbook", async () => {
  const page = await cairn.pageAs("elected-member");
  try {
    assert.equal(await page.getByRole("link", { name: "Annex A (Excel)" }).count(), 0);
    const response = await page.request.get("/annex-a");
    assert.equal(response.status(), 403);
  } finally {
    await page.context().close();
  }
});
