// Hostile HTTP against `cairn serve` on 127.0.0.1: malformed requests, oversized targets, headers
// and bodies, path traversal on /static/, script and SQL payloads in every parameter of every GET
// route, 500 connections at once and a slowloris. Each case must be answered as expected (or the
// connection closed where that is allowed), and GET /healthz must answer 200 after every group.
// Everything is bounded in count and time; run it with tests/hostile/run, which prepares the
// database and passes it in CAIRN_HOSTILE_DB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const kHost = '127.0.0.1';
const kCairn = process.env.CAIRN_BIN ?? 'build/cairn';
const kDb = process.env.CAIRN_HOSTILE_DB;
const kPassword = 'Kestrel-river-e2e-Passw0rd!';
const results = [];  // {group, name, expected, got, ok}
let port = 0;
let server = null;
let serverExit = null;

function record(group, name, expected, got, ok) {
  results.push({ group, name, expected, got, ok });
  return ok;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, kHost, () => {
      const { port: found } = probe.address();
      probe.close(() => resolve(found));
    });
  });
}

// Sends `chunks` (strings or Buffers) on a fresh socket and resolves with what came back: the
// status (or null), the whole reply, and how the exchange ended ('answered', 'closed', 'reset',
// 'refused' or 'timeout'). Stops writing as soon as the server answers or closes.
function raw(chunks, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host: kHost, port });
    const received = [];
    let done = false;
    let gone = false;
    const finish = (how) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text, how: match ? 'answered' : how, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (data) => {
      received.push(data);
      const text = Buffer.concat(received).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
      if (length && text.length - end - 4 >= Number(length[1])) finish('answered');
    });
    socket.on('error', (error) => finish(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
    socket.on('close', () => { gone = true; finish('closed'); });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (gone || done) return;
        const more = socket.write(chunk);
        if (!more) await new Promise((r) => { socket.once('drain', r); socket.once('close', r); });
      }
    });
  });
}

// An ordinary request through node:http with a short timeout.
function get(path, { cookie, method = 'GET', body, headers = {}, timeoutMs = 10000 } = {}) {
  return new Promise((resolve) => {
    const request = http.request({ host: kHost, port, path, method, agent: false, timeout: timeoutMs,
      headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body) } : {}), ...headers } }, (response) => {
      const parts = [];
      response.on('data', (d) => parts.push(d));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers,
        body: Buffer.concat(parts).toString('utf8') }));
    });
    request.on('timeout', () => { request.destroy(); resolve({ status: null, error: 'timeout' }); });
    request.on('error', (error) => resolve({ status: null, error: error.code ?? String(error) }));
    if (body) request.write(body);
    request.end();
  });
}

async function healthy(group) {
  const started = Date.now();
  const reply = await get('/healthz', { timeoutMs: 5000 });
  const ok = reply.status === 200 && serverExit === null;
  record(group, 'GET /healthz afterwards', '200, server up',
    `${reply.status ?? reply.error}${serverExit ? `, server exited (${serverExit})` : ''} in ${Date.now() - started} ms`, ok);
  assert.ok(ok, `${group}: the server no longer answers /healthz (${reply.status ?? reply.error}, exit ${serverExit})`);
}

function describe(reply) {
  return reply.status ? String(reply.status) : reply.how;
}

before(async () => {
  assert.ok(kDb && (kDb.startsWith('postgresql://') || fs.existsSync(kDb)),
    'CAIRN_HOSTILE_DB must name a prepared database (use tests/hostile/run)');
  port = await freePort();
  server = spawn(kCairn, ['serve', '--db', kDb, '--listen', `${kHost}:${port}`, '--threads', '2',
    '--as-at', '2025-03-31'], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (process.env.CAIRN_HOSTILE_PIDFILE) fs.writeFileSync(process.env.CAIRN_HOSTILE_PIDFILE, String(server.pid));
  let stderr = '';
  server.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  server.on('exit', (code, signal) => { serverExit = signal ?? code ?? 'exited'; });
  const deadline = Date.now() + 30000;
  for (;;) {
    const reply = await get('/healthz', { timeoutMs: 1000 });
    if (reply.status === 200) break;
    assert.ok(serverExit === null, `cairn serve exited (${serverExit}): ${stderr}`);
    assert.ok(Date.now() < deadline, 'cairn serve did not answer /healthz within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(() => {
  if (server && serverExit === null) server.kill('SIGTERM');
  const widths = [4, 56, 34, 40];
  const line = (cells) => cells.map((c, i) => (i < 3 ? String(c).slice(0, widths[i]) : String(c)).padEnd(widths[i])).join(' | ');
  const rows = [line(['ok', 'case', 'expected', 'got']), widths.map((w) => '-'.repeat(w)).join('-|-')];
  for (const r of results) rows.push(line([r.ok ? 'ok' : 'FAIL', `${r.group}: ${r.name}`, r.expected, r.got]));
  const failed = results.filter((r) => !r.ok).length;
  rows.push(`${results.length} cases, ${failed} failed`);
  console.log(`\nHostile HTTP results\n${rows.join('\n')}\n`);
});

test('malformed request lines and headers', async () => {
  const group = 'malformed';
  const cases = [
    ['garbage bytes', [Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a])]],
    ['binary noise 4 KB', [Buffer.alloc(4096, 0xa5)]],
    // Known and accepted: Debian's http-parser takes an HTTP/0.9-style request line and any
    // one-digit version, and RESTinio 0.6 does not pass the version on, so Cairn cannot tell
    // and answers these as HTTP/1.1. Harmless (a well-formed answer to a GET), so 200 is allowed
    // here, and the README says so; anything else (a crash, a hang, a 500) still fails.
    ['missing HTTP version', ['GET /healthz\r\n\r\n'], [200]],
    ['HTTP/9.9', ['GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n'], [200]],
    ['method BREW', ['BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n']],
    ['method CONNECT', ['CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n']],
    ['method TRACE', ['TRACE / HTTP/1.1\r\nHost: x\r\n\r\n']],
    ['method DELETE', ['DELETE / HTTP/1.1\r\nHost: x\r\n\r\n']],
    ['lower-case method', ['get /healthz HTTP/1.1\r\nHost: x\r\n\r\n']],
    ['header without colon', ['GET /healthz HTTP/1.1\r\nHost x\r\n\r\n']],
    ['space in header name', ['GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n']],
    ['NUL in header value', ['GET /healthz HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n']],
    // RFC 9112 section 5.2 lets a server either refuse an obsolete line folding or replace it with a space.
    ['obs-fold continuation', ['GET /healthz HTTP/1.1\r\nX-A: a\r\n  folded\r\n\r\n'], [200]],
    ['bad Content-Length', ['POST /login HTTP/1.1\r\nContent-Length: -5\r\n\r\n']],
    ['two Content-Lengths', ['POST /login HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd']],
    ['CL and chunked', ['POST /login HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n']],
    ['bad chunk size', ['POST /login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n']],
    ['target without slash', ['GET healthz HTTP/1.1\r\nHost: x\r\n\r\n']],
    ['absolute-form target', ['GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\n\r\n']],
    ['asterisk target', ['GET * HTTP/1.1\r\nHost: x\r\n\r\n']],
    ['bare LF line ends', ['GET /nowhere HTTP/1.1\nHost: x\n\n']],
  ];
  // 404 is allowed only where the request is well formed enough to reach the router (bare LF line
  // ends may be recognised, RFC 9112 section 2.2); a case may allow more statuses as its third item.
  const failures = [];
  for (const [name, chunks, more = []] of cases) {
    const allowed = new Set([400, 404, 405, 501, 505, ...more]);
    const reply = await raw(chunks, { timeoutMs: 4000 });
    const ok = (reply.status !== null && allowed.has(reply.status)) || reply.how === 'closed' || reply.how === 'reset';
    const expected = `400/405/505 or closed${more.length ? ` (or ${more.join('/')})` : ''}`;
    if (!record(group, name, expected, describe(reply), ok)) failures.push(`${name}: ${describe(reply)}`);
  }
  await healthy(group);
  assert.deepEqual(failures, []);
});

test('oversized request target', async () => {
  const group = 'target';
  const failures = [];
  const five = await raw([`GET /search?q=${'a'.repeat(5 * 1024)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
  if (!record(group, '5 KB target', '414', describe(five), five.status === 414)) failures.push(`5 KB: ${describe(five)}`);
  const hundred = await raw([`GET /search?q=${'a'.repeat(100 * 1024)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
  const ok = hundred.status === 414 || hundred.how === 'closed' || hundred.how === 'reset';
  if (!record(group, '100 KB target', '414 or dropped', describe(hundred), ok)) failures.push(`100 KB: ${describe(hundred)}`);
  await healthy(group);
  assert.deepEqual(failures, []);
});

test('oversized headers', async () => {
  const group = 'headers';
  const failures = [];
  const one = await raw([`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20 * 1024)}\r\nConnection: close\r\n\r\n`]);
  if (!record(group, 'one 20 KB header', '431', describe(one), one.status === 431)) failures.push(`20 KB: ${describe(one)}`);
  let many = 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n';
  for (let i = 0; i < 200; ++i) many += `X-H${i}: v\r\n`;
  const two = await raw([many + '\r\n']);
  if (!record(group, '200 headers', '431', describe(two), two.status === 431)) failures.push(`200: ${describe(two)}`);
  const chunk = `X-Pad: ${'p'.repeat(8 * 1024)}\r\n`;
  const megabyte = ['GET /healthz HTTP/1.1\r\nHost: x\r\n', ...Array(128).fill(chunk), '\r\n'];
  const three = await raw(megabyte, { timeoutMs: 8000 });
  const ok = three.status === 431 || three.how === 'closed' || three.how === 'reset';
  if (!record(group, '1 MB of headers', 'dropped or 431', describe(three), ok)) failures.push(`1 MB: ${describe(three)}`);
  await healthy(group);
  assert.deepEqual(failures, []);
});

test('oversized bodies', async () => {
  const group = 'body';
  const failures = [];
  const size = 100 * 1024;
  const head = (n) => `POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${n}\r\nConnection: close\r\n\r\n`;
  const one = await raw([head(size), Buffer.alloc(size, 0x61)], { timeoutMs: 8000 });
  if (!record(group, '100 KB body', '413', describe(one), one.status === 413)) failures.push(`100 KB: ${describe(one)}`);
  const big = 5 * 1024 * 1024;
  const piece = Buffer.alloc(64 * 1024, 0x61);
  const two = await raw([head(big), ...Array(big / piece.length).fill(piece)], { timeoutMs: 10000 });
  const ok = two.status === 413 || two.how === 'closed' || two.how === 'reset';
  if (!record(group, '5 MB body', 'dropped or 413', describe(two), ok)) failures.push(`5 MB: ${describe(two)}`);
  await healthy(group);
  assert.deepEqual(failures, []);
});

test('path traversal on /static/', async () => {
  const group = 'traversal';
  const targets = [
    '/static/../../etc/passwd',
    '/static/../CMakeLists.txt',
    '/static/%2e%2e/%2e%2e/etc/passwd',
    '/static/%2E%2E/CMakeLists.txt',
    '/static/..%2f..%2fetc%2fpasswd',
    '/static/..%2F..%2FCMakeLists.txt',
    '/static/..\\..\\etc\\passwd',
    '/static/..%5c..%5cetc%5cpasswd',
    '/static/%252e%252e/%252e%252e/etc/passwd',
    '/static/%252e%252e%252fCMakeLists.txt',
    '/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
    '/static/app.css%00.txt',
    '/static/%00',
    '/static/....//....//etc/passwd',
    '/static//etc/passwd',
    '/static/./../etc/passwd',
    '/static/%2e/%2e%2e/etc/passwd',
    '/static/' + '../'.repeat(30) + 'etc/passwd',
  ];
  const failures = [];
  for (const target of targets) {
    const reply = await raw([`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    const leaked = /root:.*:0:0:|cmake_minimum_required|\[package\]/i.test(reply.text);
    const ok = (reply.status === 400 || reply.status === 404) && !leaked;
    const got = `${describe(reply)}${leaked ? ', FILE CONTENT LEAKED' : ''}`;
    if (!record(group, target.slice(0, 46), '400 or 404, no file', got, ok)) failures.push(`${target}: ${got}`);
  }
  await healthy(group);
  assert.deepEqual(failures, []);
});

async function signIn(username) {
  const page = await get('/login');
  const login = /cairn_login=([^;]+)/.exec(String(page.headers?.['set-cookie'] ?? ''))?.[1];
  const csrf = /name="csrf"\s+value="([^"]+)"/.exec(page.body ?? '')?.[1] ?? login;
  assert.ok(login, 'GET /login set no cairn_login cookie');
  const body = new URLSearchParams({ csrf, username, password: kPassword }).toString();
  const reply = await get('/login', { method: 'POST', body, cookie: `cairn_login=${login}` });
  const cookies = [].concat(reply.headers?.['set-cookie'] ?? []);
  const session = cookies.map((c) => /cairn_session=([^;]+)/.exec(c)?.[1]).find(Boolean);
  assert.ok(session, `signing in as ${username} gave no session (status ${reply.status})`);
  return `cairn_session=${session}`;
}

test('script and SQL payloads in every parameter of every GET route (as h-director)', async () => {
  const group = 'payloads';
  const cookie = await signIn('h-director');
  // [label, percent-encoded text for the URL, the raw text that must not appear unescaped in HTML]
  const payloads = [
    ['<script>', encodeURIComponent('<script>alert(1)</script>'), '<script>alert(1)</script>'],
    ["' OR 1=1 --", encodeURIComponent("' OR 1=1 --"), "' OR 1=1 --"],
    ['"><img onerror>', encodeURIComponent('"><img src=x onerror=alert(1)>'), '"><img src=x onerror=alert(1)>'],
    ['unicode', encodeURIComponent('Zoë 😀 \u202e ﷽'), null],
    ['overlong UTF-8', '%C0%BCscript%C0%BE', null],
    ['%00', 'C0001%00', null],
    ['bad escape', '%zz%', null],
  ];
  const idRoutes = ['/children/{}', '/children/{}/audit', '/api/v1/children/{}', '/api/v1/children/{}/audit',
    '/teams/{}', '/api/v1/teams/{}', '/workers/{}', '/api/v1/workers/{}'];
  const queryRoutes = [
    ['/', ['x']], ['/api/v1/home', ['x']], ['/search', ['q']], ['/api/v1/search', ['q']],
    ['/audit', ['child', 'user', 'outcome']], ['/api/v1/audit', ['child', 'user', 'outcome']],
    ['/admin/users', ['x']], ['/admin/grants', ['x']], ['/admin/restricted', ['x']],
    ['/api/v1/admin/users', ['x']], ['/password', ['x']], ['/login', ['x']], ['/healthz', ['x']],
    // The pages' own parameters: a date to show the record as at, a download's format and table,
    // the members' last meeting.
    ['/', ['as-at', 'format', 'table']], ['/service', ['as-at', 'format', 'table']],
    ['/api/v1/service', ['as-at', 'format']], ['/members', ['as-at', 'since', 'format']],
    ['/workforce', ['as-at', 'format', 'table']], ['/search', ['as-at', 'format']],
    ['/members/pack', ['as-at', 'audience', 'from', 'to']],
  ];
  const requests = [];
  for (const [label, encoded, rawText] of payloads) {
    for (const route of idRoutes) requests.push({ label, rawText, path: route.replace('{}', encoded), idRoute: true });
    for (const [route, names] of queryRoutes) {
      for (const name of names) requests.push({ label, rawText, path: `${route}?${name}=${encoded}` });
    }
  }
  const failures = [];
  for (const { label, rawText, path, idRoute } of requests) {
    const reply = await get(path, { cookie, timeoutMs: 10000 });
    const html = String(reply.headers?.['content-type'] ?? '').includes('html');
    const unescaped = html && rawText !== null && reply.body.includes(rawText);
    let badJson = false;
    if (String(reply.headers?.['content-type'] ?? '').includes('json')) {
      try { JSON.parse(reply.body); } catch { badJson = true; }
    }
    let ok = reply.status !== null && reply.status < 500 && !unescaped && !badJson;
    let expected = 'not 500, escaped';
    if (idRoute) {
      expected = '400 (invalid id)';
      ok = ok && reply.status === 400;
    }
    const got = `${reply.status ?? reply.error}${unescaped ? ', PAYLOAD UNESCAPED' : ''}${badJson ? ', INVALID JSON' : ''}`;
    if (!ok) failures.push(`${path} [${label}]: ${got}`);
    if (!ok || idRoute) record(group, `${label} ${path.split('?')[0].replace(/\/(children|teams|workers)\/.*?(\/audit)?$/, '/$1/{id}$2')}`, expected, got, ok);
    if (serverExit !== null) break;
  }
  record(group, `${requests.length} requests in all`, 'none failing', `${failures.length} failing`, failures.length === 0);
  await healthy(group);
  assert.deepEqual(failures, []);
});

test('500 concurrent connections', async () => {
  const group = 'concurrency';
  const started = Date.now();
  const replies = await Promise.all(Array.from({ length: 500 }, () =>
    raw(['GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], { timeoutMs: 20000 })));
  const counts = {};
  for (const r of replies) counts[describe(r)] = (counts[describe(r)] ?? 0) + 1;
  const bad = replies.filter((r) => !(r.status === 200 || r.status === 503 || r.how === 'refused' || r.how === 'reset' || r.how === 'closed'));
  record(group, '500 sockets, one request each', 'answered or refused',
    `${Object.entries(counts).map(([k, v]) => `${v}x${k}`).join(' ')} in ${Date.now() - started} ms`, bad.length === 0);
  await healthy(group);
  assert.equal(bad.length, 0, `unanswered: ${JSON.stringify(counts)}`);
});

test('slowloris: 50 connections trickling a header are timed out', async () => {
  const group = 'slowloris';
  const kSeconds = 20;
  const sockets = [];
  const closedAt = [];
  const started = Date.now();
  for (let i = 0; i < 50; ++i) {
    const socket = net.connect({ host: kHost, port });
    socket.on('error', () => {});
    socket.on('close', () => closedAt.push(Date.now() - started));
    socket.on('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: '));
    sockets.push(socket);
  }
  const ticker = setInterval(() => { for (const s of sockets) if (!s.destroyed && s.writable) s.write('a'); }, 1000);
  await new Promise((r) => setTimeout(r, 5000));
  const t0 = Date.now();
  const normal = await get('/healthz', { timeoutMs: 5000 });
  const normalMs = Date.now() - t0;
  record(group, 'normal request during the attack', '200 within 2 s', `${normal.status ?? normal.error} in ${normalMs} ms`,
    normal.status === 200 && normalMs < 2000);
  while (Date.now() - started < kSeconds * 1000 && closedAt.length < sockets.length) {
    await new Promise((r) => setTimeout(r, 250));
  }
  clearInterval(ticker);
  const closed = closedAt.length;
  const latest = closed ? Math.max(...closedAt) : null;
  const earliest = closed ? Math.min(...closedAt) : null;
  for (const s of sockets) s.destroy();
  const ok = closed === sockets.length && latest <= 18000;
  record(group, '50 slow connections closed by the server', `all, by ~15 s`,
    `${closed}/50 closed${closed ? ` between ${(earliest / 1000).toFixed(1)} and ${(latest / 1000).toFixed(1)} s` : ''}`, ok);
  await healthy(group);
  assert.ok(normal.status === 200 && normalMs < 2000, `normal request: ${normal.status ?? normal.error} in ${normalMs} ms`);
  assert.ok(ok, `${closed}/50 slow connections closed by the server within ${kSeconds} s`);
});
