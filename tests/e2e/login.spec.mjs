// The sign-in page: its form, a wrong password, and accessibility.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  axeViolations,
  describeViolations,
  problems,
  screenshot,
  scrollsSideways,
  startCairn,
  userFor,
} from "./support.mjs";

let cairn;
before(async () => {
  cairn = await startCairn();
});
after(async () => {
  await cairn?.stop();
});

test("the login page has a form asking for a username and a password", async () => {
  const page = await cairn.newPage();
  await page.goto("/login");
  const form = page.locator("form").filter({ has: page.locator("#username") });
  assert.equal(await form.count(), 1, "one form holds #username");
  assert.equal(await form.locator("#password").count(), 1, "the same form holds #password");
  assert.equal(await page.locator("#password").getAttribute("type"), "password");
  assert.equal(await form.locator("button[type=submit]").count(), 1, "the form has a submit button");
  await screenshot(page, "login");
  assert.deepEqual(problems(page), []);
});

test("a wrong password shows an error message", async () => {
  const page = await cairn.newPage();
  const { username } = userFor("practitioner");
  await page.goto("/login");
  await page.fill("#username", username);
  await page.fill("#password", "not-the-password");
  await page.click("form:has(#password) button[type=submit]");
  const error = page.locator("[data-testid=login-error]");
  await error.waitFor({ state: "visible" });
  assert.notEqual((await error.innerText()).trim(), "", "the error says something");
  await screenshot(page, "login-wrong-password");
});

test("the login page has no accessibility violations, on a desktop and a phone", async () => {
  for (const viewport of ["desktop", "phone"]) {
    const page = await cairn.newPage({ viewport });
    await page.goto("/login");
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, `${viewport}:\n${describeViolations(violations)}`);
    assert.equal(await scrollsSideways(page), false, `${viewport}: the page scrolls sideways`);
    await screenshot(page, `login-${viewport}`);
    await page.context().close();
  }
});
