// The console's security properties, checked in the browser: credentials only in memory, cookies flagged (or none),
// a strict CSP that is enforced, no framing, and a forged cross-site request that changes nothing.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  launch, browserTest, tid, signIn, signOut, credentials, consoleUrl, gatewayOrigin, iam, everythingStored,
} from './lib/harness.mjs';

let browser;
let page;
const it = (name, fn) => browserTest('security', name, () => page, fn);

before(async () => {
  browser = await launch();
  page = browser.page;
});
after(async () => {
  await browser?.close();
});

it('the storage scan finds what is stored (control)', async () => {
  await page.goto(consoleUrl);
  const probe = `probe-${Date.now()}`;
  await page.evaluate(async (value) => {
    localStorage.setItem('e2e', value);
    await new Promise((resolve) => {
      const open = indexedDB.open('e2e-probe');
      open.onupgradeneeded = () => open.result.createObjectStore('s', { autoIncrement: true }).add({ value });
      open.onsuccess = () => { open.result.close(); resolve(); };
    });
  }, probe);
  const stored = await everythingStored(page);
  assert.equal(stored.split(probe).length - 1, 2, 'the probe is found in localStorage and in IndexedDB');
  await page.evaluate(async () => {
    localStorage.removeItem('e2e');
    await new Promise((resolve) => { const d = indexedDB.deleteDatabase('e2e-probe'); d.onsuccess = d.onerror = resolve; });
  });
  assert.ok(!(await everythingStored(page)).includes(probe));
});

it('after sign-in with an access key no secret is kept in any browser storage', async () => {
  await signIn(page, 'demo-admin');
  await tid(page, 'nav-audit').click();
  await tid(page, 'nav-policies').click();
  const stored = await everythingStored(page);
  assert.ok(!stored.includes(credentials['demo-admin'].secretAccessKey), 'the secret access key is not stored');
  await signOut(page);
  assert.ok(!(await everythingStored(page)).includes(credentials['demo-admin'].secretAccessKey));
});

it('after sign-in exchanged for a session neither the secrets nor the session token are stored', async () => {
  const exchanged = [];
  const listener = async (response) => {
    if (response.request().method() === 'POST' && /Action=GetSessionToken/.test(response.request().postData() ?? '')) {
      exchanged.push(await response.text().catch(() => ''));
    }
  };
  page.on('response', listener);
  try {
    await signIn(page, 'demo-admin', { session: true });
  } finally {
    page.off('response', listener);
  }
  const xml = exchanged.find((body) => body.includes('<SessionToken>'));
  assert.ok(xml, 'signing in with the session box checked calls GetSessionToken');
  const token = /<SessionToken>([^<]+)<\/SessionToken>/.exec(xml)[1];
  const sessionSecret = /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(xml)[1];
  await tid(page, 'nav-endpoints').click();
  await tid(page, 'endpoints-table').waitFor({ state: 'visible' });
  const stored = await everythingStored(page);
  for (const [what, secret] of [['long-term secret', credentials['demo-admin'].secretAccessKey],
    ['session secret', sessionSecret], ['session token', token]]) {
    assert.ok(!stored.includes(secret), `the ${what} is not stored`);
  }
  await signOut(page);
});

it('cookies: none, or each Secure, HttpOnly and SameSite', async () => {
  await signIn(page, 'demo-admin');
  await tid(page, 'nav-audit').click();
  await tid(page, 'audit-search').click();
  const cookies = await page.context().cookies();
  for (const cookie of cookies) {
    assert.ok(cookie.secure && cookie.httpOnly && ['Strict', 'Lax'].includes(cookie.sameSite),
      `cookie ${cookie.name} is not Secure+HttpOnly+SameSite: ${JSON.stringify({ ...cookie, value: undefined })}`);
  }
  for (const { url, header } of browser.setCookies) {
    for (const line of header.split('\n')) {
      assert.match(line, /;\s*Secure/i, `Set-Cookie without Secure from ${url}`);
      assert.match(line, /;\s*HttpOnly/i, `Set-Cookie without HttpOnly from ${url}`);
      assert.match(line, /;\s*SameSite=(Strict|Lax)/i, `Set-Cookie without SameSite from ${url}`);
    }
  }
  console.log(`cookies after sign-in and API calls: ${cookies.length}; Set-Cookie headers seen: ${browser.setCookies.length}`);
  await signOut(page);
});

it('the console is served with a strict Content-Security-Policy', async () => {
  const response = await page.goto(consoleUrl);
  assert.equal(response.status(), 200);
  const csp = response.headers()['content-security-policy'];
  assert.ok(csp, 'Content-Security-Policy header on /console/');
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean)
    .map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1).join(' ')]));
  assert.equal(directives['script-src'], "'self'", `script-src 'self' only: ${csp}`);
  assert.equal(directives['frame-ancestors'], "'none'", `frame-ancestors 'none': ${csp}`);
  assert.ok(directives['default-src'], `a default-src: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, 'nothing unsafe, no wildcard');
  assert.equal(response.headers()['x-content-type-options'], 'nosniff');
});

it('the CSP is enforced: an injected inline script does not run', async () => {
  await page.goto(consoleUrl);
  await tid(page, 'signin-submit').waitFor({ state: 'visible' });
  const result = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const script = document.createElement('script');
    script.textContent = 'window.__e2eInjected = true;';
    document.body.append(script);
    const img = document.createElement('img');
    img.src = 'https://example.invalid/pixel.png';
    document.body.append(img);
    await new Promise((r) => setTimeout(r, 300));
    return { ran: window.__e2eInjected === true, violations };
  });
  assert.equal(result.ran, false, 'the inline script was blocked');
  assert.ok(result.violations.some((d) => d.startsWith('script-src')), `a script-src violation: ${result.violations}`);
  assert.ok(result.violations.some((d) => d.startsWith('img-src')), `an img-src violation: ${result.violations}`);
});

/** A page of another origin (127.0.0.1, any port): serves the given HTML at /. */
async function attackerSite(html) {
  const server = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => {
    server.close(r);
    server.closeAllConnections(); // Chromium keeps its connection alive, which close() alone would wait for
  }) };
}

it('a forged cross-site request is refused and creates no user', async () => {
  // the victim is signed in as demo-admin in one tab...
  await signIn(page, 'demo-admin');
  // ...and opens the attacker's page in another
  const site = await attackerSite(`<!doctype html><html><body>
    <form id="f" method="POST" action="${gatewayOrigin}/" enctype="application/x-www-form-urlencoded">
      <input type="hidden" name="Action" value="CreateUser">
      <input type="hidden" name="UserName" value="csrf-victim">
      <input type="hidden" name="Version" value="2010-05-08">
    </form>
    <script>document.getElementById('f').submit();</script></body></html>`);
  const attacker = await page.context().newPage();
  try {
    const forged = attacker.waitForResponse((r) => r.url() === `${gatewayOrigin}/` && r.request().method() === 'POST');
    await attacker.goto(site.url);
    const response = await forged;
    assert.equal(response.request().postData(), 'Action=CreateUser&UserName=csrf-victim&Version=2010-05-08');
    assert.equal(new URL((await response.request().allHeaders()).origin ?? 'null').port, new URL(site.url).port,
      'the request came from the other origin');
    assert.equal(response.status(), 403, 'an unsigned request is refused');
  } finally {
    await attacker.close();
    await site.close();
  }
  // the user was not created: GetUser signed by demo-admin says so (and finds a user that exists)
  const victim = await iam('demo-admin', { Action: 'GetUser', UserName: 'csrf-victim' });
  assert.equal(victim.status, 404, `GetUser csrf-victim: ${victim.body}`);
  assert.match(victim.body, /NoSuchEntity/);
  const control = await iam('demo-admin', { Action: 'GetUser', UserName: 'demo-analyst' });
  assert.equal(control.status, 200, `GetUser demo-analyst (control): ${control.body}`);
  assert.match(control.body, /<UserName>demo-analyst<\/UserName>/);
});

it('another origin cannot frame the console', async () => {
  const site = await attackerSite(`<!doctype html><html><body><iframe id="c" src="${consoleUrl}" width="800"
    height="600"></iframe></body></html>`);
  const attacker = await page.context().newPage();
  try {
    const framed = attacker.waitForResponse((r) => r.url() === consoleUrl);
    await attacker.goto(site.url, { waitUntil: 'load' });
    const response = await framed;
    assert.equal(response.headers()['x-frame-options'], 'DENY');
    // the page's load event waits for its frames: the console's document, or the error page that replaced it
    await attacker.waitForLoadState('load');
    const frames = attacker.frames().filter((f) => f !== attacker.mainFrame());
    assert.equal(frames.length, 1, 'the attacker page has its iframe');
    assert.notEqual(frames[0].url(), consoleUrl, `the frame shows an error page instead: ${frames[0].url()}`);
    const rendered = { count: await frames[0].locator('[data-testid="signin-submit"]').count() };
    assert.equal(rendered.count, 0, 'the console did not render inside another origin\'s frame');
  } finally {
    await attacker.close();
    await site.close();
  }
});
