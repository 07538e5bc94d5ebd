// The shared browser-test harness (issues 12, 13): the real `agritrace serve` on a loopback port
// with a fresh data folder (embedded ledger, and Kafka too when AGRITRACE_TEST_KAFKA is set),
// provisioning over the HTTP API, Debian chromium driven headless by playwright-core, axe-core on
// every page (injected through the DevTools protocol, so the page keeps its own CSP), no request
// to any other host, screenshots into docs/screenshots/<area>/ when AGRITRACE_SCREENSHOTS=1.
//
// A test file (tests/browser/<area>/run.mjs) does:
//   import { suite } from '../support/harness.mjs';
//   const s = suite('public');
//   s.test('scan page of a normal code', async ({ server, browser, api }) => { ... });
//   await s.run();  // every test on every ledger; prints "N passed, N failed"; exit code 1 on failure
//
// Nothing here sleeps: the server is ready when it prints its listening line and answers /healthz;
// pages are awaited by their load events and locators.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
const NODE_DIR = process.env.AGRITRACE_NODE_DIR || join(SOURCE_DIR, 'build/node');
const CHROMIUM = process.env.AGRITRACE_CHROMIUM || '/usr/bin/chromium';
const BINARY = process.env.AGRITRACE_BINARY || join(SOURCE_DIR, 'build/test/agritrace');

// A missing tool FAILS the test (exit 1), it never skips.
function require_tool(ok, what) {
  if (!ok) {
    console.error(`browser harness: ${what} is missing: run ./scripts/deps --browser (and ./scripts/build test)`);
    process.exit(1);
  }
}

function node_modules() {
  require_tool(existsSync(join(NODE_DIR, 'node_modules/playwright-core')), `${NODE_DIR}/node_modules/playwright-core`);
  require_tool(existsSync(join(NODE_DIR, 'node_modules/axe-core')), `${NODE_DIR}/node_modules/axe-core`);
  return createRequire(join(NODE_DIR, 'package.json'));
}

// ---- the test clock (same rule as tests/support/test_clock.h) ---------------------------------
// The platform's calendar day (Asia/Shanghai) plus AGRITRACE_TEST_CLOCK_OFFSET_DAYS, anchored at
// 04:00:00Z (noon in Shanghai), advancing with the monotonic clock from the harness's start.
const offsetDays = Number.parseInt(process.env.AGRITRACE_TEST_CLOCK_OFFSET_DAYS || '0', 10) || 0;
const anchorMs = (() => {
  const shanghai = new Date(Date.now() + 8 * 3600e3);
  return Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate() + offsetDays, 4);
})();
const anchorMono = performance.now();
export function testNowMs() { return anchorMs + Math.floor(performance.now() - anchorMono); }
// "YYYY-MM-DD" of the test day plus n days.
export function daysFromToday(n = 0) { return new Date(anchorMs + n * 86400e3).toISOString().slice(0, 10); }

// ---- the server ---------------------------------------------------------------------------------
export function ledgers() {
  const l = ['embedded'];
  if (process.env.AGRITRACE_TEST_KAFKA) l.push('kafka');
  return l;
}

// Starts `agritrace serve --listen 127.0.0.1:0` with fresh data and key folders; resolves once it
// printed its listening line and answered GET /healthz.
export async function startServer(ledger = 'embedded', extraFlags = []) {
  require_tool(existsSync(BINARY), BINARY);
  const data = mkdtempSync(join(tmpdir(), 'agritrace-browser-'));
  const keys = mkdtempSync(join(tmpdir(), 'agritrace-browser-keys-'));
  const args = ['serve', '--listen', '127.0.0.1:0', '--data', data, '--pii-key-dir', keys,
    '--clock-start', new Date(testNowMs()).toISOString().replace(/\.\d+Z$/, 'Z'), ...extraFlags];
  if (ledger === 'kafka') {
    args.push('--kafka', process.env.AGRITRACE_TEST_KAFKA, '--topic', `test-ledger-browser-${randomBytes(8).toString('hex')}`);
  }
  const child = spawn(BINARY, args, {
    env: { ...process.env, AGRITRACE_ADMIN_KEY: ADMIN_KEY, AGRITRACE_ALLOW_TEST_CLOCK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';  // shown when a test fails (server.log())
  child.stderr.on('data', (c) => { stderr = (stderr + c.toString()).slice(-8000); });
  const port = await new Promise((res, rej) => {
    let line = '';
    const onData = (chunk) => {
      line += chunk.toString();
      const nl = line.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      child.stdout.resume();  // keep draining
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line.slice(0, nl));
      m ? res(Number(m[1])) : rej(new Error(`server did not start: ${line.slice(0, nl)}\n${stderr}`));
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => rej(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  // Poll /healthz (no sleeping: each attempt waits for the previous answer), bounded.
  let healthy = false;
  for (let attempt = 0; attempt < 200 && !healthy; ++attempt) {
    try {
      healthy = (await fetch(`${base}/healthz`)).status === 200;
    } catch { /* not accepting yet */ }
  }
  if (!healthy) throw new Error('server never answered /healthz');
  const server = {
    ledger, port, base, data, keys,
    api: (key) => apiClient(base, key),
    admin: apiClient(base, ADMIN_KEY),
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
      rmSync(keys, { recursive: true, force: true });
    },
  };
  return server;
}

// ---- the HTTP API -------------------------------------------------------------------------------
// A small JSON client: every call resolves to {status, headers, body, json}. Like
// tests/support/api_client.h, it remembers the ledger position of its last write
// (X-Agritrace-Position) and its GETs read the views at least that far (?after=&wait_ms=).
export function apiClient(base, key) {
  let position = '';
  const call = async (method, path, body, headers = {}) => {
    const h = { Accept: 'application/json', ...headers };
    if (key) h.Authorization = `Bearer ${key}`;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      if (!h['Content-Type']) h['Content-Type'] = 'application/json';
    }
    let target = path;
    if (method === 'GET' && position && !path.startsWith('/01/')) {
      target += `${path.includes('?') ? '&' : '?'}after=${position}&wait_ms=20000`;
    }
    const r = await fetch(base + target, { method, headers: h, body: payload });
    const p = r.headers.get('X-Agritrace-Position');
    if (p) position = p;
    const text = await r.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: r.status, headers: r.headers, body: text, json };
  };
  const ok = async (method, path, body, expect) => {
    const r = await call(method, path, body);
    const want = expect ?? (method === 'POST' ? [200, 201] : [200]);
    if (!want.includes(r.status)) throw new Error(`${method} ${path} answered ${r.status}: ${r.body}`);
    return r.json;
  };
  return {
    call,
    get: (p) => ok('GET', p),
    post: (p, b, expect) => ok('POST', p, b ?? {}, expect),
    put: (p, b) => ok('PUT', p, b),
  };
}

// Registers an enterprise with the admin key; {id, key, api}.
export async function registerEnterprise(server, uscc, name, region = '广东省') {
  const r = await server.admin.post('/v1/enterprises', { uscc, name, region });
  return { id: r.id ?? r.enterprise_id, key: r.api_key, api: server.api(r.api_key) };
}

// ---- the browser --------------------------------------------------------------------------------
// One chromium per test process. playwright-core's launch() gives it a fresh temporary profile
// (--user-data-dir) and removes it on close; every test gets its own context (own cookies).
let browserPromise;
export async function browser() {
  require_tool(existsSync(CHROMIUM), CHROMIUM);
  if (!browserPromise) {
    const { chromium } = node_modules()('playwright-core');
    browserPromise = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  }
  return browserPromise;
}

async function closeBrowser() {
  if (!browserPromise) return;
  await (await browserPromise).close();
  browserPromise = undefined;
}

// A WeChat-like phone (the consumer pages' audience): 390x844, touch, zh-CN.
export const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  userAgent: 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.43',
};
export const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };

// A fresh browser context (own cookies) bound to one server: any request to another host fails
// the test; check(page, name) runs axe-core and saves a screenshot when asked.
export async function openContext(server, area, device = PHONE) {
  const ctx = await (await browser()).newContext({ ...device });
  const foreign = [];
  await ctx.route('**/*', (route) => {
    const u = new URL(route.request().url());
    const local = (u.protocol === 'http:' || u.protocol === 'https:') && u.host === `127.0.0.1:${server.port}`;
    if (local || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
    foreign.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const axeSource = readFileSync(node_modules().resolve('axe-core/axe.min.js'), 'utf8');
  const pageErrors = [];
  return {
    ctx,
    foreign,
    async page() {
      const p = await ctx.newPage();
      p.on('pageerror', (e) => pageErrors.push(String(e)));
      return p;
    },
    // Accessibility (WCAG 2 A/AA: labels, contrast, names, language) and no foreign requests.
    async check(page, name) {
      if (foreign.length) throw new Error(`requests to another host: ${foreign.join(', ')}`);
      if (pageErrors.length) throw new Error(`JavaScript errors on the page: ${pageErrors.join('; ')}`);
      await page.evaluate(axeSource);
      const result = await page.evaluate(() =>
        // eslint-disable-next-line no-undef
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      if (result.violations.length) {
        const lines = result.violations.map((v) =>
          `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')})`);
        throw new Error(`accessibility violations on ${name}:\n  ${lines.join('\n  ')}`);
      }
      if (process.env.AGRITRACE_SCREENSHOTS === '1' && server.ledger === 'embedded') {
        const dir = join(SOURCE_DIR, 'docs/screenshots', area);
        mkdirSync(dir, { recursive: true });
        await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
      }
    },
    async close() { await ctx.close(); },
  };
}

// ---- a tiny runner ------------------------------------------------------------------------------
export function expect(cond, message) {
  if (!cond) throw new Error(`expectation failed: ${message}`);
}

// `serverFlags`: extra `agritrace serve` flags of every test's server (e.g. --payment-keys).
export function suite(area, { serverFlags = [] } = {}) {
  const tests = [];
  return {
    test(name, fn) { tests.push({ name, fn }); },
    async run() {
      const only = process.env.AGRITRACE_BROWSER_ONLY;  // a substring of test names
      let passed = 0, failed = 0;
      for (const ledger of ledgers()) {
        for (const t of tests) {
          if (only && !t.name.includes(only)) continue;
          const label = `${t.name} [${ledger}]`;
          const started = performance.now();
          let server, context;
          try {
            server = await startServer(ledger, serverFlags);
            context = await openContext(server, area);
            await t.fn({ server, context, ledger });
            ++passed;
            console.log(`ok   ${label} (${Math.round(performance.now() - started)} ms)`);
          } catch (e) {
            ++failed;
            console.log(`FAIL ${label}: ${e && e.stack ? e.stack : e}`);
            if (server) console.log(`server stderr (last lines):\n${server.log()}`);
          } finally {
            try { await context?.close(); } catch { /* already gone */ }
            await server?.stop();
          }
        }
      }
      await closeBrowser();
      console.log(`browser ${area}: ${passed} passed, ${failed} failed`);
      process.exit(failed || passed === 0 ? 1 : 0);
    },
  };
}
