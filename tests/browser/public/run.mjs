// Browser tests of the consumer scan side (issue 12, R-4.4.1): a phone (WeChat-like, zh-CN)
// opens the GS1 Digital Link of a normal, a recalled and a disabled code, and its scan history.
// Run by ctest (browser_public) on both ledgers; ./scripts/deps --browser installs the tools.
import { expect, suite } from '../support/harness.mjs';
import { localUrl, plantWithCodes, serialOf } from '../support/chain.mjs';

const s = suite('public');
const GUANGZHOU = { latitude: 23.129, longitude: 113.264 };
const BEIJING = { latitude: 39.904, longitude: 116.407 };

// Opens a code's page; waits for the coarse location to be posted when the context has one.
async function scan(page, url, located) {
  const posted = located ? page.waitForResponse((r) => r.url().endsWith('/location')) : null;
  const resp = await page.goto(url);
  if (posted) expect((await posted).status() === 201, 'location recorded');
  return resp;
}

s.test('R-4.4.1 scan page of a normal code: chain stage by stage, personal data masked', async ({ server, context }) => {
  const chain = await plantWithCodes(server);
  const page = await context.page();
  const resp = await scan(page, localUrl(server, chain.uris[0]));
  expect(resp.status() === 200, `status ${resp.status()}`);
  await page.getByRole('heading', { name: '净菜菜心 500g', level: 1 }).waitFor();
  const text = await page.locator('main').innerText();
  for (const want of ['追溯码有效', '原料来源', '博罗****合作社', '广东省惠州市', '生产加工', '东莞市鲜达净菜加工有限公司',
    '流通环节', '监督抽检', '暂无该批次的抽检信息', '首次扫描于', '共被扫描 1 次']) {
    expect(text.includes(want), `page shows ${want}`);
  }
  expect(!text.includes('博罗县绿源菜心种植专业合作社'), 'supplier name masked');
  expect(!text.includes('13826601234') && !text.includes('黄国华'), 'contact not shown');
  expect(!text.includes('召回警告'), 'no recall warning');
  // The JSON twin (apps, mini-programs) carries the same content.
  const json = await server.api().call('GET', chain.uris[0].slice(chain.uris[0].indexOf('/01/')), undefined,
    { Accept: 'application/json' });
  expect(json.status === 200 && json.json.status === 'active', `json ${json.body}`);
  expect(json.json.materials[0].supplier === '博罗****合作社', 'json supplier masked');
  expect(json.json.circulation[0].step === 'produced', 'json circulation');
  expect(Array.isArray(json.json.sampling) && json.json.scans.count === 2, 'json sampling and scans');
  await context.check(page, 'scan-normal');
});

s.test('R-4.4.1 scan page of a recalled code shows the recall warning', async ({ server, context }) => {
  const chain = await plantWithCodes(server);
  await chain.plant.api.post('/v1/recalls', { scope: 'batch', id: chain.batchId, reason: '农药残留超标' });
  const page = await context.page();
  const resp = await scan(page, localUrl(server, chain.uris[1]));
  expect(resp.status() === 200, `status ${resp.status()}`);
  const alert = page.locator('.recall[role=alert]');
  await alert.waitFor();
  expect((await alert.innerText()).includes('召回警告'), 'recall warning');
  await context.check(page, 'scan-recalled');
});

s.test('R-4.4.1 scan page of a disabled code answers 410 with a warning', async ({ server, context }) => {
  const chain = await plantWithCodes(server);
  await chain.plant.api.post(`/v1/codes/${serialOf(chain.uris[2])}/disable`, { reason: '包装破损' });
  const page = await context.page();
  const resp = await scan(page, localUrl(server, chain.uris[2]));
  expect(resp.status() === 410, `status ${resp.status()}`);
  const text = await page.locator('[role=alert]').first().innerText();
  expect(text.includes('已被生产者停用'), 'disabled warning');
  await context.check(page, 'scan-disabled');
});

s.test('R-4.4.1 scan history, coarse location, phone verification and counterfeit signals', async ({ server, context }) => {
  const chain = await plantWithCodes(server);
  // Consumer A in Guangzhou scans two codes.
  await context.ctx.grantPermissions(['geolocation']);
  await context.ctx.setGeolocation(GUANGZHOU);
  const page = await context.page();
  await scan(page, localUrl(server, chain.uris[0]), true);
  await scan(page, localUrl(server, chain.uris[1]), true);
  await page.goto(`${server.base}/public/my-scans`);
  const rows = page.locator('tbody tr');
  expect(await rows.count() === 2, `two scans in the history, got ${await rows.count()}`);
  expect((await rows.first().innerText()).includes('广州市'), 'the coarse location is shown as a city');
  // Optional phone verification (the development stand-in shows the code).
  await page.getByLabel('手机号', { exact: true }).fill('13800138000');
  await page.getByRole('button', { name: '获取验证码' }).click();
  const result = page.locator('#phone-result');
  await result.filter({ hasText: '开发环境验证码' }).waitFor();
  const code = /验证码 (\d{6})/.exec(await result.innerText())[1];
  await page.getByLabel('验证码', { exact: true }).fill(code);
  await page.getByRole('button', { name: '验证', exact: true }).click();
  await result.filter({ hasText: '138****8000' }).waitFor();
  await context.check(page, 'scan-history');

  // Consumer B scans the first code in Beijing minutes later: far apart -> counterfeit warning.
  const other = await context.ctx.browser().newContext({ locale: 'zh-CN', geolocation: BEIJING, permissions: ['geolocation'] });
  const pageB = await other.newPage();
  await scan(pageB, localUrl(server, chain.uris[0]), true);
  await other.close();
  await page.goto(localUrl(server, chain.uris[0]));
  const warn = page.locator('.warn[role=alert]');
  await warn.first().waitFor();
  expect((await warn.first().innerText()).includes('相距很远'), 'far-apart warning');
  expect((await page.locator('.scan-first').innerText()).includes('广州市'), 'first scanned in Guangzhou');
  await context.check(page, 'scan-counterfeit-warning');
  // The owner and the regulators (platform) see the alert.
  const owner = await chain.plant.api.get('/v1/scan-alerts');
  expect(owner.count === 1 && owner.items[0].warnings.includes('far_apart'), `owner alerts ${JSON.stringify(owner)}`);
  const platform = await server.admin.get('/v1/platform/scan-alerts');
  expect(platform.count === 1 && platform.items[0].serial === serialOf(chain.uris[0]), 'platform alerts');
});

await s.run();
