// Browser tests of the consumer's complaint pages (issue 12, R-4.4.2): a phone (zh-CN) looks up
// its payment voucher, files a complaint with an image upload, follows the case page through the
// regulator's acceptance and the shop's answer, and rates the closed case; the same form works
// without script (text only). Run by ctest (browser_care) on both ledgers; every page passes
// axe-core and requests nothing from another host. ./scripts/deps --browser installs the tools.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { daysFromToday, expect, PHONE, suite, testNowMs } from '../support/harness.mjs';
import { plantWithCodes, PLANT_USCC } from '../support/chain.mjs';

const SECRET = 'pos-webhook-secret-of-at-least-32-bytes';
const keysDir = mkdtempSync(join(tmpdir(), 'agritrace-care-keys-'));
const keysFile = join(keysDir, 'payment_keys.json');
// A webhook secret: never left behind in /tmp, whatever the outcome.
process.on('exit', () => rmSync(keysDir, { recursive: true, force: true }));
writeFileSync(keysFile, JSON.stringify({ merchants: [{ uscc: PLANT_USCC, webhook: { secret: SECRET } }] }));

const s = suite('care', { serverFlags: ['--payment-keys', keysFile] });

// A small RGB PNG (a photo stand-in) with a text chunk carrying a position, built here.
const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function photoPng(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2;  // 8-bit RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = 40 + x * 3; raw[o + 1] = 120; raw[o + 2] = 40 + y * 3;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Location\0GPS 23.1N 113.3E', 'latin1')), chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0))]);
}

// The shop sells a code with a payment voucher; the POS webhook reports the payment.
async function paidVoucher(server) {
  const chain = await plantWithCodes(server);
  const voucher = 'POS' + Math.floor(testNowMs()).toString(36).toUpperCase();
  await chain.plant.api.post('/v1/retail-sales', { codes: [chain.uris[0]], payment_voucher: voucher, price_fen: 2580 });
  const body = JSON.stringify({ transaction_id: voucher, amount_fen: 2580,
    paid_at: new Date(testNowMs()).toISOString().replace(/\.\d+Z$/, 'Z') });
  const ts = String(Math.floor(testNowMs() / 1000));
  const nonce = 'n' + Math.random().toString(36).slice(2);
  const sig = createHmac('sha256', SECRET).update(`${ts}\n${nonce}\n${body}\n`).digest('hex');
  const r = await server.api().call('POST', `/v1/public/payments/webhook/${PLANT_USCC}`, body, {
    'X-Agritrace-Timestamp': ts, 'X-Agritrace-Nonce': nonce, 'X-Agritrace-Signature': sig });
  expect(r.status === 200, `webhook ${r.status} ${r.body}`);
  return { chain, voucher, position: r.json.position };
}

async function lookUp(page, server, voucher, position) {
  // The first load waits for the payment's position (the views); the form is then used as a consumer would.
  await page.goto(`${server.base}/public/voucher?after=${position}`);
  await page.getByLabel('支付凭证号（交易单号或商户单号）').fill(voucher);
  await page.getByLabel('支付金额（元）').fill('25.80');
  await page.getByLabel('支付日期').fill(daysFromToday(0));
  await page.getByRole('button', { name: '查询' }).click();
  await page.getByRole('heading', { name: '支付记录' }).waitFor();
}

s.test('R-4.4.2 voucher lookup, complaint with an image upload, case page and rating', async ({ server, context }) => {
  const { voucher, position } = await paidVoucher(server);
  const page = await context.page();
  await lookUp(page, server, voucher, position);
  const text = await page.locator('main').innerText();
  for (const want of ['东莞市鲜达净菜加工有限公司', '¥25.80', '追溯码', '食安维权投诉']) {
    expect(text.includes(want), `voucher page shows ${want}`);
  }
  await context.check(page, 'voucher-lookup');

  // A complaint with a photo: the page's script uploads it as JSON and opens the case page.
  await page.getByLabel('投诉内容').fill('买回的菜心有异味，食用后腹泻');
  await page.getByLabel('联系电话（选填，仅受理部门可见完整号码）').fill('13800138000');
  await page.setInputFiles('#images', { name: 'photo.png', mimeType: 'image/png', buffer: photoPng(64, 48) });
  await context.check(page, 'complaint-form');
  await Promise.all([page.waitForURL(/\/public\/complaints\/TS\d{12}\?token=/), page.getByRole('button', { name: '提交投诉' }).click()]);
  await page.getByRole('heading', { name: /投诉案件 TS/ }).waitFor();
  expect((await page.locator('#case-state').innerText()).includes('待受理'), 'pending');
  const img = page.getByRole('img', { name: '投诉图片 1' });
  await img.waitFor();
  expect(await img.evaluate((el) => el.complete && el.naturalWidth === 64), 'the image is served back');
  const caseId = /TS\d{12}/.exec(page.url())[0];
  await context.check(page, 'complaint-case-pending');

  // The regulator (the platform operator for now) accepts, handles and closes; the case page shows each step.
  const reg = `/v1/regulator/complaints/${PLANT_USCC}/${caseId}/transitions`;
  await server.admin.post(reg, { state: 'accepted', feedback: '已受理，请企业在期限内处理' }, [201]);
  await server.admin.post(reg, { state: 'in_progress', feedback: '已通知企业联系消费者' }, [201]);
  const closed = await server.admin.call('POST', reg, { state: 'closed', feedback: '企业已全额退款并致歉' });
  expect(closed.status === 201, `closed ${closed.body}`);
  await page.goto(`${page.url().split('&after=')[0]}&after=${closed.json.position}`);
  const history = await page.locator('#history').innerText();
  for (const want of ['待受理', '已受理', '处理中', '已结案', '企业已全额退款并致歉']) {
    expect(history.includes(want), `history shows ${want}`);
  }
  await page.getByLabel('满意度').selectOption('4');
  await page.getByLabel('评价内容（选填）').fill('处理及时');
  await Promise.all([page.waitForURL(/after=/), page.getByRole('button', { name: '提交评价' }).click()]);
  await page.locator('#rating').waitFor();
  expect((await page.locator('#rating').innerText()).includes('4 星'), 'rated');
  await context.check(page, 'complaint-case-rated');
});

s.test('R-4.4.2 without script the complaint form still files the text', async ({ server, context }) => {
  const { voucher, position } = await paidVoucher(server);
  const ctx = await context.ctx.browser().newContext({ ...PHONE, javaScriptEnabled: false });
  const foreign = [];
  await ctx.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.host === `127.0.0.1:${server.port}`) return route.continue();
    foreign.push(u.href);
    return route.abort('blockedbyclient');
  });
  const page = await ctx.newPage();
  await lookUp(page, server, voucher, position);
  await page.getByLabel('投诉内容').fill('包装破损，菜心发黄');
  await Promise.all([page.waitForURL(/\/public\/complaints\/TS\d{12}\?token=/), page.getByRole('button', { name: '提交投诉' }).click()]);
  expect((await page.locator('#case-state').innerText()).includes('待受理'), 'filed without script');
  expect((await page.locator('.complaint-text').innerText()).includes('包装破损'), 'text kept');
  // A wrong token shows nothing of the case.
  const wrong = await page.goto(page.url().replace(/token=[0-9a-f]+/, 'token=00'));
  expect(wrong.status() === 404, `wrong token ${wrong.status()}`);
  expect(foreign.length === 0, `requests to another host: ${foreign.join(', ')}`);
  await ctx.close();
});

await s.run();
