// Each role's home page: signing in as each role lands on the home page that
// data/access/roles.toml names for it, which is screenshot on a desktop and a phone, has no
// axe-core WCAG 2.2 A/AA violation, does not scroll sideways on the phone, and logs no console
// error or Content-Security-Policy violation.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  axeViolations,
  describeViolations,
  problems,
  repoRoot,
  roles,
  screenshot,
  scrollsSideways,
  signIn,
  startCairn,
  userFor,
  viewports,
} from "./support.mjs";

// Each [[role]]'s id, home and aggregates_only, read from roles.toml (only these keys, each a
// simple `key = value` line, are needed).
function rolesFromToml() {
  const text = readFileSync(path.join(repoRoot, "data", "access", "roles.toml"), "utf8");
  const found = new Map();
  for (const block of text.split(/^\[\[role\]\]\s*$/m).slice(1)) {
    const value = (key) => block.match(new RegExp(`^${key}\\s*=\\s*"?([^"\\n]*?)"?\\s*$`, "m"))?.[1];
    found.set(value("id"), { home: value("home"), aggregatesOnly: value("aggregates_only") === "true" });
  }
  return found;
}
const fromToml = rolesFromToml();

let cairn;
before(async () => {
  cairn = await startCairn();
});
after(async () => {
  await cairn?.stop();
});

// A role whose home is the region's page exists only on a region's server: region.spec.mjs signs
// in as it there (e2e-regional-analyst). Every other role has a user in the council's tests.
const regionRoles = [...fromToml].filter(([, role]) => role.home === "region").map(([id]) => id);
test("roles.toml and the test users name the same roles", () => {
  const councilRoles = [...fromToml.keys()].filter((id) => !regionRoles.includes(id));
  assert.deepEqual(councilRoles.sort(), [...roles].sort());
  assert.deepEqual(regionRoles, ["regional-analyst"], "region.spec.mjs signs in as each region role");
});

// The first role (in roles' order) with each kind of home page.
const firstWithHome = new Map();
for (const role of roles) {
  const home = fromToml.get(role)?.home;
  if (home && !firstWithHome.has(home)) firstWithHome.set(home, role);
}

// The roles' pages are independent (a context each), so two are checked at a time.
describe("each role's home page", { concurrency: 2 }, () => {
  for (const role of roles) {
    test(`${role}: signing in shows the ${fromToml.get(role)?.home} home page`, async () => {
      const { home, aggregatesOnly } = fromToml.get(role);
      assert.ok(home, `roles.toml gives ${role} a home`);
      const page = await cairn.newPage({ viewport: "desktop" });
      try {
        await signIn(page, role);
        assert.equal(new URL(page.url()).pathname, "/", `${role} lands on /`);
        const heading = page.locator(`h1[data-testid="home-${home}"]`);
        assert.equal(await heading.count(), 1, `${role}: the page's heading is home-${home}`);
        assert.ok(await heading.isVisible(), `${role}: the home-${home} heading is visible`);
        assert.ok(
          (await page.locator("[data-testid=signed-in-as]").innerText()).includes(userFor(role).username),
          `${role}: the header names the signed-in user`,
        );
        if (aggregatesOnly) {
          // Counts only: no child's name, link or id on the page.
          assert.equal(await page.locator("[data-testid=child-link]").count(), 0, `${role}: no child links`);
          assert.equal(await page.locator('a[href^="/children/"]').count(), 0, `${role}: no link to a child`);
          // A count from 1 to 4 is shown as "fewer than 5".
          const small = await page
            .locator("main td, main .figure")
            .evaluateAll((cells) => cells.map((c) => c.innerText.trim()).filter((t) => /^[1-4]$/.test(t)));
          assert.deepEqual(small, [], `${role}: a count from 1 to 4 is shown as it is`);
        }
        // Roles that share a kind of home page (the director and the analyst) share its axe-core
        // check, the slowest step on a long page; each role still checks its own page otherwise.
        const audit = firstWithHome.get(home) === role;
        for (const viewport of ["desktop", "phone"]) {
          await page.setViewportSize(viewports[viewport]);
          const violations = audit ? await axeViolations(page) : [];
          assert.equal(violations.length, 0, `${role} home, ${viewport}:\n${describeViolations(violations)}`);
          if (viewport === "phone") {
            assert.equal(await scrollsSideways(page), false, `${role} home: the page scrolls sideways at 390px`);
          }
          await screenshot(page, `home-${role}-${viewport}`);
        }
        assert.deepEqual(problems(page), [], `${role} home: console errors or CSP violations`);
      } finally {
        await page.context().close();
      }
    });
  }
});
