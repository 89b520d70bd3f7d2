// Who sees which child: the practitioner opens a child from their home page, a child outside
// their caseload answers "not found" (404) without saying it exists, an elected member is not
// allowed any child's page (403), signing out ends the session, and the team manager can see
// who has looked at a child's record.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  axeViolations,
  describeViolations,
  problems,
  screenshot,
  scrollsSideways,
  signIn,
  startCairn,
  userFor,
  viewports,
} from "./support.mjs";

let cairn;
before(async () => {
  cairn = await startCairn();
});
after(async () => {
  await cairn?.stop();
});

// A new page signed in as role (one sign-in per role for the file; see pageAs).
function pageFor(role, options) {
  return cairn.pageAs(role, options);
}

// The children on role's home page, from /api/v1/home (with the page's session cookie).
async function homeChildren(page) {
  const { children } = await getJSON(page, "/api/v1/home");
  assert.ok(Array.isArray(children), "/api/v1/home lists children");
  return children;
}

// GET path's JSON with the page's session cookie (asserting a 200 and valid JSON).
async function getJSON(page, path) {
  const response = await page.request.get(path);
  assert.equal(response.status(), 200, `GET ${path}`);
  const body = await response.text();
  try {
    return JSON.parse(body);
  } catch (error) {
    assert.fail(`GET ${path} did not answer JSON (${error.message}): ${body.slice(0, 200)}`);
  }
}

// Goes to path and resolves with the HTTP status of the page finally shown.
async function statusOf(page, path) {
  const response = await page.goto(path);
  return response.status();
}

// Clicks a link or button and resolves, once the new page has loaded, with the response that
// page came in (the last of any redirects).
async function follow(page, link) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), link.click()]);
  return response;
}

// A child the director sees and the practitioner does not, as {id, name} (looked up once).
let outside;
function childOutsidePractitionersCaseload() {
  outside ??= findChildOutsidePractitionersCaseload();
  return outside;
}
async function findChildOutsidePractitionersCaseload() {
  const practitioner = await pageFor("practitioner");
  const director = await pageFor("director");
  try {
    const mine = new Set((await homeChildren(practitioner)).map((child) => child.id));
    assert.ok(mine.size > 0, "the practitioner has children");
    const other = (await homeChildren(director)).find((child) => !mine.has(child.id));
    assert.ok(other, "the director's list holds a child outside the practitioner's caseload");
    return other;
  } finally {
    await practitioner.context().close();
    await director.context().close();
  }
}

test("the practitioner opens a child from their home page", async () => {
  const page = await pageFor("practitioner");
  try {
    const link = page.locator("[data-testid=children-table] [data-testid=child-link]").first();
    const href = await link.getAttribute("href");
    const name = (await link.innerText()).trim();
    assert.match(href, /^\/children\/[^/]+$/, "a child link goes to /children/{id}");
    const response = await follow(page, link);
    assert.equal(response.status(), 200, `GET ${href}`);
    assert.equal(new URL(page.url()).pathname, href);
    const heading = page.locator("[data-testid=child-heading]");
    assert.ok(await heading.isVisible(), "the child's heading is visible");
    assert.equal((await heading.innerText()).trim(), name, "the heading names the child that was chosen");
    assert.equal((await page.locator("[data-testid=child-id]").innerText()).trim(), href.split("/").pop());
    assert.ok(await page.locator("[data-testid=deadlines-table]").isVisible(), "the deadlines table is visible");
    assert.ok(await page.locator("[data-testid=chronology-table]").isVisible(), "the chronology is visible");
    // A practitioner may not read the audit trail (no audit.read.scope).
    assert.equal(await page.locator("[data-testid=who-viewed]").count(), 0, "no 'who has looked' link");
    await screenshot(page, "child");
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
  }
});

test("a child outside the practitioner's caseload is 'not found' (404)", async () => {
  const other = await childOutsidePractitionersCaseload();
  const page = await pageFor("practitioner");
  try {
    assert.equal(await statusOf(page, `/children/${other.id}`), 404, `GET /children/${other.id}`);
    assert.ok(await page.locator("[data-testid=not-found]").isVisible(), "the not-found page is shown");
    assert.equal(await page.locator("[data-testid=child-heading]").count(), 0, "no child heading");
    const text = await page.locator("body").innerText();
    assert.ok(!text.includes(other.name), "the page does not name the child");
    // The JSON answers the same.
    const json = await page.request.get(`/api/v1/children/${other.id}`);
    assert.equal(json.status(), 404, `GET /api/v1/children/${other.id}`);
    await screenshot(page, "not-found");
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
  }
});

test("an elected member is not allowed a child's page (403)", async () => {
  const other = await childOutsidePractitionersCaseload();
  const page = await pageFor("elected-member");
  try {
    assert.equal(await statusOf(page, `/children/${other.id}`), 403, `GET /children/${other.id}`);
    assert.ok(await page.locator("[data-testid=error-403]").isVisible(), "the not-allowed page is shown");
    assert.equal(await page.locator("[data-testid=child-heading]").count(), 0, "no child heading");
    assert.ok(!(await page.locator("body").innerText()).includes(other.name), "the page does not name the child");
    await screenshot(page, "not-allowed");
  } finally {
    await page.context().close();
  }
});

test("the inspector sees only the granted team's children, the administrator no child", async () => {
  const practitioner = await pageFor("practitioner");
  const director = await pageFor("director");
  const inspector = await pageFor("inspector");
  const admin = await pageFor("admin");
  try {
    // `cairn user demo` grants the inspector the practitioner's team.
    const [mine] = await homeChildren(practitioner);
    const { team } = await getJSON(practitioner, `/api/v1/children/${mine.id}`);
    assert.ok(team, "a child's JSON names its team");
    let elsewhere;
    for (const child of await homeChildren(director)) {
      const record = await getJSON(director, `/api/v1/children/${child.id}`);
      if (record.team && record.team !== team) {
        elsewhere = child;
        break;
      }
    }
    assert.ok(elsewhere, `the director's list holds a child outside team ${team}`);

    const granted = await homeChildren(inspector);
    assert.ok(granted.length > 0, "the inspector's home lists the granted team's children");
    for (const child of granted) {
      const record = await getJSON(inspector, `/api/v1/children/${child.id}`);
      assert.equal(record.team, team, `the inspector's ${child.id} is in the granted team`);
    }
    assert.equal(await statusOf(inspector, `/children/${mine.id}`), 200, "the inspector opens a granted child");
    assert.ok(await inspector.locator("[data-testid=child-heading]").isVisible());
    assert.equal(await statusOf(inspector, `/children/${elsewhere.id}`), 404, "a child of another team");
    assert.ok(await inspector.locator("[data-testid=not-found]").isVisible(), "the not-found page is shown");

    assert.equal(await statusOf(admin, `/children/${mine.id}`), 403, "the administrator opens no child");
    assert.ok(await admin.locator("[data-testid=error-403]").isVisible(), "the not-allowed page is shown");
    assert.ok(!(await admin.locator("body").innerText()).includes(mine.name), "the page does not name the child");
    for (const page of [inspector, admin]) assert.deepEqual(problems(page), []);
  } finally {
    for (const page of [practitioner, director, inspector, admin]) await page.context().close();
  }
});

test("signing out ends the session", async () => {
  // A session of its own, not the one the other tests share.
  const page = await cairn.newPage();
  await signIn(page, "practitioner");
  try {
    const link = page.locator("[data-testid=child-link]").first();
    const name = (await link.innerText()).trim();
    await follow(page, link);
    const childPath = new URL(page.url()).pathname;
    assert.match(childPath, /^\/children\//);
    const [session] = await page.context().cookies();
    assert.ok(session, "signed in, the browser holds a session cookie");

    await follow(page, page.locator("[data-testid=logout]"));
    assert.equal(new URL(page.url()).pathname, "/login", "signing out shows the sign-in page");

    await page.goto("/");
    assert.equal(new URL(page.url()).pathname, "/login", "GET / now redirects to /login");

    // Back through the history to the child's page. Its entry is asked of the server again
    // (no-store), which sends the browser to /login; neither that nor a reload shows the child.
    let reached = false;
    for (let i = 0; i < 4 && !reached; i++) {
      const response = await page.goBack();
      if (!response) break;
      let first = response.request();
      while (first.redirectedFrom()) first = first.redirectedFrom();
      reached = new URL(first.url()).pathname === childPath;
    }
    assert.ok(reached, "the back button goes back to the child's page");
    assert.equal(await page.locator("[data-testid=child-heading]").count(), 0, "back: no child heading");
    assert.ok(!(await page.locator("body").innerText()).includes(name), "back: the child's name is not shown");
    await page.reload();
    assert.equal(new URL(page.url()).pathname, "/login", "reloading the child's page asks to sign in");
    assert.equal(await page.locator("[data-testid=child-heading]").count(), 0, "no child heading");
    assert.ok(!(await page.locator("body").innerText()).includes(name), "the child's name is not shown");

    // The old session cookie, sent again, no longer opens anything.
    const stale = await cairn.newPage();
    try {
      await stale.context().addCookies([session]);
      const response = await stale.goto(childPath);
      assert.equal(new URL(stale.url()).pathname, "/login", "the old session cookie is refused");
      assert.ok(!(await response.text()).includes(name), "the child's name is not sent");
    } finally {
      await stale.context().close();
    }
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
  }
});

test("the team manager sees who has looked at a child's record", async () => {
  // The practitioner looks at their first child...
  const practitioner = await pageFor("practitioner");
  let childPath;
  try {
    const link = practitioner.locator("[data-testid=child-link]").first();
    childPath = await link.getAttribute("href");
    const response = await follow(practitioner, link);
    assert.equal(response.status(), 200, `the practitioner's GET ${childPath}`);
  } finally {
    await practitioner.context().close();
  }
  // ...and their team manager sees that look in the record's audit.
  const page = await pageFor("team-manager");
  try {
    assert.equal(await statusOf(page, childPath), 200, `the team manager's GET ${childPath}`);
    const whoViewed = page.locator("[data-testid=who-viewed]");
    assert.equal((await whoViewed.innerText()).trim(), "Everyone who has looked at this record");
    const response = await follow(page, whoViewed);
    assert.equal(response.status(), 200, `GET ${childPath}/audit`);
    assert.equal(new URL(page.url()).pathname, `${childPath}/audit`);
    assert.ok(await page.locator("[data-testid=audit-heading]").isVisible(), "the audit heading is visible");
    const table = page.locator("[data-testid=audit-table]");
    const headers = (await table.locator("thead th").allInnerTexts()).map((h) => h.trim());
    const who = headers.indexOf("Who");
    const route = headers.indexOf("Route");
    assert.ok(who >= 0 && route >= 0, `the audit table has Who and Route columns (${headers.join(", ")})`);
    const rows = await table.locator("tbody tr").evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText.trim())),
    );
    const { username } = userFor("practitioner");
    assert.ok(
      rows.some((cells) => cells[who] === username && cells[route] === "GET /children/{id}"),
      `the audit lists ${username} reading the child's page:\n${rows.map((r) => r.join(" | ")).join("\n")}`,
    );
    await screenshot(page, "child-audit");
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
  }
});

test("the child, audit, not-found and not-allowed pages have no accessibility violations", async () => {
  const other = await childOutsidePractitionersCaseload();
  const practitioner = await pageFor("practitioner");
  const manager = await pageFor("team-manager");
  const member = await pageFor("elected-member");
  try {
    const childPath = await practitioner.locator("[data-testid=child-link]").first().getAttribute("href");
    const pages = [
      ["child page", manager, childPath],
      ["audit page", manager, `${childPath}/audit`],
      ["not-found page", practitioner, `/children/${other.id}`],
      ["not-allowed page", member, `/children/${other.id}`],
    ];
    const failures = [];
    for (const [what, page, path] of pages) {
      await page.goto(path);
      for (const viewport of ["desktop", "phone"]) {
        await page.setViewportSize(viewports[viewport]);
        const violations = await axeViolations(page);
        if (violations.length) failures.push(`${what} (${path}), ${viewport}:\n${describeViolations(violations)}`);
        if (viewport === "phone" && (await scrollsSideways(page))) {
          failures.push(`${what} (${path}), phone: the page scrolls sideways at 390px`);
        }
      }
      await page.setViewportSize(viewports.desktop);
      for (const problem of problems(page)) failures.push(`${what} (${path}): ${problem}`);
    }
    assert.deepEqual(failures, []);
  } finally {
    for (const page of [practitioner, manager, member]) await page.context().close();
  }
});
