// Browser tests of the zh-CN regulator portal (issue 13, "Pages"; docs/REGULATOR.md "Portal"): a
// Guangzhou inspector and a Greater Bay Area supervisor use /regulator in Debian chromium
// (headless, desktop) on a real `agritrace serve` whose data the demo (`agritrace demo`, real HTTP
// commands: enterprises in Huizhou, Dongguan, Guangzhou and Shenzhen, their chain, three bureaus
// and their filed entities) and the test's own HTTP calls (an inspection with its uploaded form, a
// draw) created. Every page passes axe-core and requests nothing from another host. Run by ctest
// (browser_regulator) on both ledgers; with AGRITRACE_SCREENSHOTS=1 the pages go to
// docs/screenshots/regulator-*.png.
//
// The three tests: the portal itself over the routes (login, entity list and detail,
// jurisdiction isolation, 401 and 403 handling, logout); R-4.5.2 (inspection entry with the signed
// form, its place in the entity's detail, random draws and their verification badge); R-4.5.3 /
// R-4.5.4 (dashboard charts and compliance, ledger filter with CSV, chain graph across >= 3 cities).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN_KEY, DESKTOP, SOURCE_DIR, apiClient, daysFromToday, expect, openContext, suite } from '../support/harness.mjs';

const s = suite('regulator');
const BINARY = process.env.AGRITRACE_BINARY || join(SOURCE_DIR, 'build/test/agritrace');
const PASSWORD = 'Market-Watch-2024';
// Screenshots as docs/screenshots/regulator-<view>.png.
const SHOTS = '';

// `agritrace demo` against the test server: every datum goes through the HTTP API.
async function seedDemo(server) {
  const child = spawn(BINARY, ['demo', '--url', server.base], {
    env: { ...process.env, AGRITRACE_ADMIN_KEY: ADMIN_KEY }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c.toString(); });
  child.stderr.on('data', (c) => { out += c.toString(); });
  const code = await new Promise((r) => child.once('exit', r));
  expect(code === 0, `agritrace demo exited ${code}: ${out}`);
  expect(out.includes('/regulator') && out.includes('gz-amr') && out.includes(PASSWORD), 'the demo prints the portal logins');
  return out;
}

// A bureau user's API client (its session token).
async function bureauApi(server, bureau, username) {
  const r = await server.api().call('POST', '/v1/regulator/sessions', { bureau_id: bureau, username, password: PASSWORD });
  expect(r.status === 201, `login ${bureau}/${username}: ${r.status} ${r.body}`);
  return apiClient(server.base, r.json.token);
}

async function entityIdByName(api, name) {
  const list = await api.get('/v1/regulator/entities?limit=500');
  const e = list.items.find((x) => x.name === name);
  expect(e, `entity ${name} listed`);
  return e.entity_id;
}

// Waits until the portal drew a view named `name` after `action` ran (also across a reload: the
// marker is reset on the current document first).
async function drawn(page, name, action) {
  await page.evaluate(() => document.getElementById('main')?.setAttribute('data-render', '0')).catch(() => {});
  await action();
  await page.waitForFunction((n) => {
    const m = document.getElementById('main');
    const r = m && m.getAttribute('data-render');
    return r && r !== '0' && m.dataset.page === n && m.getAttribute('aria-busy') === 'false';
  }, name, { timeout: 30000 });
}

async function login(page, server, bureau, username) {
  await drawn(page, 'login', () => page.goto(`${server.base}/regulator`));
  await page.getByLabel('机构编号').fill(bureau);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await drawn(page, 'dashboard', () => page.getByRole('button', { name: '登录' }).click());
}

async function navTo(page, label, name) {
  await drawn(page, name, () => page.getByRole('navigation').getByRole('link', { name: label }).click());
}

async function desktop(server, fn) {
  const ctx = await openContext(server, SHOTS, DESKTOP);
  try {
    await fn(ctx);
  } finally {
    await ctx.close();
  }
}

const GZ_WHOLESALER = '广州江南果菜批发有限公司';
const GZ_STALL = '陈记蔬菜档';
const SZ_SHOP = '深圳市福田区鲜果坊';
const DG_PLANT = '东莞市鲜达农产品加工有限公司';

s.test('portal: login, entity list and detail within the jurisdiction, 401 / 403 / empty states, logout', async ({ server }) => {
  await seedDemo(server);
  const gba = await bureauApi(server, 'gba-amr', 'chen.sup');
  const szShop = await entityIdByName(gba, SZ_SHOP);
  await desktop(server, async (ctx) => {
    const page = await ctx.page();
    // A wrong password is refused on the form.
    await drawn(page, 'login', () => page.goto(`${server.base}/regulator`));
    await ctx.check(page, 'regulator-login');
    await page.getByLabel('机构编号').fill('gz-amr');
    await page.getByLabel('用户名').fill('zhao.insp');
    await page.getByLabel('密码').fill('wrong-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('#login-error', { hasText: '错误' }).waitFor();

    // The Guangzhou inspector: the dashboard (whatever routes this server has), then the entities.
    await login(page, server, 'gz-amr', 'zhao.insp');
    expect((await page.locator('#who').innerText()).includes('gz-amr'), 'the header names the bureau');
    await ctx.check(page, 'regulator-dashboard-gz');
    await navTo(page, '主体名录', 'entities');
    const rows = page.locator('#entity-table tbody tr');
    const text = await page.locator('#entity-table').innerText();
    expect(await rows.count() === 2, `Guangzhou's two entities, got ${await rows.count()}: ${text}`);
    expect(text.includes(GZ_WHOLESALER) && text.includes(GZ_STALL), 'both Guangzhou entities listed');
    expect(!text.includes(SZ_SHOP) && !text.includes(DG_PLANT), 'no entity outside Guangzhou');
    expect(text.includes('13800138000'), 'the filing bureau sees its own filing unmasked');
    await ctx.check(page, 'regulator-entities');

    // The division filter narrows; a division outside the jurisdiction is refused: 无权限.
    await page.getByLabel('行政区划代码').fill('440106');
    await drawn(page, 'entities', () => page.getByRole('button', { name: '筛选' }).click());
    expect(await rows.count() === 1 && (await rows.innerText()).includes(GZ_STALL), 'Tianhe: the stall only');
    await page.getByLabel('行政区划代码').fill('440304');
    await drawn(page, 'entities', () => page.getByRole('button', { name: '筛选' }).click());
    await page.locator('[data-state=forbidden]', { hasText: '无权限' }).waitFor();

    // The detail of its own entity; Shenzhen's entity, even by its id, is not found.
    await navTo(page, '主体名录', 'entities');
    await drawn(page, 'entity', () => page.getByRole('link', { name: GZ_WHOLESALER }).click());
    expect((await page.locator('#entity-name').innerText()) === GZ_WHOLESALER, 'the detail page');
    expect((await page.locator('#entity-filing').innerText()).includes('91440101MA59XYW12B'), 'its USCC');
    await ctx.check(page, 'regulator-entity');
    await drawn(page, 'entity', () => page.goto(`${server.base}/regulator#/entities/${szShop}`));
    await page.locator('[data-state=empty]', { hasText: '未找到该主体' }).waitFor();
    expect(!(await page.locator('#main').innerText()).includes(SZ_SHOP), 'nothing of the Shenzhen entity');

    // Every view draws (data, 暂无数据 or 无权限) without a script error.
    for (const [label, name] of [['监督检查', 'inspect'], ['双随机', 'draws'], ['台账筛选', 'ledger'], ['流向图', 'chain'], ['仪表盘', 'dashboard']]) {
      await navTo(page, label, name);
      await ctx.check(page, `regulator-${name}-gz`);
    }

    // An expired token: back to the login form with a message.
    await page.evaluate(() => sessionStorage.setItem('agritrace.regulator.token', 'expired-token'));
    await drawn(page, 'login', () => page.reload());
    await page.locator('#login-message', { hasText: '登录已失效' }).waitFor();

    // The GBA supervisor sees every city's entities, other bureaus' personal data masked; logout.
    await login(page, server, 'gba-amr', 'chen.sup');
    await navTo(page, '主体名录', 'entities');
    const all = await page.locator('#entity-table').innerText();
    expect(all.includes(GZ_WHOLESALER) && all.includes(SZ_SHOP) && all.includes(DG_PLANT), 'GBA: all cities');
    expect(all.includes('138****8000') && !all.includes('13800138000'), 'GBA: the Guangzhou stall\'s phone masked');
    await drawn(page, 'login', () => page.getByRole('button', { name: '退出登录' }).click());
    expect(await page.evaluate(() => sessionStorage.getItem('agritrace.regulator.token')) === null, 'token dropped');
    const after = await gba.call('GET', '/v1/regulator/bureau');
    expect(after.status === 200, 'the API client\'s own session is another one');

    // A bureau with nothing filed yet (Zhuhai): every view says there is no data.
    await server.admin.post('/v1/regulator/bureaus', { bureau_id: 'zh-amr', name: '珠海市市场监督管理局', jurisdiction: '440400' });
    await server.admin.post('/v1/regulator/bureaus/zh-amr/users', { username: 'he.insp', password: PASSWORD, role: 'inspector' });
    await login(page, server, 'zh-amr', 'he.insp');
    await navTo(page, '主体名录', 'entities');
    await page.locator('[data-state=empty]', { hasText: '暂无数据' }).waitFor();
    await navTo(page, '监督检查', 'inspect');
    await page.locator('[data-state=empty]').first().waitFor();
    await ctx.check(page, 'regulator-inspect-empty');
  });
});

// A small PDF standing for the scanned, signed inspection form.
const FORM_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
  'trailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

s.test('R-4.5.2 inspection entry with the signed form, the entity detail, random draws with verification', async ({ server }) => {
  await seedDemo(server);
  // Demo data through the API: one inspection with its uploaded form (Guangzhou) and a draw.
  const zhao = await bureauApi(server, 'gz-amr', 'zhao.insp');
  const stall = await entityIdByName(zhao, GZ_STALL);
  const wholesaler = await entityIdByName(zhao, GZ_WHOLESALER);
  const checklist = await zhao.get('/v1/regulator/checklist');
  expect(checklist.items.length > 0, 'a checklist');
  const up = await zhao.call('POST', '/v1/regulator/documents', FORM_PDF, { 'Content-Type': 'application/pdf' });
  expect(up.status === 201, `upload ${up.status} ${up.body}`);
  await zhao.post('/v1/regulator/inspections', {
    entity_id: stall, inspected_on: daysFromToday(-20), inspectors: ['zhao.insp', 'qian.insp'],
    items: checklist.items.map((it) => ({ code: it.code, result: 'conforming', note: '' })),
    findings: '现场整洁，票据齐全', follow_up: '无', form_sha256: up.json.sha256 });
  const li = await bureauApi(server, 'gz-amr', 'li.sup');
  await li.post('/v1/regulator/draws', { entity_count: 2, inspectors_per_entity: 2 });

  await desktop(server, async (ctx) => {
    const page = await ctx.page();
    await login(page, server, 'gz-amr', 'zhao.insp');
    // The stall's detail shows the inspection recorded through the API.
    await drawn(page, 'entity', () => page.goto(`${server.base}/regulator#/entities/${stall}`));
    expect((await page.locator('#inspection-table').innerText()).includes('现场整洁，票据齐全'), 'the API inspection listed');

    // The inspector enters an inspection of the wholesaler through the form.
    await drawn(page, 'entity', () => page.goto(`${server.base}/regulator#/entities/${wholesaler}`));
    await drawn(page, 'inspect', () => page.getByRole('link', { name: '录入检查记录' }).click());
    expect(await page.getByLabel('检查对象').inputValue() === wholesaler, 'the entity preselected');
    await page.getByLabel('检查日期').fill(daysFromToday(0));
    await page.getByLabel('检查人员（用户名，多人以逗号分隔）').fill('zhao.insp, qian.insp');
    // Submitted with no result chosen: the server's problem shows next to a field, nothing is saved.
    await page.getByRole('button', { name: '提交检查记录' }).click();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.field-error')).some((e) => e.textContent.trim()));
    expect(await page.locator('#main').getAttribute('data-page') === 'inspect', 'still on the form');
    await ctx.check(page, 'regulator-inspection-error');
    const items = page.locator('fieldset.item');
    const n = await items.count();
    expect(n === checklist.items.length, `one fieldset per checklist item (${n})`);
    for (let i = 0; i < n; i++) {
      await items.nth(i).getByLabel(i === 1 ? '基本符合' : '符合', { exact: true }).check();
    }
    await page.getByLabel('发现的问题').fill('冷库温度记录缺 2 天');
    await page.getByLabel('整改要求与后续处理').fill('补齐温度记录，一周内复查');
    await page.getByLabel('签字检查表（PDF、JPEG 或 PNG，不超过 10 MB）')
      .setInputFiles({ name: '检查表.pdf', mimeType: 'application/pdf', buffer: FORM_PDF });
    await ctx.check(page, 'regulator-inspection-form');
    await drawn(page, 'entity', () => page.getByRole('button', { name: '提交检查记录' }).click());
    await page.locator('#saved').waitFor();
    const table = await page.locator('#inspection-table').innerText();
    expect(table.includes('冷库温度记录缺 2 天') && table.includes('基本符合'), `the new inspection in the detail: ${table}`);
    expect(table.includes('qian.insp'), 'its inspectors');
    await ctx.check(page, 'regulator-entity-inspected');
    const recorded = await zhao.get(`/v1/regulator/inspections?entity_id=${wholesaler}`);
    const rec = (recorded.inspections || recorded.items).find((x) => x.findings === '冷库温度记录缺 2 天');
    expect(rec && rec.form_sha256 && rec.overall === 'basically_conforming', `recorded with the form: ${JSON.stringify(rec)}`);

    // Draws are the supervisors' (inspections' contract change of 00:57): an inspector gets 无权限.
    await navTo(page, '双随机', 'draws');
    expect(await page.locator('#draw-form').count() === 0, 'no draw form for an inspector');
    await page.locator('[data-state=forbidden]', { hasText: '无权限' }).waitFor();

    // The GBA supervisor draws through the form; an inspection by a supervisor is refused: 无权限.
    await drawn(page, 'login', () => page.getByRole('button', { name: '退出登录' }).click());
    await login(page, server, 'gba-amr', 'chen.sup');
    await navTo(page, '双随机', 'draws');
    await page.locator('.draw .verification[data-reproduced=true]').first().waitFor();  // the demo's draw
    await page.getByLabel('抽取主体数').fill('3');
    await page.getByLabel('随机种子（选填，十六进制）').fill('5eed01');
    await drawn(page, 'draws', () => page.getByRole('button', { name: '发起抽取' }).click());
    const draw = page.locator('.draw').first();
    expect((await draw.locator('tbody tr').count()) === 3, 'three entities drawn');
    await draw.locator('.verification[data-reproduced=true]').waitFor();
    await ctx.check(page, 'regulator-draws');
    await drawn(page, 'inspect', () => page.goto(`${server.base}/regulator#/inspect`));
    await page.locator('fieldset.item').first().getByLabel('符合', { exact: true }).check();
    await page.getByRole('button', { name: '提交检查记录' }).click();
    await page.locator('#inspection-error', { hasText: '无权限' }).waitFor();
  });
});

s.test('R-4.5.3 / R-4.5.4 dashboard charts and compliance, ledger filter with CSV, chain graph across cities', async ({ server }) => {
  await seedDemo(server);
  const gba = await bureauApi(server, 'gba-amr', 'chen.sup');
  // The product the Guangzhou wholesaler sold on (the demo: the plant's packs, to Shenzhen).
  const out = await gba.get('/v1/regulator/ledger-lines?direction=out&limit=500');
  const sold = out.lines.find((l) => l.enterprise_name === GZ_WHOLESALER);
  expect(sold, `the wholesaler's out lines: ${JSON.stringify(out.lines.slice(0, 3))}`);
  const product = sold.product;

  await desktop(server, async (ctx) => {
    const page = await ctx.page();
    await login(page, server, 'gba-amr', 'chen.sup');
    // Dashboard: counts, the circulation and production charts (SVG bars), the compliance panel.
    expect(Number(await page.locator('#count-filed').innerText()) >= 6, 'six entities filed in the GBA');
    expect(await page.locator('#circulation svg rect.bar').count() > 0, 'circulation bars');
    expect(await page.locator('#production svg rect.bar').count() > 0, 'production bars');
    await page.locator('#compliance h3').first().waitFor();
    await ctx.check(page, 'regulator-dashboard');

    // Ledger filter by product: the lines of every city; the CSV of the same filter downloads.
    await navTo(page, '台账筛选', 'ledger');
    await page.getByLabel('品名').fill(product);
    await drawn(page, 'ledger', () => page.getByRole('button', { name: '查询' }).click());
    const lines = await page.locator('#ledger-table').innerText();
    expect(lines.includes(GZ_WHOLESALER) && lines.includes(DG_PLANT), `lines of Guangzhou and Dongguan: ${lines}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv-download').click()]);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    const csv = Buffer.concat(chunks).toString('utf8');
    expect(csv.split('\n').length > 2 && csv.includes(GZ_WHOLESALER), `CSV: ${csv.slice(0, 300)}`);
    await ctx.check(page, 'regulator-ledger');

    // The chain graph: nodes grouped by city, at least three cities, edges with quantities.
    await navTo(page, '流向图', 'chain');
    await page.getByLabel('品名').fill(product);
    await drawn(page, 'chain', () => page.getByRole('button', { name: '生成流向图' }).click());
    const cities = Number(await page.locator('#chain-summary').getAttribute('data-cities'));
    expect(cities >= 3, `at least three cities in the chain, got ${cities}`);
    expect(await page.locator('#chain-svg g.city').count() >= cities, 'one box per city (and the consumers)');
    expect(await page.locator('#chain-svg g.edge').count() >= 2, 'the flows drawn');
    const edges = await page.locator('#chain-table').innerText();
    expect(edges.includes('广州') && edges.includes('深圳'), `flows Guangzhou -> Shenzhen: ${edges}`);
    await ctx.check(page, 'regulator-chain');

    // A Guangzhou inspector's ledger shows no Shenzhen enterprise's own lines.
    await drawn(page, 'login', () => page.getByRole('button', { name: '退出登录' }).click());
    await login(page, server, 'gz-amr', 'zhao.insp');
    await drawn(page, 'ledger', () => page.goto(`${server.base}/regulator#/ledger?product=${encodeURIComponent(product)}`));
    const own = page.locator('#ledger-table tbody tr td:nth-child(2)');
    const names = await own.allInnerTexts();
    expect(names.length > 0 && names.every((x) => x === GZ_WHOLESALER), `Guangzhou's lines only: ${names.join(', ')}`);
  });
});

await s.run();
