// Shared support for Cairn's browser tests (tests/e2e/*.spec.mjs), run by scripts/e2e with
// Node's own test runner (node:test) and playwright-core driving Debian's Chromium, headless.
//
// A spec file starts one Cairn server and one browser for all its tests:
//
//   import { before, after, test } from "node:test";
//   import { startCairn } from "./support.mjs";
//   let cairn;
//   before(async () => { cairn = await startCairn(); });
//   after(async () => { await cairn?.stop(); });
//   test("...", async () => { const page = await cairn.newPage(); await page.goto("/login"); });
//
// The server is `build/cairn serve` (or $CAIRN) over the database at $CAIRN_E2E_DB, on a free
// loopback port, as at $CAIRN_E2E_AS_AT (YYYY-MM-DD) when that is set; it is stopped with
// SIGTERM when the file's tests end, pass or fail. Each startCairn() launches Chromium with a
// fresh, empty profile in a new temporary directory, and each newPage() opens a new browser
// context, so no cookie or storage passes between tests unless a test asks for it
// (pageAs(role) shares one signed-in session per role within a file). Pages are watched for
// console errors, uncaught exceptions and Content-Security-Policy violations (see problems()).
//
// The packages come from web/node_modules (web/package-lock.json), not from a node_modules
// beside this file.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const requireFromWeb = createRequire(path.join(repoRoot, "web", "package.json"));
const { chromium } = requireFromWeb("playwright-core");
const { AxeBuilder } = requireFromWeb("@axe-core/playwright");

export const chromiumPath = process.env.CAIRN_E2E_CHROMIUM || "/usr/bin/chromium";
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];
// The WCAG 2.2 AA rules axe-core knows (A and AA of 2.0, 2.1 and 2.2).
export const axeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
export const screenshotDir = path.join(repoRoot, "out", "e2e", "screenshots");
export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

// Every role has one test user, e2e-<role>, made by create_users in scripts/e2e (`cairn user
// demo --prefix e2e-`), all with the one password below, which scripts/e2e also gives.
export const password = "Kestrel-river-e2e-Passw0rd!";
export const roles = [
  "practitioner",
  "team-manager",
  "service-manager",
  "director",
  "analyst",
  "elected-member",
  "inspector",
  "auditor",
  "admin",
];
export function userFor(role) {
  if (!roles.includes(role)) throw new Error(`no e2e user for role '${role}'`);
  return { username: `e2e-${role}`, password };
}

// A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server to take).
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Resolves with the HTTP status of GET url, or rejects if nothing answers.
function httpStatus(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts `cairn serve` and resolves once GET /login answers (any status below 500).
// Rejects, with the server's output, if it exits first or does not answer within timeoutMs.
export async function startServer({
  db = process.env.CAIRN_E2E_DB,
  binary = process.env.CAIRN || path.join(repoRoot, "build", "cairn"),
  asAt = process.env.CAIRN_E2E_AS_AT,
  threads = 2,
  timeoutMs = 30_000,
} = {}) {
  if (!db) {
    throw new Error("CAIRN_E2E_DB is not set: it names the database to serve (scripts/e2e makes one)");
  }
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const args = ["serve", "--db", db, "--listen", `127.0.0.1:${port}`, "--threads", String(threads)];
  if (asAt) args.push("--as-at", asAt);
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  let exited = null;
  const exit = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on("error", (error) => {
      exited = { error };
      resolve(exited);
    });
  });

  // Should this process be stopped before after() runs, take the server down with it.
  const killNow = () => {
    if (!exited) child.kill("SIGKILL");
  };
  const onSignal = (signal) => {
    killNow();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.on("exit", killNow);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const server = {
    baseURL,
    port,
    command: [binary, ...args].join(" "),
    output: () => output,
    // SIGKILL at once, as a machine failing would stop it. Resolves with how it exited.
    async kill() {
      if (!exited) child.kill("SIGKILL");
      await exit;
      return exited;
    },
    // SIGTERM, then SIGKILL if it has not stopped within graceMs. Resolves with how it exited.
    async stop(graceMs = 10_000) {
      process.off("exit", killNow);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      if (!exited) {
        child.kill("SIGTERM");
        const stopped = await Promise.race([exit, sleep(graceMs).then(() => null)]);
        if (!stopped) {
          child.kill("SIGKILL");
          await exit;
        }
      }
      return exited;
    },
  };

  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const status = await httpStatus(`${baseURL}/login`);
      if (status < 500) return server;
      lastError = new Error(`GET /login answered ${status}`);
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  await server.stop();
  const why = exited && !exited.signal
    ? exited.error
      ? `could not be started: ${exited.error.message}`
      : `exited with status ${exited.code}`
    : `did not answer GET /login within ${timeoutMs} ms (${lastError && lastError.message})`;
  throw new Error(`${server.command} ${why}\n--- server output ---\n${output}`);
}

// Headless Chromium. playwright-core gives every launch a new, empty profile in a temporary
// directory (its own --user-data-dir) and deletes it on close, so runs share nothing.
export function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
  });
}

// Watches a page for what should never happen on a Cairn page: console errors, uncaught
// exceptions, and CSP violations (which the console also reports). problems(page) lists them.
const pageProblems = new WeakMap();
function watch(page) {
  const found = [];
  pageProblems.set(page, found);
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // Chromium asks every site for /favicon.ico by itself; a 404 there is not the page's fault.
    if (/\/favicon\.ico$/.test(message.location().url || "")) return;
    // A page that is itself an error page (Cairn's 403 and 404) makes Chromium log "Failed to
    // load resource" for the page's own address; the tests check those statuses themselves. A
    // failed stylesheet, script or request from the page is still a problem.
    if (/^Failed to load resource: the server responded with a status of (403|404)\b/.test(message.text()) &&
        message.location().url === page.url()) {
      return;
    }
    found.push(`console error: ${message.text()} (${message.location().url || "page"})`);
  });
  page.on("pageerror", (error) => found.push(`uncaught exception: ${error.message}`));
}
export function problems(page) {
  return pageProblems.get(page) || [];
}

// Signs in through the login form; resolves once the form's submission has been answered.
// signIn(page, role) signs in as that role's test user and throws, with the page's error
// message, unless Cairn let the user in (the page no longer being /login);
// signIn(page, username, password) tries any username and password and checks nothing.
export async function signIn(page, usernameOrRole, password) {
  const asRole = password === undefined;
  const user = asRole ? userFor(usernameOrRole) : { username: usernameOrRole, password };
  await page.goto("/login");
  await page.fill("#username", user.username);
  await page.fill("#password", user.password);
  // The form's own button (a page may have others, such as a header's sign-out). click() waits
  // for the navigation it starts to commit; then wait for the new page to load.
  await page.click("form:has(#password) button[type=submit]");
  await page.waitForLoadState("load");
  if (asRole && new URL(page.url()).pathname === "/login") {
    const error = page.locator("[data-testid=login-error]");
    const why = (await error.count()) ? (await error.innerText()).trim() : "no error shown";
    throw new Error(`${user.username} could not sign in: ${why}`);
  }
}

// Clicks something that loads a new page and waits until that page has loaded. Waiting for the
// load state after the click could return at once, while the old page still stands.
export async function clickToNewPage(page, target) {
  const locator = typeof target === "string" ? page.locator(target) : target;
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), locator.click()]);
  return response;
}

export async function signInAs(page, role) {
  await signIn(page, role);
}

// axe-core's WCAG 2.2 A/AA violations on the page as it is now ([] when none).
// Legacy mode runs axe.run in the page itself; the default mode also opens a blank page to
// merge per-frame results, which Cairn's pages (no iframes) do not need and which costs
// seconds per check.
export async function axeViolations(page, { exclude = [] } = {}) {
  let builder = new AxeBuilder({ page }).withTags(axeTags).setLegacyMode();
  for (const selector of exclude) builder = builder.exclude(selector);
  const results = await builder.analyze();
  return results.violations;
}

// One line per violation and element, for an assertion message.
export function describeViolations(violations) {
  return violations
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id} (${violation.impact}): ${violation.help} at ${node.target.join(" ")}`,
      ),
    )
    .join("\n");
}

// Saves a full-page screenshot to out/e2e/screenshots/NAME.png and returns its path.
export async function screenshot(page, name) {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`screenshot name '${name}' is not a plain file name`);
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  // A long page under load can take a while to capture: more than the default 10 s.
  await page.screenshot({ path: file, fullPage: true, timeout: 30_000 });
  return file;
}

// The server and a browser together, for one spec file. stop() closes both and never throws
// for an already-stopped part, so it is safe in after() whatever went wrong before.
export async function startCairn(options = {}) {
  const server = await startServer(options);
  let browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await server.stop();
    throw error;
  }
  // A page in a new context (its own cookies and storage). viewport: "desktop", "phone" or
  // {width, height}; storageState: cookies to start with (Playwright's storageState).
  async function newPage({ viewport = "desktop", storageState } = {}) {
    const context = await browser.newContext({
      baseURL: server.baseURL,
      viewport: typeof viewport === "string" ? viewports[viewport] : viewport,
      storageState,
    });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    watch(page);
    return page;
  }
  // Each role's session, once signed in through the form: role -> Promise of storageState.
  const sessions = new Map();
  return {
    server,
    browser,
    baseURL: server.baseURL,
    newPage,
    // A page in a new context, signed in as role, on the role's home page (/). The first call
    // for a role signs in through the login form; later calls open a new context holding the
    // same session cookie, which saves a sign-in (and its deliberately slow password hash) per
    // page. A test that signs out must use newPage() and signIn() instead, so as not to end
    // the session the others share.
    async pageAs(role, options = {}) {
      if (!sessions.has(role)) {
        const page = await newPage(options);
        const state = signIn(page, role).then(() => page.context().storageState());
        sessions.set(role, state);
        state.catch(() => sessions.delete(role));
        await state;
        return page;
      }
      const page = await newPage({ ...options, storageState: await sessions.get(role) });
      await page.goto("/");
      return page;
    },
    async stop() {
      try {
        if (browser) await browser.close();
      } finally {
        await server.stop();
      }
    },
  };
}

// True when the page scrolls sideways, which no Cairn page should at any width.
export function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

// The files of a zip archive (a downloaded workbook), by name, as text.
export function unzip(buffer) {
  const files = new Map();
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = buffer.readUInt32LE(end + 16);
  for (let i = 0; i < buffer.readUInt16LE(end + 10); i += 1) {
    const method = buffer.readUInt16LE(at + 10);
    const compressed = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const name = buffer.toString("utf8", at + 46, at + 46 + nameLength);
    const local = buffer.readUInt32LE(at + 42);
    const data = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const bytes = buffer.subarray(data, data + compressed);
    files.set(name, (method === 0 ? bytes : zlib.inflateRawSync(bytes)).toString("utf8"));
    at += 46 + nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
  }
  return files;
}
