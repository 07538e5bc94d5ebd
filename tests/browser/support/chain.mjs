// Ready-made supply chains over the HTTP API for the browser tests (the same bodies as
// tests/e2e/base/fixtures.cpp): a farm supplier, a purchase received, a batch made of it, codes.
import { daysFromToday, registerEnterprise } from './harness.mjs';

export const FARM_USCC = '93441322MA4W12345F';   // GB 32100 check passes
export const PLANT_USCC = '91441900MA51ABCD7J';
export const RETAIL_USCC = '91440101MA59XYW12B';

export function supplierBody(uscc = FARM_USCC) {
  return { kind: 'enterprise', roles: ['supplier'], name: '博罗县绿源菜心种植专业合作社', uscc,
    contact_person: '黄国华', phone: '13826601234', address: '广东省惠州市博罗县' };
}

export function purchaseOrderBody(supplierId, kg, extra = {}) {
  return { material: '菜心', supplier_id: supplierId, quantity: { amount: kg, unit: 'kg' }, supplier_lot: 'HZ-1',
    production_date: daysFromToday(-33), expiry_date: daysFromToday(3650), ...extra };
}

// The Digital Link URIs of a code run (its CSV download).
export async function runUris(api, runId) {
  const r = await api.call('GET', `/v1/code-runs/${runId}/codes.csv`);
  if (r.status !== 200) throw new Error(`codes.csv answered ${r.status}`);
  return r.body.split('\r\n').slice(1).filter(Boolean).map((l) => l.split(',')[1]);
}

// A plant that bought 菜心 from a farm, made batch `lotCode` of it and printed `count` codes:
// {plant, supplierId, poId, lotId, batchId, runId, uris}. `purchase` adds fields to the order.
export async function plantWithCodes(server, { lotCode = 'L' + daysFromToday(0).replaceAll('-', ''), count = 3,
  purchase = {}, receipt = {} } = {}) {
  const plant = await registerEnterprise(server, PLANT_USCC, '东莞市鲜达净菜加工有限公司', '广东省东莞市');
  const api = plant.api;
  const supplierId = (await api.post('/v1/counterparties', supplierBody())).id;
  const poId = (await api.post('/v1/purchase-orders', purchaseOrderBody(supplierId, 500, purchase))).id;
  await api.post(`/v1/purchase-orders/${poId}/receive`,
    { quantity: { amount: 500, unit: 'kg' }, received_on: daysFromToday(-13), ...receipt });
  const lotId = (await api.get(`/v1/purchase-orders/${poId}`)).lot_id;
  const batchId = (await api.post('/v1/batches', { product: '净菜菜心 500g', lot_code: lotCode,
    quantity: { amount: 100, unit: 'piece' }, production_date: daysFromToday(-12) })).id;
  await api.post(`/v1/batches/${batchId}/materials`, { lot_id: lotId, quantity: { amount: 50, unit: 'kg' } });
  const tpl = (await api.post('/v1/code-templates', { name: '箱码', gtin: '06901234567892',
    base_url: 'https://trace.example.cn', quantity_per_code: { amount: 1, unit: 'piece' } })).id;
  const runId = (await api.post('/v1/code-runs', { template_id: tpl, batch_id: batchId, count })).id;
  const uris = await runUris(api, runId);
  return { plant, supplierId, poId, lotId, batchId, runId, uris };
}

// The path of a Digital Link URI on the test server.
export function localUrl(server, uri) { return server.base + uri.slice(uri.indexOf('/01/')); }
export function serialOf(uri) { return uri.slice(uri.lastIndexOf('/') + 1); }
