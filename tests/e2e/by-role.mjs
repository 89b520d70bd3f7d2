// Each page as each role that may see it, for pages-frontline.spec.mjs and
// pages-council.spec.mjs (two files, so the browser tests' runner takes them side by side): the
// page answers 200 with one heading, axe-core finds no WCAG 2.2 AA violation on a desktop or a
// phone (each kind of page once per file), nothing scrolls sideways at 390px, no console error or
// CSP violation; a screenshot of each is kept. (Each role's home page is home.spec.mjs's.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, describeViolations, problems, screenshot, scrollsSideways, viewports } from "./support.mjs";

export async function getJSON(page, path) {
  const response = await page.request.get(path);
  assert.equal(response.status(), 200, `GET ${path}`);
  return JSON.parse(await response.text());
}

// Where each role may go: its own worker, team, the service, members and workforce pages.
async function pagesFor(role, page) {
  const home = await getJSON(page, "/api/v1/home");
  const pages = [];
  const mine = (home.tables?.children || [])[0];
  if (role === "team-manager") {
    const workerLink = await page.locator("[data-testid=workers-table] [data-testid=worker-link]").first();
    pages.push(["worker", await workerLink.getAttribute("href")]);
  }
  if (["team-manager", "service-manager", "director", "analyst"].includes(role)) {
    pages.push(["workforce", "/workforce"]);
    const teams = await getJSON(page, "/api/v1/workforce");
    const team = teams.tables.teams[0];
    assert.ok(team, `${role}: the workforce page lists a team`);
    const teamLink = await (async () => {
      await page.goto("/workforce");
      return page.locator("[data-testid=workforce-teams-table] [data-testid=team-link]").first().getAttribute("href");
    })();
    pages.push(["team", teamLink]);
  }
  if (["service-manager", "director", "analyst"].includes(role)) pages.push(["service", "/service"]);
  if (["director", "analyst", "elected-member"].includes(role)) pages.push(["members", "/members"]);
  if (role !== "elected-member" && role !== "admin") {
    const child = home.children?.[0] || mine;
    if (child) {
      pages.push(["search", `/search?q=${encodeURIComponent(child.id.slice(0, 4))}`]);
      pages.push(["child", `/children/${encodeURIComponent(child.id)}`]);
    }
  }
  return pages;
}

const axeChecked = new Set();

// One test per role: every page the role may open.
export function testPagesAs(roles, cairn) {
  for (const role of roles) {
    test(`${role}: the pages have no accessibility violations and fit a phone`, async () => {
      const page = await cairn().pageAs(role);
      try {
        const failures = [];
        for (const [what, path] of await pagesFor(role, page)) {
          const response = await page.goto(path);
          assert.equal(response.status(), 200, `${role} ${what}: GET ${path}`);
          assert.equal(await page.locator("main h1").count(), 1, `${role} ${what}: one heading`);
          // axe-core reads the whole page and takes seconds on a long one: each kind of page is
          // checked once in this file, at both widths, by the first role that opens it; every
          // role's visit checks the status, the heading, the phone width and the console.
          const audit = !axeChecked.has(what);
          axeChecked.add(what);
          for (const viewport of ["desktop", "phone"]) {
            await page.setViewportSize(viewports[viewport]);
            if (audit) {
              const violations = await axeViolations(page);
              if (violations.length) failures.push(`${what} (${path}), ${viewport}:\n${describeViolations(violations)}`);
            }
            if (viewport === "phone" && (await scrollsSideways(page))) failures.push(`${what} (${path}): scrolls sideways`);
          }
          await page.setViewportSize(viewports.desktop);
          await screenshot(page, `page-${role}-${what.replace(/ /g, "-")}`);
        }
        assert.deepEqual(failures, [], failures.join("\n\n"));
        assert.deepEqual(problems(page), [], `${role}: console errors or CSP violations`);
      } finally {
        await page.context().close();
      }
    });
  }
}
