// Browser tests of the consumer scan pages (issue 12, R-4.4.1): a phone opens the GS1 Digital
// Link of a code. Run by ctest (browser_public); ./scripts/deps --browser installs the tools.
import { expect, suite } from '../support/harness.mjs';
import { localUrl, plantWithCodes } from '../support/chain.mjs';

const s = suite('public');

s.test('R-4.4.1 scan page of a normal code', async ({ server, context }) => {
  const chain = await plantWithCodes(server);
  const page = await context.page();
  const resp = await page.goto(localUrl(server, chain.uris[0]));
  expect(resp.status() === 200, `status ${resp.status()}`);
  await page.getByRole('heading', { name: '净菜菜心 500g' }).first().waitFor();
  await context.check(page, 'scan-normal');
});

await s.run();
