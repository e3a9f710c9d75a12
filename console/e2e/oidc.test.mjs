// OIDC sign-in end to end: the console's button -> the provider's /authorize (PKCE S256) -> back to the console with a
// code -> the provider's /token (CORS) -> STS AssumeRoleWithWebIdentity -> signed in as the role's session. Then: the
// session can search the trail, the sign-in is in it, and nothing of the flow is left in browser storage. Negative:
// a tampered state and a replayed code are refused with a visible error and no session; so is the provider's error
// answer (shown with its reason), and one with a foreign state is refused without showing its text.
//
// Needs the provider ConsoleBrowserTest starts (src/test/java/io/mlgate/console/TestOidcProvider.java) and these
// variables; without them the file fails (it never skips):
//   MLGATE_E2E_OIDC_ISSUER, MLGATE_E2E_OIDC_CLIENT_ID, MLGATE_E2E_OIDC_AUTHORIZATION_ENDPOINT,
//   MLGATE_E2E_OIDC_TOKEN_ENDPOINT, MLGATE_E2E_OIDC_ROLE_ARN
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  launch, browserTest, tid, assertText, eventually, everythingStored, consoleUrl, gatewayOrigin, signOut, send, ACCOUNT,
} from './lib/harness.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: oidc.test.mjs needs the test OIDC provider ConsoleBrowserTest starts `
      + '(see console/e2e/README.md)');
  }
  return value;
}

const oidc = {
  issuer: required('MLGATE_E2E_OIDC_ISSUER'),
  clientId: required('MLGATE_E2E_OIDC_CLIENT_ID'),
  authorizationEndpoint: required('MLGATE_E2E_OIDC_AUTHORIZATION_ENDPOINT'),
  tokenEndpoint: required('MLGATE_E2E_OIDC_TOKEN_ENDPOINT'),
  roleArn: required('MLGATE_E2E_OIDC_ROLE_ARN'),
};
const roleName = oidc.roleArn.slice(oidc.roleArn.lastIndexOf('/') + 1);
const sessionArn = new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/console-[A-Za-z0-9]+$`);
const PKCE_KEY = 'mlgate.console.pkce';

let browser;
let page;
const it = (name, fn) => browserTest('oidc', name, () => page, fn);

/** What the browser sent and received during the flow, recorded from the network. */
const seen = { returns: [], tokenRequests: [], tokenResponses: [], stsResponses: [] };

before(async () => {
  browser = await launch();
  page = browser.page;
  browser.context.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(consoleUrl) && new URL(url).searchParams.has('state')) seen.returns.push(url);
    if (url === oidc.tokenEndpoint && request.method() === 'POST') seen.tokenRequests.push(request.postData() ?? '');
  });
  browser.context.on('response', async (response) => {
    const request = response.request();
    try {
      if (response.url() === oidc.tokenEndpoint && request.method() === 'POST') {
        seen.tokenResponses.push(await response.text());
      } else if (response.url() === `${gatewayOrigin}/` && (request.postData() ?? '').includes('Action=AssumeRoleWithWebIdentity')) {
        seen.stsResponses.push(await response.text());
      }
    } catch { /* the page went away */ }
  });
});
after(async () => {
  await browser?.close();
});

/** The values of an XML element in a response body. */
function xmlValue(xml, name) {
  const m = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml);
  return m ? m[1] : '';
}

/** Waits for the sign-in form after a refused OIDC return and checks no session was established. */
async function assertRefused(expected) {
  const shown = await assertText(tid(page, 'signin-error'), expected);
  assert.ok(await tid(page, 'signin-submit').isVisible(), 'the sign-in form is shown');
  assert.ok(!(await tid(page, 'whoami').isVisible()), 'no caller is shown in the header');
  assert.equal((await tid(page, 'whoami').textContent()).trim(), '');
  assert.ok(!page.url().includes('code='), `the code is removed from the address bar: ${page.url()}`);
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), PKCE_KEY), null, 'the PKCE state is removed');
  return shown;
}

it('config.json offers the OIDC provider and the sign-in page a button for it', async () => {
  const config = await (await page.request.get(new URL('config.json', consoleUrl).toString())).json();
  assert.deepEqual(config.oidc, { ...oidc, scopes: 'openid' });
  await page.goto(`${consoleUrl}#/signin`);
  await assertText(tid(page, 'signin-oidc'), /./);
  assert.ok(await tid(page, 'signin-oidc').isEnabled());
});

let signedInCode;
let sessionKeyId;
let sessionName;

it('signs in through the provider and is the role session', async () => {
  const authorize = page.waitForRequest((r) => r.url().startsWith(oidc.authorizationEndpoint));
  await tid(page, 'signin-oidc').click();
  const request = new URL((await authorize).url());
  const q = request.searchParams;
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('client_id'), oidc.clientId);
  assert.equal(q.get('redirect_uri'), consoleUrl);
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('state'), /^[A-Za-z0-9_-]{20,}$/);

  const whoami = await assertText(tid(page, 'whoami'), sessionArn);
  assert.match(whoami.trim(), sessionArn);
  sessionName = whoami.trim().slice(whoami.trim().lastIndexOf('/') + 1);
  assert.ok(page.url().endsWith('#/policies'), `lands on the policies view: ${page.url()}`);
  assert.ok(!page.url().includes('code=') && !page.url().includes('state='), 'code and state are gone from the URL');

  assert.equal(seen.returns.length, 1, 'the provider sent the browser back once');
  const back = new URL(seen.returns[0]).searchParams;
  assert.equal(back.get('state'), q.get('state'));
  signedInCode = back.get('code');
  assert.ok(signedInCode);
  assert.equal(seen.tokenRequests.length, 1);
  const tokenRequest = new URLSearchParams(seen.tokenRequests[0]);
  assert.equal(tokenRequest.get('code'), signedInCode);
  assert.equal(tokenRequest.get('grant_type'), 'authorization_code');
  assert.equal(tokenRequest.get('redirect_uri'), consoleUrl);
  assert.match(tokenRequest.get('code_verifier'), /^[A-Za-z0-9_-]{43,128}$/);
  const tokens = JSON.parse(seen.tokenResponses[0]);
  assert.ok(tokens.id_token?.split('.').length === 3, 'the provider answered an ID token');
  await eventually(() => seen.stsResponses.length === 1, 'AssumeRoleWithWebIdentity answered');
  sessionKeyId = xmlValue(seen.stsResponses[0], 'AccessKeyId');
  assert.match(sessionKeyId, /^ASIA/);
  assert.equal(xmlValue(seen.stsResponses[0], 'Arn'), whoami.trim());
});

it('the role session searches the trail and finds its AssumeRoleWithWebIdentity', async () => {
  await tid(page, 'nav-audit').click();
  await tid(page, 'audit-event-name').fill('AssumeRoleWithWebIdentity');
  const rows = page.locator('[data-testid="audit-row"][data-event-name="AssumeRoleWithWebIdentity"]');
  let record;
  await eventually(async () => {
    await tid(page, 'audit-search').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="audit-search"]').disabled);
    for (const row of await rows.all()) {
      await row.click();
      const detail = JSON.parse(await tid(page, 'audit-detail').textContent());
      if (detail.requestParameters?.roleSessionName === sessionName) {
        record = detail;
        return true;
      }
    }
    return false;
  }, `the trail holds the AssumeRoleWithWebIdentity of session ${sessionName}`, 20_000);
  assert.equal(record.eventSource, 'sts.amazonaws.com');
  assert.equal(record.userIdentity.type, 'WebIdentityUser');
  assert.equal(record.requestParameters.roleArn, oidc.roleArn);
  assert.equal(record.userIdentity.identityProvider, oidc.issuer);
  assert.equal(record.errorCode, undefined);
  assert.ok(!JSON.stringify(record).includes(JSON.parse(seen.tokenResponses[0]).id_token),
    'the ID token itself is not in the audit record');

  // and the session's own calls are in it, found by its access key: the search is authorized as the role
  await tid(page, 'audit-event-name').fill('');
  await tid(page, 'audit-access-key').fill(sessionKeyId);
  await eventually(async () => {
    await tid(page, 'audit-search').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="audit-search"]').disabled);
    return (await page.locator('[data-testid="audit-row"][data-event-name="LookupEvents"]').count()) > 0;
  }, 'the session\'s own LookupEvents calls are found by its access key', 20_000);
});

it('nothing of the flow is left in browser storage after sign-in', async () => {
  const stored = await everythingStored(page);
  const tokens = JSON.parse(seen.tokenResponses[0]);
  const tokenRequest = new URLSearchParams(seen.tokenRequests[0]);
  const secrets = {
    code: signedInCode,
    verifier: tokenRequest.get('code_verifier'),
    idToken: tokens.id_token,
    idTokenSignature: tokens.id_token.split('.')[2],
    sessionSecret: xmlValue(seen.stsResponses[0], 'SecretAccessKey'),
    sessionToken: xmlValue(seen.stsResponses[0], 'SessionToken'),
    sessionKeyId,
  };
  for (const [what, value] of Object.entries(secrets)) {
    assert.ok(value && value.length >= 16, `${what} was captured`);
    assert.ok(!stored.includes(value), `${what} is not in browser storage`);
  }
  assert.ok(!stored.includes(PKCE_KEY), 'the PKCE round-trip state is removed');
  assert.deepEqual(JSON.parse(stored).session, {}, 'sessionStorage is empty');
});

it('a tampered state is refused: no token request, no session', async () => {
  await signOut(page);
  const tokenRequestsBefore = seen.tokenRequests.length;
  await page.route((url) => url.href.startsWith(oidc.authorizationEndpoint), async (route) => {
    const answer = await route.fetch({ maxRedirects: 0 });
    const location = new URL(answer.headers().location);
    assert.ok(location.searchParams.get('code'), 'the provider issued a code');
    location.searchParams.set('state', `${location.searchParams.get('state')}x`);
    await route.fulfill({ status: 302, headers: { location: location.toString() } });
  });
  try {
    await tid(page, 'signin-oidc').click();
    await assertRefused(/^InvalidState: /);
  } finally {
    await page.unrouteAll();
  }
  assert.equal(seen.tokenRequests.length, tokenRequestsBefore, 'the code was not redeemed');
});

it('a replayed authorization code is refused: no session', async () => {
  await page.goto(`${consoleUrl}#/signin`);
  // the provider is skipped: the browser comes back with the new request's state but the code already redeemed
  await answerAuthorization((state) => ({ code: signedInCode, state }));
  const stsBefore = seen.stsResponses.length;
  try {
    await tid(page, 'signin-oidc').click();
    await assertRefused(/^invalid_grant: the authorization code was already used/);
  } finally {
    await page.unrouteAll();
  }
  assert.equal(new URLSearchParams(seen.tokenRequests.at(-1)).get('code'), signedInCode, 'the old code was sent');
  assert.equal(seen.stsResponses.length, stsBefore, 'no AssumeRoleWithWebIdentity without a token');
});

/** Answers the next authorization request with a redirect back to the console carrying these parameters. */
async function answerAuthorization(params) {
  await page.route((url) => url.href.startsWith(oidc.authorizationEndpoint), async (route) => {
    const state = new URL(route.request().url()).searchParams.get('state');
    const back = new URL(consoleUrl);
    for (const [k, v] of Object.entries(params(state))) back.searchParams.set(k, v);
    await route.fulfill({ status: 302, headers: { location: back.toString() } });
  });
}

it("the provider's refusal is shown with its reason, no session", async () => {
  await page.goto(`${consoleUrl}#/signin`);
  await answerAuthorization((state) => ({ error: 'access_denied', error_description: 'The user declined.', state }));
  try {
    await tid(page, 'signin-oidc').click();
    await assertRefused(/^access_denied: The user declined\.$/);
  } finally {
    await page.unrouteAll();
  }
});

it('an error answer with a foreign state is refused as such, its text not shown', async () => {
  await page.goto(`${consoleUrl}#/signin`);
  await answerAuthorization((state) => ({
    error: 'access_denied', error_description: 'Call 555-0100 to unlock your account', state: `${state}x`,
  }));
  try {
    await tid(page, 'signin-oidc').click();
    const shown = await assertRefused(/^InvalidState: /);
    assert.ok(!shown.includes('555-0100'));
  } finally {
    await page.unrouteAll();
  }
  assert.deepEqual(browser.pageErrors, []);
});

test('control: the test provider itself enforces PKCE, single-use codes, its redirect URI and CORS', async () => {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const authorize = (redirectUri) => {
    const u = new URL(oidc.authorizationEndpoint);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: oidc.clientId, redirect_uri: redirectUri,
      scope: 'openid', state: 'control-state', code_challenge: challenge, code_challenge_method: 'S256' })) {
      u.searchParams.set(k, v);
    }
    return send(u, 'GET', {}, undefined);
  };
  assert.equal((await authorize('https://elsewhere.example/console/')).status, 400, 'an unregistered redirect URI');
  const answer = await authorize(consoleUrl);
  assert.equal(answer.status, 302);
  const code = new URL(answer.headers.location).searchParams.get('code');
  const redeem = (codeVerifier, origin) => send(new URL(oidc.tokenEndpoint), 'POST', {
    'content-type': 'application/x-www-form-urlencoded', origin,
  }, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: consoleUrl, client_id: oidc.clientId,
    code_verifier: codeVerifier }).toString());
  const wrong = await redeem(crypto.randomBytes(32).toString('base64url'), new URL(consoleUrl).origin);
  assert.equal(wrong.status, 400);
  assert.equal(JSON.parse(wrong.body).error_description, 'PKCE verification failed');
  assert.equal(wrong.headers['access-control-allow-origin'], new URL(consoleUrl).origin);
  const again = await redeem(verifier, 'https://elsewhere.example');
  assert.equal(again.status, 400, 'the code was spent by the failed attempt');
  assert.equal(JSON.parse(again.body).error_description, 'the authorization code was already used');
  assert.equal(again.headers['access-control-allow-origin'], undefined, 'no CORS for another origin');
  const preflight = await send(new URL(oidc.tokenEndpoint), 'OPTIONS', {
    origin: new URL(consoleUrl).origin, 'access-control-request-method': 'POST',
    'access-control-request-headers': 'content-type',
  }, undefined);
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-methods'], 'POST');
});
