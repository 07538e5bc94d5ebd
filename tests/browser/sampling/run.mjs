// Browser tests of the sampling inspection publication (issue 12, R-4.4.S): a phone (zh-CN) opens
// the public list of sampling results and filters it, and the scan page of a code whose batch has
// a failing official sample and a recall shows both warnings. axe accessibility check and no
// request to another host on each page. Run by ctest (browser_sampling) on both ledgers; with
// AGRITRACE_SCREENSHOTS=1 the pages go to docs/screenshots/public/.
import { daysFromToday, expect, suite } from '../support/harness.mjs';
import { PLANT_USCC, localUrl, plantWithCodes } from '../support/chain.mjs';

const s = suite('public');

function sample(sampleNumber, lotCode, extra = {}) {
  return {
    sample_number: sampleNumber, announcement_number: '2026年第47期', announcement_date: daysFromToday(-1),
    sampled_unit_name: '深圳市福田区鲜果超市', sampled_unit_region: '广东省深圳市',
    producer_name: '东莞市鲜达净菜加工有限公司', producer_uscc: PLANT_USCC, producer_region: '广东省东莞市',
    food_name: '净菜菜心', specification: '500g/袋', production_date: daysFromToday(-12), lot_code: lotCode,
    result: '不合格', failing_items: [{ item: '腐霉利', measured_value: '0.52mg/kg', standard_value: '≤0.2mg/kg' }],
    category: '蔬菜', subcategory: '叶菜类蔬菜', task_source: '广东省市场监督管理局',
    testing_institution: '广东省食品检验所', status: 'final', ...extra,
  };
}

s.test('R-4.4.S sampling list with a filter, and the scan page of a failing, recalled batch', async ({ server, context }) => {
  const chain = await plantWithCodes(server);
  const lotCode = (await chain.plant.api.get(`/v1/batches/${chain.batchId}`)).lot_code;
  await chain.plant.api.post('/v1/recalls', { scope: 'batch', id: chain.batchId, reason: '腐霉利超标' });
  await chain.plant.api.get('/v1/recalls');  // the views hold the recall
  await server.admin.post('/v1/sampling-results', sample('DBJ26440000001', lotCode));
  await server.admin.post('/v1/sampling-results', sample('DBJ26440000002', '', {
    food_name: '鲜鸡蛋', producer_name: '惠州市绿源蛋品有限公司', producer_uscc: '', result: '合格', failing_items: [],
    sampled_unit_name: '广州市天河区惠民生鲜店', sampled_unit_region: '广东省广州市', category: '蛋及蛋制品',
    subcategory: '鲜蛋', specification: '散装' }));
  await server.admin.post('/v1/sampling-results', sample('DBJ26440000003', 'LZ-DRAFT', { status: 'draft' }));
  const listed = await server.admin.get('/v1/public/sampling-results');  // waits for the views
  expect(listed.items.length === 2, `two final results listed, got ${listed.items.length}`);

  // The public list on a phone: both final results, the draft not; then filtered by the form.
  const page = await context.page();
  const resp = await page.goto(`${server.base}/public/sampling`);
  expect(resp.status() === 200, `status ${resp.status()}`);
  await page.getByRole('heading', { name: '食品安全监督抽检信息', level: 1 }).waitFor();
  let text = await page.locator('main').innerText();
  expect(text.includes('净菜菜心') && text.includes('鲜鸡蛋'), 'both final results listed');
  expect(!text.includes('DBJ26440000003'), 'the draft is not public');
  await page.getByLabel('食品名称').fill('菜心');
  await page.getByLabel('结论').selectOption('不合格');
  await Promise.all([page.waitForURL(/result=/), page.getByRole('button', { name: '查询' }).click()]);
  text = await page.locator('main').innerText();
  expect(text.includes('净菜菜心') && text.includes('腐霉利') && text.includes('≤0.2mg/kg'), 'the failing result');
  expect(!text.includes('鲜鸡蛋'), 'filtered out');
  await context.check(page, 'sampling-list');

  // The scan page of a code of that batch: the failing sample and the recall warning, both.
  const scan = await page.goto(localUrl(server, chain.uris[0]));
  expect(scan.status() === 200, `scan status ${scan.status()}`);
  await page.locator('.recall[role=alert]').waitFor();
  const failing = page.locator('#s-samp + ul li.bad');
  expect(await failing.count() === 1, 'one failing sample on the scan page');
  const line = await failing.innerText();
  expect(line.includes('不合格') && line.includes('腐霉利') && line.includes('广东省食品检验所'), `sample line: ${line}`);
  await context.check(page, 'scan-sampling-failed');
});

await s.run();
