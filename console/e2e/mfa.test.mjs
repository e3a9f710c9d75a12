// MFA sign-in end to end: a user whose only permission (cloudtrail:LookupEvents) needs aws:MultiFactorAuthPresent,
// with a virtual MFA device enabled over the gateway's IAM API (set up from node as demo-admin; the TOTP codes are
// computed here from the seed CreateVirtualMFADevice returns: RFC 6238, HMAC-SHA1, 30 s, 6 digits).
// In the browser: the plain access key, and a session without MFA, are denied the audit search (AccessDenied shown);
// a wrong code and a replayed code are refused with a visible error and no session; a session with the device's
// current code searches the trail. Nothing secret (the user's secret key, the session's secret or token, the seed,
// the codes) is left in browser storage.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  launch, browserTest, tid, assertText, eventually, everythingStored, signIn, signOut, iam, credentials, consoleUrl,
  gatewayOrigin, ACCOUNT,
} from './lib/harness.mjs';

const userName = `mfa-e2e-${crypto.randomBytes(4).toString('hex')}`;
const userArn = `arn:aws:iam::${ACCOUNT}:user/${userName}`;
const deviceName = `${userName}-phone`;
const serial = `arn:aws:iam::${ACCOUNT}:mfa/${deviceName}`;

/** The user's only permission: read the trail, and only with MFA (AWS's documented pattern). */
const MFA_ONLY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{
    Sid: 'ReadTheTrailWithMfa', Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*',
    Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  }],
});

let browser;
let page;
const it = (name, fn) => browserTest('mfa', name, () => page, fn);

/** The device's seed (bytes), its Base32 text and the API's base64 of that text: all must stay out of the browser. */
let seed;
let seedBase32;
let seedBase64;
/** The newest TOTP step the gateway has accepted for the device (each step is accepted once). */
let lastUsedStep;
/** Every code this file computed (none may be stored by the browser). */
const codesUsed = new Set();
/** GetSessionToken answers the browser received. */
const sessionAnswers = [];

// ---- TOTP (RFC 6238 over RFC 4226) ----

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error('not Base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

const currentStep = () => Math.floor(Date.now() / 1000 / 30);

function totp(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const hash = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = hash[hash.length - 1] & 0x0f;
  const binary = hash.readUInt32BE(offset) & 0x7fffffff;
  const code = String(binary % 1_000_000).padStart(6, '0');
  codesUsed.add(code);
  return code;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A code the gateway accepts now: the current step's, or the next one's if the current step is used up (it accepts
 * one step either side); if even that is used up, waits for the clock to catch up.
 */
async function nextCode() {
  while (lastUsedStep + 1 > currentStep() + 1) await sleep(500);
  const step = Math.max(currentStep(), lastUsedStep + 1);
  return { step, code: totp(seed, step) };
}

/** A well-formed code that matches none of the steps the gateway could accept in the next minute. */
function wrongCode() {
  const now = currentStep();
  const valid = new Set([-1, 0, 1, 2, 3].map((d) => totp(seed, now + d)));
  let n = Number(totp(seed, now));
  let code;
  do {
    n = (n + 1) % 1_000_000;
    code = String(n).padStart(6, '0');
  } while (valid.has(code));
  return code;
}

// RFC 6238 appendix B, SHA1, T = 59 s and 1111111109 s (8-digit codes 94287082, 07081804: the last 6 digits here)
function checkTotpAgainstTheRfc() {
  const key = Buffer.from('12345678901234567890', 'ascii');
  assert.equal(totp(key, 1), '287082');
  assert.equal(totp(key, 37037036), '081804');
  codesUsed.clear();
}

// ---- node-side IAM calls as demo-admin ----

function xmlValue(xml, name) {
  const m = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml);
  return m ? m[1] : '';
}

async function admin(params) {
  const response = await iam('demo-admin', params);
  assert.equal(response.status, 200, `${params.Action}: ${response.status} ${xmlValue(response.body, 'Code')}`);
  return response.body;
}

before(async () => {
  checkTotpAgainstTheRfc();
  await admin({ Action: 'CreateUser', UserName: userName });
  await admin({ Action: 'PutUserPolicy', UserName: userName, PolicyName: 'ReadTheTrailWithMfa', PolicyDocument: MFA_ONLY_POLICY });
  const key = await admin({ Action: 'CreateAccessKey', UserName: userName });
  // the harness signs in (and signs node-side calls) by profile name: the user is its own profile
  credentials[userName] = { accessKeyId: xmlValue(key, 'AccessKeyId'), secretAccessKey: xmlValue(key, 'SecretAccessKey') };
  assert.match(credentials[userName].accessKeyId, /^AKIA/);
  assert.ok(credentials[userName].secretAccessKey.length >= 40);

  const device = await admin({ Action: 'CreateVirtualMFADevice', VirtualMFADeviceName: deviceName });
  assert.equal(xmlValue(device, 'SerialNumber'), serial);
  seedBase64 = xmlValue(device, 'Base32StringSeed');
  seedBase32 = Buffer.from(seedBase64, 'base64').toString('ascii');
  assert.match(seedBase32, /^[A-Z2-7]{32}$/, 'a 160-bit Base32 seed');
  seed = base32Decode(seedBase32);
  // two consecutive codes ending one step back (the gateway takes a pair starting up to two steps back), so the
  // current and the next step stay free for the sign-ins; not in the last seconds of a step, where the gateway's
  // step could already be the next one
  while (Date.now() / 1000 % 30 > 27) await sleep(250);
  const now = currentStep();
  await admin({ Action: 'EnableMFADevice', UserName: userName, SerialNumber: serial,
    AuthenticationCode1: totp(seed, now - 2), AuthenticationCode2: totp(seed, now - 1) });
  lastUsedStep = now - 1;
  const listed = await admin({ Action: 'ListMFADevices', UserName: userName });
  assert.equal(xmlValue(listed, 'SerialNumber'), serial);

  browser = await launch();
  page = browser.page;
  page.on('response', async (response) => {
    const request = response.request();
    if (response.url() === `${gatewayOrigin}/` && /Action=GetSessionToken/.test(request.postData() ?? '')) {
      sessionAnswers.push({ request: request.postData(), status: response.status(), body: await response.text().catch(() => '') });
    }
  });
});

after(async () => {
  await browser?.close();
});

/** Fills the sign-in form as the MFA user; session and MFA fields as given; submits. */
async function submitSignIn({ session, code }) {
  await page.goto(`${consoleUrl}#/signin`);
  await tid(page, 'signin-access-key').fill(credentials[userName].accessKeyId);
  await tid(page, 'signin-secret-key').fill(credentials[userName].secretAccessKey);
  await tid(page, 'signin-session').setChecked(session);
  if (code !== undefined) {
    await tid(page, 'signin-mfa-serial').fill(serial);
    await tid(page, 'signin-mfa-code').fill(code);
  }
  await tid(page, 'signin-submit').click();
}

/** Runs an audit search for the user's GetSessionToken calls; returns [error text, rows]. */
async function searchOwnSessions() {
  await tid(page, 'nav-audit').click();
  await tid(page, 'audit-event-name').fill('GetSessionToken');
  await tid(page, 'audit-username').fill(userName);
  await tid(page, 'audit-search').click();
  await eventually(async () => (await tid(page, 'audit-search').isEnabled()), 'the search ends');
  const error = ((await tid(page, 'audit-search-error').textContent()) ?? '').trim();
  const rows = await tid(page, 'audit-row').evaluateAll((items) => items.map((e) => ({
    event: e.dataset.eventName, user: e.dataset.username, error: e.dataset.errorCode })));
  return [error, rows];
}

async function assertNoSession(expectedError) {
  const shown = await assertText(tid(page, 'signin-error'), expectedError);
  assert.ok(await tid(page, 'signin-submit').isVisible(), 'the sign-in form is still shown');
  assert.equal(((await tid(page, 'whoami').textContent()) ?? '').trim(), '', 'no caller in the header');
  assert.ok(!(await tid(page, 'nav-audit').isVisible()), 'no navigation without a session');
  return shown;
}

it('with the plain access key the user is signed in but the audit search is denied', async () => {
  await signIn(page, userName);
  const [error, rows] = await searchOwnSessions();
  assert.match(error, /AccessDenied/);
  assert.match(error, /cloudtrail:LookupEvents/);
  assert.deepEqual(rows, []);
});

it('a session without MFA is denied the audit search too', async () => {
  await signOut(page);
  await submitSignIn({ session: true });
  await assertText(tid(page, 'whoami'), userArn);
  const answer = sessionAnswers.at(-1);
  assert.equal(answer.status, 200);
  assert.ok(!/SerialNumber|TokenCode/.test(answer.request), 'no MFA parameters were sent');
  const [error, rows] = await searchOwnSessions();
  assert.match(error, /AccessDenied/);
  assert.deepEqual(rows, []);
});

it('a wrong MFA code is refused with a visible error and no session', async () => {
  await signOut(page);
  const before = sessionAnswers.length;
  const code = wrongCode();
  await submitSignIn({ session: true, code });
  const shown = await assertNoSession(/AccessDenied|MultiFactorAuthentication failed/);
  assert.ok(!shown.includes(code), 'the error does not repeat the code');
  assert.equal(sessionAnswers.length, before + 1);
  assert.equal(sessionAnswers.at(-1).status, 403);
  assert.ok(!sessionAnswers.at(-1).body.includes('<SessionToken>'), 'no credentials were issued');
  assert.equal(await tid(page, 'signin-mfa-code').inputValue(), code, 'the form keeps the input for a retry');
});

let signedInCode;

it('a session with the current MFA code searches the trail', async () => {
  const { step, code } = await nextCode();
  await submitSignIn({ session: true, code });
  await assertText(tid(page, 'whoami'), userArn);
  lastUsedStep = step;
  signedInCode = code;
  const answer = sessionAnswers.at(-1);
  assert.equal(answer.status, 200);
  const sent = new URLSearchParams(answer.request);
  assert.equal(sent.get('SerialNumber'), serial);
  assert.equal(sent.get('TokenCode'), code);
  assert.match(xmlValue(answer.body, 'AccessKeyId'), /^ASIA/);
  assert.equal(await tid(page, 'signin-mfa-code').count(), 0, 'the sign-in form is gone');

  // the trail has the user's GetSessionToken calls: the refused one (wrong code) and the granted ones
  let found;
  await eventually(async () => {
    const [error, rows] = await searchOwnSessions();
    assert.equal(error, '', `the search is allowed with MFA: ${error}`);
    found = rows;
    return rows.some((r) => r.error === '') && rows.some((r) => /AccessDenied/.test(r.error)) ? rows : null;
  }, 'the MFA session finds its GetSessionToken calls, granted and refused');
  assert.ok(found.every((r) => r.event === 'GetSessionToken' && r.user === userName), JSON.stringify(found));
});

it('the code that was just used is refused a second time (replay)', async () => {
  await signOut(page);
  await submitSignIn({ session: true, code: signedInCode });
  await assertNoSession(/AccessDenied|MultiFactorAuthentication failed/);
  assert.equal(sessionAnswers.at(-1).status, 403);
});

it('no secret key, session secret, session token, MFA seed or code is left in browser storage', async () => {
  const granted = sessionAnswers.filter((a) => a.status === 200);
  assert.equal(granted.length, 2, 'two sessions were issued (without and with MFA)');
  const secrets = {
    secretAccessKey: credentials[userName].secretAccessKey,
    seedBase32,
    seedBase64,
    seedHex: seed.toString('hex'),
  };
  granted.forEach((a, i) => {
    secrets[`sessionSecret${i}`] = xmlValue(a.body, 'SecretAccessKey');
    secrets[`sessionToken${i}`] = xmlValue(a.body, 'SessionToken');
    assert.ok(secrets[`sessionSecret${i}`] && secrets[`sessionToken${i}`].length > 100);
  });
  for (const [i, c] of [...codesUsed].entries()) secrets[`code${i}`] = c;

  const check = async (when) => {
    const stored = await everythingStored(page);
    for (const [name, value] of Object.entries(secrets)) {
      // a 6-digit code only counts as a whole number, not as part of a longer one
      const found = /^\d{6}$/.test(value) ? new RegExp(`(?<!\\d)${value}(?!\\d)`).test(stored) : stored.includes(value);
      assert.ok(!found, `${name} is not in browser storage ${when}`);
    }
  };
  await check('after a refused sign-in');
  const { step, code } = await nextCode();
  await submitSignIn({ session: true, code });
  await assertText(tid(page, 'whoami'), userArn);
  lastUsedStep = step;
  const last = sessionAnswers.at(-1);
  secrets.sessionSecret2 = xmlValue(last.body, 'SecretAccessKey');
  secrets.sessionToken2 = xmlValue(last.body, 'SessionToken');
  secrets.lastCode = code;
  await searchOwnSessions();
  await check('while signed in with MFA');
  await signOut(page);
  await check('after signing out');
});

it('the device and the key can be removed again (demo-admin)', async () => {
  await admin({ Action: 'DeactivateMFADevice', UserName: userName, SerialNumber: serial });
  await admin({ Action: 'DeleteVirtualMFADevice', SerialNumber: serial });
  await admin({ Action: 'DeleteAccessKey', UserName: userName, AccessKeyId: credentials[userName].accessKeyId });
  const refused = await iam(userName, { Action: 'GetUser' });
  assert.equal(refused.status, 403, 'the deleted key no longer signs');
});
