// Two `cairn serve` processes on one PostgreSQL database (tests/servers/run prepares it and names
// it in CAIRN_SERVERS_DB): a session made on one is good on the other, a change recorded through
// one is seen through the other on the next request, and when one is killed in the middle of a
// stream of recorded events nothing either acknowledged is lost, the other carries on, and the
// audit chain still verifies. Nothing here is a real child's record.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { repoRoot, startServer, userFor } from "../e2e/support.mjs";

const db = process.env.CAIRN_SERVERS_DB;
const asAt = process.env.CAIRN_SERVERS_AS_AT;
const binary = process.env.CAIRN || path.join(repoRoot, "build", "cairn");
if (!db) throw new Error("CAIRN_SERVERS_DB is not set: tests/servers/run prepares the database and names it");

// Signs in through `server` and returns the session cookie and the page's CSRF token.
async function signIn(server, role) {
  const { username, password } = userFor(role);
  const page = await fetch(`${server.baseURL}/login`);
  const login = /cairn_login=([^;]+)/.exec(page.headers.get("set-cookie") ?? "")?.[1];
  const csrf = /name="csrf"\s+value="([^"]+)"/.exec(await page.text())?.[1] ?? login;
  const reply = await fetch(`${server.baseURL}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: `cairn_login=${login}` },
    body: new URLSearchParams({ csrf, username, password }).toString(),
  });
  const session = /cairn_session=([^;]+)/.exec(reply.headers.get("set-cookie") ?? "")?.[1];
  assert.ok(session, `${username} could not sign in (status ${reply.status})`);
  const cookie = `cairn_session=${session}`;
  const home = await (await fetch(`${server.baseURL}/`, { headers: { cookie } })).text();
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(home)?.[1];
  assert.ok(token, "the home page carries no CSRF token");
  return { cookie, csrf: token };
}

async function getJSON(server, session, target) {
  const reply = await fetch(`${server.baseURL}${target}`, { headers: { cookie: session.cookie } });
  assert.equal(reply.status, 200, `GET ${target} on port ${server.port}: ${reply.status}`);
  return reply.json();
}

// Records a personal education plan for `child` on `date` through `server`; resolves with the
// new event's id when the server acknowledges it (201), or null when it does not answer.
async function recordPep(server, session, child, date) {
  let reply;
  try {
    reply = await fetch(`${server.baseURL}/api/v1/children/${encodeURIComponent(child)}/events`, {
      method: "POST",
      headers: { cookie: session.cookie, "x-csrf-token": session.csrf, "content-type": "application/json" },
      body: JSON.stringify({ kind: "pep", confirm: true, fields: { date, notes: "two servers" } }),
    });
  } catch {
    return null;  // the server went away before answering: not acknowledged
  }
  const text = await reply.text();
  assert.equal(reply.status, 201, `recording on port ${server.port} answered ${reply.status}: ${text}`);
  return JSON.parse(text).event;
}

// `asAt` minus `days`, as ISO.
function daysBefore(days) {
  const date = new Date(`${asAt}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

// Children the practitioner may record for, from their home page: aged two or more, so that
// every date the tests record on (up to 400 days back) is after the child's birth.
async function childrenOf(server, session, count) {
  const { children } = await getJSON(server, session, "/api/v1/home");
  const chosen = [];
  for (const child of children) {
    if (chosen.length === count) break;
    const record = await getJSON(server, session, `/api/v1/children/${encodeURIComponent(child.id)}`);
    if (Number.parseInt(record.age, 10) >= 2) chosen.push(child.id);
  }
  assert.equal(chosen.length, count, `the practitioner has too few children aged two or more for the test`);
  return chosen;
}

function eventIds(chronology) {
  return new Set(chronology.chronology.map((event) => event.id));
}

test("a session made on one server is good on the other, and a change through one shows through the other", async () => {
  const first = await startServer({ db, asAt, binary });
  const second = await startServer({ db, asAt, binary });
  try {
    const session = await signIn(first, "practitioner");
    const [child] = await childrenOf(second, session, 1);
    const path = `/api/v1/children/${encodeURIComponent(child)}`;
    const before = await getJSON(first, session, path);
    const id = await recordPep(second, session, child, daysBefore(365));
    assert.ok(id > 0);
    const after = await getJSON(first, session, path);
    assert.equal(after.chronology.length, before.chronology.length + 1);
    assert.ok(eventIds(after).has(id), "the first server shows the event recorded through the second");
  } finally {
    await first.stop();
    await second.stop();
  }
});

test("one of two servers killed mid-stream: nothing acknowledged is lost, the other carries on, the audit verifies", async () => {
  const doomed = await startServer({ db, asAt, binary });
  const survivor = await startServer({ db, asAt, binary });
  const acknowledged = new Map();  // child -> event ids acknowledged
  try {
    const session = await signIn(doomed, "practitioner");
    const [mine, theirs] = await childrenOf(survivor, session, 2);
    for (const child of [mine, theirs]) acknowledged.set(child, []);

    // One stream through each server, side by side; the first server is killed part way.
    let doomedAnswers = 0;
    const throughDoomed = (async () => {
      for (let day = 1; day < 301; ++day) {
        const id = await recordPep(doomed, session, mine, daysBefore(day));
        if (id === null) return;
        acknowledged.get(mine).push(id);
        ++doomedAnswers;
      }
    })();
    let survivorAnswers = 0;
    const throughSurvivor = (async () => {
      for (let day = 1; day < 61; ++day) {
        const id = await recordPep(survivor, session, theirs, daysBefore(day));
        assert.ok(id !== null, "the surviving server stopped answering");
        acknowledged.get(theirs).push(id);
        ++survivorAnswers;
      }
    })();
    while (doomedAnswers < 10) await new Promise((resolve) => setTimeout(resolve, 5));
    const killed = await doomed.kill();
    await Promise.all([throughDoomed, throughSurvivor]);
    assert.ok(killed.signal, "the first server was killed");
    assert.ok(doomedAnswers < 300, "the first server was killed before its stream ended");
    assert.equal(survivorAnswers, 60);

    // Every acknowledged event is held, whichever server took it, and the first server's child
    // can still be recorded for through the survivor.
    for (const [child, ids] of acknowledged) {
      const held = eventIds(await getJSON(survivor, session, `/api/v1/children/${encodeURIComponent(child)}`));
      const lost = ids.filter((id) => !held.has(id));
      assert.deepEqual(lost, [], `events acknowledged for ${child} but not held`);
    }
    assert.ok((await recordPep(survivor, session, mine, daysBefore(400))) > 0);
  } finally {
    await doomed.kill();
    await survivor.stop();
  }
  const verified = execFileSync(binary, ["audit", "verify", "--db", db], { encoding: "utf8" });
  assert.match(verified, /intact/, verified);
});
