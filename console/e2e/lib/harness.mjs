// Shared harness of the console's browser tests: environment, the system Chromium driven by playwright-core, one
// screenshot per test, sign-in, and a small node-side SigV4 client for calls the tests make outside the browser.
//
// Environment (docs: console/e2e/README.md):
//   MLGATE_CONSOLE_URL        https://localhost:PORT/console/
//   MLGATE_DEMO_CREDENTIALS   path of keys/demo-credentials (profiles demo-admin, demo-analyst, demo-guest);
//                             the dev CA (dev-ca.pem) is read from the same folder when present
//   MLGATE_SCREENSHOTS        folder for the screenshots (one PNG per test)
//   MLGATE_CHROMIUM           optional, default /usr/bin/chromium
import { chromium } from 'playwright-core';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const IRIS_ARN = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/iris`;

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: the browser tests need MLGATE_CONSOLE_URL, MLGATE_DEMO_CREDENTIALS and `
      + 'MLGATE_SCREENSHOTS (see console/e2e/README.md)');
  }
  return value;
}

/** The console's URL (ends with /console/) and its origin. */
export const consoleUrl = (() => {
  const url = new URL(required('MLGATE_CONSOLE_URL'));
  if (!url.pathname.endsWith('/')) {
    url.pathname += '/';
  }
  return url.toString();
})();
export const gatewayOrigin = new URL(consoleUrl).origin;

/** Profiles of the AWS shared-credentials file: name -> {accessKeyId, secretAccessKey}. */
export function readCredentials(file = required('MLGATE_DEMO_CREDENTIALS')) {
  const profiles = {};
  let current = null;
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) {
      continue;
    }
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = profiles[header[1].trim()] = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) {
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key === 'aws_access_key_id') current.accessKeyId = value;
      if (key === 'aws_secret_access_key') current.secretAccessKey = value;
      if (key === 'aws_session_token') current.sessionToken = value;
    }
  }
  return profiles;
}

export const credentials = readCredentials();
for (const name of ['demo-admin', 'demo-analyst']) {
  if (!credentials[name]?.accessKeyId || !credentials[name]?.secretAccessKey) {
    throw new Error(`profile ${name} missing from ${process.env.MLGATE_DEMO_CREDENTIALS}`);
  }
}

const screenshots = required('MLGATE_SCREENSHOTS');
fs.mkdirSync(screenshots, { recursive: true });

const devCa = (() => {
  const pem = path.join(path.dirname(process.env.MLGATE_DEMO_CREDENTIALS), 'dev-ca.pem');
  return fs.existsSync(pem) ? fs.readFileSync(pem) : undefined;
})();

/** The flags of the contract (section 4); playwright-core adds its own automation flags. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

/**
 * Starts Chromium with a fresh user-data-dir. Returns {context, page, close}. Also records every Set-Cookie header
 * and every uncaught page error, for the tests to inspect.
 */
export async function launch() {
  const executablePath = process.env.MLGATE_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath} (apt-get install chromium)`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlgate-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  const setCookies = [];
  const pageErrors = [];
  context.on('response', async (response) => {
    try {
      const header = await response.headerValue('set-cookie');
      if (header) setCookies.push({ url: response.url(), header });
    } catch { /* the page went away */ }
  });
  const page = context.pages()[0] ?? await context.newPage();
  context.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(String(e))));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[browser console] ${m.text()}`);
  });
  return {
    context, page, setCookies, pageErrors,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 90);
}

/**
 * A test that ends with one screenshot of {@code getPage()} (taken also when the test fails, which is when it is
 * most useful). {@code prefix} keeps the names of different files apart.
 */
export function browserTest(prefix, name, getPage, fn) {
  test(name, async (t) => {
    try {
      await fn(t);
    } finally {
      const page = getPage();
      if (page && !page.isClosed()) {
        const file = path.join(screenshots, `${slug(prefix)}--${slug(name)}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch((e) => console.log(`screenshot failed: ${e}`));
      }
    }
  });
}

/** The locator of a data-testid. */
export function tid(page, id) {
  return page.getByTestId(id);
}

/** Signs in with an access key pair from the demo credentials; waits for the header's caller ARN. */
export async function signIn(page, profile, { session = false } = {}) {
  const keys = credentials[profile];
  await page.goto(`${consoleUrl}#/signin`);
  await tid(page, 'signin-access-key').fill(keys.accessKeyId);
  await tid(page, 'signin-secret-key').fill(keys.secretAccessKey);
  const box = tid(page, 'signin-session');
  if ((await box.count()) > 0 && (await box.isChecked()) !== session) {
    await box.setChecked(session);
  }
  await tid(page, 'signin-submit').click();
  await assertText(tid(page, 'whoami'), `arn:aws:iam::${ACCOUNT}:user/${profile}`);
}

/** Signs out through the header's button and waits for the sign-in form. */
export async function signOut(page) {
  await tid(page, 'signout').click();
  await tid(page, 'signin-submit').waitFor({ state: 'visible' });
}

/** Everything the page's origin keeps in the browser, as one string: web storage, cookies, IndexedDB, caches. */
export async function everythingStored(p) {
  const inPage = await p.evaluate(async () => {
    const out = { href: location.href, cookie: document.cookie, local: {}, session: {}, indexedDb: {}, caches: {} };
    for (let i = 0; i < localStorage.length; i++) out.local[localStorage.key(i)] = localStorage.getItem(localStorage.key(i));
    for (let i = 0; i < sessionStorage.length; i++) out.session[sessionStorage.key(i)] = sessionStorage.getItem(sessionStorage.key(i));
    for (const info of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(info.name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const stores = {};
      for (const name of db.objectStoreNames) {
        stores[name] = await new Promise((resolve, reject) => {
          const request = db.transaction(name, 'readonly').objectStore(name).getAll();
          request.onsuccess = () => resolve(JSON.stringify(request.result));
          request.onerror = () => reject(request.error);
        });
      }
      out.indexedDb[info.name] = stores;
      db.close();
    }
    if (self.caches) {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        out.caches[name] = await Promise.all((await cache.keys()).map(async (r) => r.url + (await (await cache.match(r)).text())));
      }
    }
    return out;
  });
  const cookies = await p.context().cookies();
  return JSON.stringify({ ...inPage, contextCookies: cookies });
}

/** Waits until a locator's text contains (string) or matches (RegExp) the expected value. */
export async function assertText(locator, expected, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    if ((await locator.count()) > 0) {
      last = (await locator.first().textContent()) ?? '';
      if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) {
        return last;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`expected ${locator} to show ${expected}, it shows ${JSON.stringify(last.slice(0, 500))}`);
}

/** Polls fn until it returns a truthy value; fails with the message after the timeout. */
export async function eventually(fn, message, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.fail(`${message} (last: ${JSON.stringify(last)})`);
}

// ---- node-side AWS calls (SigV4), for setting up and checking state outside the browser ----

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

/** Signs and sends a POST to the gateway. Returns {status, headers, body}. */
export function signedPost({ profile, service, path: requestPath = '/', body, contentType, target }) {
  const keys = credentials[profile];
  const url = new URL(requestPath, gatewayOrigin);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers = { 'content-type': contentType, host: url.host, 'x-amz-date': amzDate };
  if (target) headers['x-amz-target'] = target;
  if (keys.sessionToken) headers['x-amz-security-token'] = keys.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = ['POST', url.pathname, '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'),
    sha256(body)].join('\n');
  const scope = `${day}/${REGION}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${keys.secretAccessKey}`, day);
  for (const part of [REGION, service, 'aws4_request']) key = hmac(key, part);
  const signature = crypto.createHmac('sha256', key).update(toSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, `
    + `Signature=${signature}`;
  return send(url, 'POST', headers, body);
}

/** An unsigned request to the gateway. */
export function send(url, method, headers, body) {
  return new Promise((resolve, reject) => {
    const options = url.protocol === 'https:'
      ? { method, headers, ca: devCa, rejectUnauthorized: devCa !== undefined, servername: url.hostname }
      : { method, headers };
    const request = (url.protocol === 'https:' ? https : http).request(url, options, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => resolve({
        status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'),
      }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** IAM query call (form body), signed as the profile. */
export function iam(profile, params) {
  const body = new URLSearchParams({ ...params, Version: '2010-05-08' }).toString();
  return signedPost({ profile, service: 'iam', body, contentType: 'application/x-www-form-urlencoded; charset=utf-8' });
}

/** Invokes the iris endpoint once as the profile (SageMaker runtime InvokeEndpoint). */
export function invokeIris(profile) {
  return signedPost({ profile, service: 'sagemaker', path: '/endpoints/iris/invocations', body: '5.1,3.5,1.4,0.2',
    contentType: 'text/csv' });
}
