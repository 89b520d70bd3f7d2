// Recording casework in the browser: a practitioner records a visit through the form and the
// overdue visit leaves their week and the team manager's count; a refused form keeps what was
// typed and names each problem beside its field; a correction asks why and shows in the record's
// history; two people correcting one record at once: the second is refused without losing their
// text; the API refuses what the form refuses, and out-of-scope or unpermitted recording is
// refused; a case audit is recorded, sets an action on the worker's week, and is moderated by a
// second auditor, and the figures count it (elected members: counts only). Runs on its own copy of the test council (CAIRN_E2E_RECORDING_DB), since it changes it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { getJSON } from "./by-role.mjs";
import { axeViolations, describeViolations, password, problems, screenshot, signIn, startCairn } from "./support.mjs";

let cairn;
before(async () => {
  // Served a month after the day the council was simulated to: nothing is recorded after that
  // day, so every visit then open has fallen overdue, and the visit test does not depend on the
  // simulation's draws leaving one late on the day itself.
  assert.ok(process.env.CAIRN_E2E_AS_AT, "CAIRN_E2E_AS_AT names the day the council was simulated to (scripts/e2e)");
  const simulatedTo = new Date(`${process.env.CAIRN_E2E_AS_AT}T00:00:00Z`);
  simulatedTo.setUTCDate(simulatedTo.getUTCDate() + 30);
  cairn = await startCairn({ db: process.env.CAIRN_E2E_RECORDING_DB, asAt: simulatedTo.toISOString().slice(0, 10) });
});
after(async () => {
  await cairn?.stop();
});

const visitPurpose = { "cp.visit": "cp", "cla.visit-first-1w": "cla", "cla.visit-6w": "cla", "cla.visit-long-term-3m": "cla" };

// A child with an overdue statutory visit, its worker and team: {id, rule, purpose, worker, team, asAt}.
async function childWithOverdueVisit(page) {
  const { children } = await getJSON(page, "/api/v1/home");
  for (const child of children.slice(0, 80)) {
    const record = await getJSON(page, `/api/v1/children/${encodeURIComponent(child.id)}`);
    const overdue = record.deadlines.find((d) => d.status === "overdue" && !d.closed && visitPurpose[d.rule]);
    if (overdue && record.allocated && record.worker && record.team) {
      return { id: child.id, rule: overdue.rule, purpose: visitPurpose[overdue.rule], worker: record.worker, team: record.team, asAt: record.as_at };
    }
  }
  return null;
}

// A user added as a council adds one (`cairn user add`), signed in on a page of their own.
async function userFor(username, role, linkOption, linkValue) {
  const link = linkOption ? [linkOption, linkValue] : [];
  execFileSync(process.env.CAIRN, ["user", "add", "--db", process.env.CAIRN_E2E_RECORDING_DB, "--username", username,
                                   "--role", role, ...link, "--password-stdin"], { input: `${password}\n` });
  const page = await cairn.newPage();
  await signIn(page, username, password);
  return page;
}

async function overdueByRule(page, rule) {
  const home = await getJSON(page, "/api/v1/home");
  const row = (home.tables["overdue-by-rule"] || []).find((r) => r.rule_id === rule);
  return row ? Number(row.children) : 0;
}

function overdueVisitsOf(week, id) {
  return (week.tables.visits || []).filter((row) => row.child_id === id && /overdue/i.test(row.status)).length;
}

async function csrfOf(page) {
  return page.locator("meta[name=csrf-token]").getAttribute("content");
}

async function submit(page, selector = "[data-testid=save]") {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
  return response;
}

test("a visit recorded in the form clears the overdue visit from the week and the team's count", async () => {
  const director = await cairn.pageAs("director");
  const child = await childWithOverdueVisit(director);
  await director.context().close();
  assert.ok(child, "the council has a child with an overdue statutory visit");
  // The child's social worker and team manager, as the council would set them up.
  const page = await userFor("e2e-visiting-worker", "practitioner", "--worker", child.worker);
  const manager = await userFor("e2e-visiting-manager", "team-manager", "--team", child.team);
  try {
    const teamOverdueBefore = await overdueByRule(manager, child.rule);
    assert.ok(teamOverdueBefore >= 1, "the team manager's page counts the overdue visit");
    assert.ok(overdueVisitsOf(await getJSON(page, "/api/v1/home"), child.id) >= 1, "the worker's week shows it overdue");

    await page.goto(`/children/${encodeURIComponent(child.id)}`);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("[data-testid=record-link]")]);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("[data-testid=record-visit]")]);
    assert.equal(await page.locator("[data-testid=record-heading]").textContent(), "Record: Visit");
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    await page.fill("#f-date", child.asAt);
    await page.selectOption("#f-purpose", child.purpose);
    await page.selectOption("#f-child_seen", "true");
    const response = await submit(page);
    assert.equal(response.status(), 200);
    assert.match(page.url(), /\?saved=\d+/);
    assert.ok(await page.locator("[data-testid=saved-note]").isVisible());
    await screenshot(page, "recorded-visit");

    // On the next request every page has it: the child's deadline is met, the week no longer
    // lists it overdue, and the team manager's count has gone down by the child.
    const record = await getJSON(page, `/api/v1/children/${encodeURIComponent(child.id)}`);
    assert.ok(
      !record.deadlines.some((d) => d.rule === child.rule && d.status === "overdue" && !d.closed),
      "the visit deadline is no longer overdue",
    );
    assert.equal(overdueVisitsOf(await getJSON(page, "/api/v1/home"), child.id), 0);
    assert.equal(await overdueByRule(manager, child.rule), teamOverdueBefore - 1);
    assert.deepEqual(problems(page), []);
  } finally {
    await page.context().close();
    await manager.context().close();
  }
});

test("a refused form names each problem beside its field, keeps the entry and saves nothing", async () => {
  const page = await cairn.pageAs("practitioner");
  try {
    const { children } = await getJSON(page, "/api/v1/home");
    const id = children[0].id;
    const before = (await getJSON(page, `/api/v1/children/${encodeURIComponent(id)}`)).chronology.length;
    await page.goto(`/children/${encodeURIComponent(id)}/record?kind=visit`);
    await page.fill("#f-date", "2099-01-01");
    const response = await submit(page);
    assert.equal(response.status(), 422);
    assert.ok(await page.locator("[data-testid=form-errors]").isVisible());
    assert.match(await page.locator("[data-testid=error-date]").textContent(), /in the future/);
    assert.match(await page.locator("[data-testid=error-purpose]").textContent(), /required/);
    assert.equal(await page.inputValue("#f-date"), "2099-01-01", "what was typed is still there");
    assert.equal(await page.locator("#f-date").getAttribute("aria-invalid"), "true");
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    await screenshot(page, "record-refused");
    assert.equal((await getJSON(page, `/api/v1/children/${encodeURIComponent(id)}`)).chronology.length, before);
  } finally {
    await page.context().close();
  }
});

test("a correction asks why, and two people correcting at once: the second keeps their text", async () => {
  const first = await cairn.pageAs("practitioner");
  const second = await cairn.pageAs("team-manager");
  try {
    const { children } = await getJSON(first, "/api/v1/home");
    const id = children[0].id;
    const path = `/children/${encodeURIComponent(id)}`;
    // A personal education plan with notes, recorded through the API.
    const asAt = (await getJSON(first, `/api/v1${path}`)).as_at;
    await first.goto(path);
    const csrf = await csrfOf(first);
    const created = await first.request.post(`/api/v1${path}/events`, {
      headers: { "x-csrf-token": csrf, "content-type": "application/json" },
      data: JSON.stringify({ kind: "pep", fields: { date: asAt, notes: "First notes" } }),
    });
    assert.equal(created.status(), 201, await created.text());
    const { event, version } = JSON.parse(await created.text());
    assert.equal(version, 1);

    // Both open the correction form at version 1.
    await first.goto(`${path}/events/${event}/edit`);
    await second.goto(`${path}/events/${event}/edit`);
    assert.equal(await first.inputValue("#f-notes"), "First notes");
    // Without a reason nothing is saved.
    await first.fill("#f-notes", "Corrected by the worker");
    assert.equal((await submit(first)).status(), 422);
    assert.match(await first.locator("[data-testid=error-reason]").textContent(), /why/i);
    await first.fill("#f-reason", "added what the school said");
    assert.equal((await submit(first)).status(), 200);
    assert.match(first.url(), /saved=/);
    // The history shows the change, who made it and why.
    const revisions = first.locator("[data-testid=revisions-table]");
    assert.match(await revisions.textContent(), /added what the school said/);
    assert.match(await revisions.textContent(), /e2e-practitioner/);

    // The second, still at version 1, is refused: both versions shown, their text kept.
    await second.fill("#f-notes", "The manager's own words");
    await second.fill("#f-reason", "manager's correction");
    const refused = await submit(second);
    assert.equal(refused.status(), 409);
    assert.ok(await second.locator("[data-testid=stale]").isVisible());
    assert.match(await second.locator("[data-testid=stale-current]").textContent(), /Corrected by the worker/);
    assert.equal(await second.inputValue("#f-notes"), "The manager's own words");
    assert.equal(await second.inputValue("#f-reason"), "manager's correction");
    const violations = await axeViolations(second);
    assert.deepEqual(violations, [], describeViolations(violations));
    await screenshot(second, "record-stale");
    // Having seen it, saving again corrects the version now held.
    assert.equal((await submit(second)).status(), 200);
    const record = await getJSON(second, `/api/v1${path}`);
    const pep = record.chronology.find((e) => e.kind === "pep" && e.fields.notes === "The manager's own words");
    assert.ok(pep, "the second correction is saved");

    // Withdrawn: off the chronology, in the history.
    await first.goto(`${path}/events/${event}/edit`);
    await first.fill("#w-reason", "entered on the wrong child");
    assert.equal((await submit(first, "[data-testid=withdraw]")).status(), 200);
    assert.match(first.url(), /withdrawn=/);
    const after = await getJSON(first, `/api/v1${path}`);
    assert.ok(!after.chronology.some((e) => e.kind === "pep" && e.fields.notes === "The manager's own words"));
    assert.ok(after.revisions.some((r) => r.event_id === event && r.action === "withdrawn"));
    // The refused saves answered 422 and 409 on purpose; nothing else may go wrong.
    const refusedOnPurpose = /status of (409|422)/;
    assert.deepEqual(problems(first).filter((p) => !refusedOnPurpose.test(p)), []);
    assert.deepEqual(problems(second).filter((p) => !refusedOnPurpose.test(p)), []);
  } finally {
    await first.context().close();
    await second.context().close();
  }
});

test("the API refuses what the form refuses, and recording out of scope or without permission", async () => {
  const page = await cairn.pageAs("practitioner");
  const director = await cairn.pageAs("director");
  const member = await cairn.pageAs("elected-member");
  try {
    const mine = new Set((await getJSON(page, "/api/v1/home")).children.map((c) => c.id));
    const id = [...mine][0];
    await page.goto(`/children/${encodeURIComponent(id)}`);
    const csrf = await csrfOf(page);
    const post = (who, token, childId, body) =>
      who.request.post(`/api/v1/children/${encodeURIComponent(childId)}/events`, {
        headers: { "x-csrf-token": token, "content-type": "application/json" },
        data: typeof body === "string" ? body : JSON.stringify(body),
      });
    const bad = await post(page, csrf, id, { kind: "visit", fields: { date: "31/02/2025", purpose: "holiday" } });
    assert.equal(bad.status(), 422);
    const answer = JSON.parse(await bad.text());
    assert.equal(answer.saved, false);
    assert.deepEqual(answer.errors.map((e) => e.field).sort(), ["child_seen", "date", "purpose"]);
    assert.equal((await post(page, csrf, id, "{not json")).status(), 400);
    assert.equal((await post(page, "wrong-token", id, { kind: "visit" })).status(), 403);

    // A child the director sees and the practitioner does not: not found, whether it exists or not.
    const outside = (await getJSON(director, "/api/v1/home")).children.find((c) => !mine.has(c.id));
    assert.ok(outside, "a child outside the practitioner's caseload");
    assert.equal((await post(page, csrf, outside.id, { kind: "visit" })).status(), 404);
    // The director reads but does not record; an elected member does neither.
    await director.goto("/");
    assert.equal((await post(director, await csrfOf(director), id, { kind: "visit" })).status(), 403);
    await member.goto("/");
    assert.equal((await post(member, await csrfOf(member), id, { kind: "visit" })).status(), 403);
  } finally {
    await page.context().close();
    await director.context().close();
    await member.context().close();
  }
});

test("a manager's direction is a deadline on its owner's week: due, then overdue, then done", async () => {
  const manager = await cairn.pageAs("team-manager");
  const worker = await cairn.pageAs("practitioner");
  try {
    const week = await getJSON(worker, "/api/v1/home");
    const id = week.children[0].id;
    const path = `/children/${encodeURIComponent(id)}`;
    const owner = (await getJSON(worker, `/api/v1${path}`)).worker;
    assert.ok(owner, "the child has a worker");

    // Oversight, then a direction for the worker, due 25 March (the record stands at 31 March).
    await manager.goto(`${path}/record?kind=oversight`);
    await manager.fill("#f-date", "2025-03-20");
    await manager.selectOption("#f-type", "case-direction");
    await manager.fill("#f-decision", "A plan with the school is needed before the review.");
    assert.equal((await submit(manager)).status(), 200);
    await manager.goto(`${path}/record?kind=direction`);
    await manager.fill("#f-date", "2025-03-20");
    await manager.fill("#f-owner", owner);
    await manager.fill("#f-due_date", "2025-03-25");
    await manager.fill("#f-action", "Meet the school and agree the plan.");
    assert.equal((await submit(manager)).status(), 200);
    assert.ok((await overdueByRule(manager, "oversight.direction")) >= 1, "the team's page counts it overdue");

    // The owner's week: due as the record stood on 24 March, overdue now.
    const rowOf = (home) => (home.tables.directions || []).find((row) => row.child_id === id);
    const then = rowOf(await getJSON(worker, "/api/v1/home?as-at=2025-03-24"));
    assert.ok(then, "the direction is on the week as at 24 March");
    assert.doesNotMatch(then.status, /overdue/i);
    const now = rowOf(await getJSON(worker, "/api/v1/home"));
    assert.ok(now, "the direction is on the week now");
    assert.match(now.status, /overdue/i);

    // The worker marks it done, with a note; it leaves the week and is met, late.
    await worker.goto("/");
    await Promise.all([
      worker.waitForNavigation({ waitUntil: "load" }),
      worker.locator("[data-testid=directions-table] tr", { hasText: now.child }).locator("[data-testid=mark-done]").click(),
    ]);
    await worker.fill("#f-done_date", "2025-03-31");
    await worker.fill("#f-done_note", "Met the school; the plan is agreed.");
    await worker.fill("#f-reason", "done");
    assert.equal((await submit(worker)).status(), 200);
    assert.equal(rowOf(await getJSON(worker, "/api/v1/home")), undefined);
    const record = await getJSON(worker, `/api/v1${path}`);
    const direction = record.deadlines.find((d) => d.rule === "oversight.direction" && d.due === "2025-03-25");
    assert.equal(direction.status, "met-late");
    assert.equal(direction.done, "2025-03-31");

    // Oversight is a manager's: the worker is not offered it, may not correct it, and is refused it.
    await worker.goto(path);
    const oversightRow = worker
      .locator("[data-testid=chronology-table] tbody tr")
      .filter({ has: worker.getByRole("cell", { name: "Management oversight", exact: true }) });
    assert.equal(await oversightRow.count(), 1);
    assert.equal(await oversightRow.locator("a", { hasText: "Correct" }).count(), 0);
    await worker.goto(`${path}/record`);
    assert.equal(await worker.locator("[data-testid=record-oversight]").count(), 0);
    assert.equal((await worker.goto(`${path}/record?kind=oversight`)).status(), 403);
  } finally {
    await manager.context().close();
    await worker.context().close();
  }
});

test("a case audit grades each theme, sets an action on the worker's week, and is moderated by someone else", async () => {
  const auditor = await cairn.pageAs("auditor");
  const worker = await cairn.pageAs("practitioner");
  const member = await cairn.pageAs("elected-member");
  const moderator = await userFor("e2e-second-auditor", "auditor");
  try {
    const week = await getJSON(worker, "/api/v1/home");
    const id = week.children[week.children.length > 1 ? 1 : 0].id;
    const path = `/children/${encodeURIComponent(id)}`;
    const owner = (await getJSON(worker, `/api/v1${path}`)).worker;
    assert.ok(owner, "the child has a worker");

    // The auditor is offered the case audit, not casework.
    await auditor.goto(`${path}/record`);
    assert.equal(await auditor.locator("[data-testid=record-case-audit]").count(), 1);
    assert.equal(await auditor.locator("[data-testid=record-visit]").count(), 0);
    assert.equal((await auditor.goto(`${path}/record?kind=visit`)).status(), 403);

    // The form asks for a grade on every theme; the auditor is filled in, not typed.
    await auditor.goto(`${path}/record?kind=case-audit`);
    assert.equal(await auditor.locator("[data-testid=filled-auditor]").innerText(), "e2e-auditor");
    const themes = auditor.locator('select[name^="theme_grades."]');
    const themeCount = await themes.count();
    assert.ok(themeCount >= 4, "a grade per theme");
    const violations = await axeViolations(auditor);
    assert.equal(violations.length, 0, `case audit form:\n${describeViolations(violations)}`);
    await screenshot(auditor, "case-audit-form");
    await auditor.fill("#f-date", "2025-03-21");
    // One theme left ungraded: refused, named beside its field, nothing saved.
    for (let i = 1; i < themeCount; ++i) await themes.nth(i).selectOption("requires-improvement");
    await auditor.selectOption("#f-grade", "requires-improvement");
    await auditor.fill("#f-findings", "Visits are regular but the plan has no dates.");
    const refused = await submit(auditor);
    assert.equal(refused.status(), 422);
    const firstTheme = await themes.nth(0).getAttribute("name");
    assert.equal(await auditor.locator(`[data-testid="error-${firstTheme}"]`).count(), 1);
    assert.equal(await auditor.locator("#f-findings").inputValue(), "Visits are regular but the plan has no dates.");
    await themes.nth(0).selectOption("good");
    assert.equal((await submit(auditor)).status(), 200);
    // The child's chronology reads the grades in the template's words.
    await auditor.goto(path);
    const auditRow = auditor
      .locator("[data-testid=chronology-table] tbody tr")
      .filter({ has: auditor.getByRole("cell", { name: "Case audit", exact: true }) });
    assert.match(await auditRow.innerText(), /Voice of the child: Good; Assessment quality: Requires improvement/);

    // An action from the audit, for the child's worker, due before the record's date: overdue on their week.
    await auditor.goto(`${path}/record?kind=audit-action`);
    await auditor.fill("#f-date", "2025-03-21");
    await auditor.fill("#f-owner", owner);
    await auditor.fill("#f-due_date", "2025-03-28");
    await auditor.fill("#f-action", "Add dates to each action in the plan.");
    assert.equal((await submit(auditor)).status(), 200);
    const action = (await getJSON(worker, "/api/v1/home")).tables.directions.find(
      (row) => row.child_id === id && row.from === "Case audit",
    );
    assert.ok(action, "the audit's action is on the worker's week");
    assert.match(action.status, /overdue/i);

    // The auditor may not moderate their own audit; a second auditor moderates it down.
    await auditor.goto(`${path}/record?kind=audit-moderation`);
    await auditor.fill("#f-date", "2025-03-24");
    await auditor.selectOption("#f-grade", "inadequate");
    await auditor.selectOption("#f-agreed_grade", "inadequate");
    const own = await submit(auditor);
    assert.equal(own.status(), 422);
    assert.match(await auditor.locator("[data-testid=form-errors]").innerText(), /someone other than its auditor/);
    await moderator.goto(`${path}/record?kind=audit-moderation`);
    assert.equal(await moderator.locator("[data-testid=filled-moderator]").innerText(), "e2e-second-auditor");
    await moderator.fill("#f-date", "2025-03-24");
    await moderator.selectOption("#f-grade", "inadequate");
    await moderator.selectOption("#f-agreed_grade", "inadequate");
    await moderator.fill("#f-note", "No plan with dates for three months: inadequate.");
    assert.equal((await submit(moderator)).status(), 200);

    // The figures: the audit, moderated and changed, by theme and by team.
    const figures = await getJSON(moderator, "/api/v1/audits");
    const row = figures.tables.audits.find((r) => r.child_id === id);
    assert.ok(row, "the audit is listed");
    assert.equal(row.auditor, "e2e-auditor");
    assert.equal(row.auditor_grade, "Requires improvement");
    assert.equal(row.agreed_grade, "Inadequate");
    assert.equal(row.actions, "0 of 1");
    const voice = figures.tables["by-theme"][0];
    assert.ok(Number(voice.audits) >= 1);
    assert.ok(figures.tables["by-team"].some((r) => Number(r.inadequate) >= 1));
    await moderator.goto("/audits");
    const pageViolations = await axeViolations(moderator);
    assert.equal(pageViolations.length, 0, `audits page:\n${describeViolations(pageViolations)}`);
    await screenshot(moderator, "case-audits");

    // Elected members see counts, never a child: no list, no child's id, one audit "fewer than 5".
    const seen = await member.request.get("/api/v1/audits");
    assert.equal(seen.status(), 200);
    const body = await seen.text();
    assert.equal(JSON.parse(body).tables.audits, undefined);
    assert.ok(!body.includes(id), "no child's id in the members' figures");
    await member.goto("/audits");
    assert.equal(await member.locator('a[href^="/children/"]').count(), 0);
    assert.match(await member.locator("main").innerText(), /fewer than 5/);
    assert.deepEqual(problems(auditor).filter((p) => !/status of 4(03|22)/.test(p)), []);
    assert.deepEqual(problems(moderator), []);
  } finally {
    await auditor.context().close();
    await worker.context().close();
    await member.context().close();
    await moderator.context().close();
  }
});
