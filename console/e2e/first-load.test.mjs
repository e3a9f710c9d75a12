// The console's first load from a cold browser: everything comes from the gateway's origin, compressed, and the
// figures the issue asks for: transfer size (gzip bytes of /console/ and its assets) and time to interactive
// (navigation start until the sign-in form is enabled).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, browserTest, consoleUrl, gatewayOrigin } from './lib/harness.mjs';

let browser;
let page;

before(async () => {
  browser = await launch();
  page = browser.page;
});
after(async () => {
  await browser?.close();
});

browserTest('first-load', 'first load: same-origin, gzip, size and time to interactive', () => page, async () => {
  const finished = [];
  page.on('requestfinished', (request) => finished.push(request));
  const failed = [];
  page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));

  const navigation = await page.goto(consoleUrl, { waitUntil: 'load' });
  assert.equal(navigation.status(), 200);
  const ready = await page.waitForFunction(() => {
    const enabled = (id) => {
      const e = document.querySelector(`[data-testid="${id}"]`);
      return e !== null && !e.disabled && e.getClientRects().length > 0;
    };
    return enabled('signin-access-key') && enabled('signin-secret-key') && enabled('signin-submit')
      ? performance.now() : false;
  }, null, { polling: 'raf', timeout: 15_000 });
  const timeToInteractive = Math.round(await ready.jsonValue());
  await page.waitForLoadState('networkidle');

  assert.deepEqual(failed, [], 'no request failed');
  const responses = [];
  for (const request of finished) {
    const response = await request.response();
    assert.equal(new URL(request.url()).origin, gatewayOrigin, `only same-origin loads (no CDN): ${request.url()}`);
    const sizes = await request.sizes();
    responses.push({
      url: request.url(), status: response.status(), encoding: (await response.headerValue('content-encoding')) ?? '',
      type: (await response.headerValue('content-type')) ?? '', bytes: sizes.responseBodySize,
    });
  }
  const consoleResponses = responses.filter((r) => r.url.split('#')[0].startsWith(consoleUrl));
  assert.ok(consoleResponses.some((r) => /\/assets\/.+\.js$/.test(r.url)), 'the console\'s script loaded from assets/');
  for (const r of consoleResponses) {
    assert.equal(r.status, 200, r.url);
    if (/text\/html|javascript|text\/css/.test(r.type)) {
      assert.equal(r.encoding, 'gzip', `${r.url} is served gzip-compressed`);
    }
    console.log(`first load: ${r.url.slice(gatewayOrigin.length)} ${r.type} ${r.encoding || 'identity'} ${r.bytes} bytes`);
  }
  const total = consoleResponses.reduce((sum, r) => sum + r.bytes, 0);
  assert.ok(total > 0);
  console.log(`FIGURE first-load-gzip-bytes=${total}`);
  console.log(`FIGURE time-to-interactive-ms=${timeToInteractive}`);
});
