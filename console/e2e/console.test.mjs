// The acceptance, in one browser, in order: sign in, author and simulate a policy, run the policy tests, a
// denied save as demo-analyst, find that denied call in the audit explorer, validate the trail, export, endpoints.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  launch, browserTest, tid, signIn, signOut, assertText, eventually, credentials, consoleUrl, invokeIris, ACCOUNT, IRIS_ARN,
} from './lib/harness.mjs';

let browser;
let page;
const it = (name, fn) => browserTest('console', name, () => page, fn);

before(async () => {
  browser = await launch();
  page = browser.page;
});
after(async () => {
  if (browser?.pageErrors.length) {
    console.log(`uncaught errors in the console page:\n  ${browser.pageErrors.join('\n  ')}`);
  }
  await browser?.close();
});

// Statement 2 spans lines 10-15; its Action (line 13) has a typo the validator knows: sagemaker has no such action.
const POLICY_WITH_ERROR = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadEndpoints",
      "Effect": "Allow",
      "Action": ["sagemaker:DescribeEndpoint", "sagemaker:ListEndpoints"],
      "Resource": "*"
    },
    {
      "Sid": "InvokeIris",
      "Effect": "Allow",
      "Action": "sagemaker:InvokeEndpont",
      "Resource": "${IRIS_ARN}"
    }
  ]
}`;
const POLICY_FIXED = POLICY_WITH_ERROR.replace('InvokeEndpont', 'InvokeEndpoint');

async function findings() {
  return tid(page, 'policy-finding').evaluateAll((items) => items.map((e) => ({
    severity: e.dataset.severity, code: e.dataset.code, line: e.dataset.line, column: e.dataset.column,
    text: e.textContent,
  })));
}

async function openPolicies() {
  await tid(page, 'nav-policies').click();
  await tid(page, 'policy-editor').waitFor({ state: 'visible' });
}

it('a wrong secret key is refused with an error and no session', async () => {
  await page.goto(`${consoleUrl}#/signin`);
  await tid(page, 'signin-access-key').fill(credentials['demo-admin'].accessKeyId);
  const secret = credentials['demo-admin'].secretAccessKey;
  await tid(page, 'signin-secret-key').fill(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'));
  await tid(page, 'signin-submit').click();
  const error = await assertText(tid(page, 'signin-error'), /SignatureDoesNotMatch|InvalidClientTokenId|denied|invalid/i);
  assert.doesNotMatch(error, /\n\s+at /, 'an error text, not a stack trace');
  const whoami = tid(page, 'whoami');
  assert.ok((await whoami.count()) === 0 || !(await whoami.textContent()).includes('arn:'), 'not signed in');
  await tid(page, 'signin-submit').waitFor({ state: 'visible' });
});

it('signs in as demo-admin', async () => {
  await signIn(page, 'demo-admin');
  await tid(page, 'signout').waitFor({ state: 'visible' });
  for (const link of ['nav-policies', 'nav-audit', 'nav-endpoints']) {
    await tid(page, link).waitFor({ state: 'visible' });
  }
});

it('live validation shows the unknown action with its line', async () => {
  await openPolicies();
  await tid(page, 'policy-editor').fill(POLICY_WITH_ERROR);
  // no click: validation runs 400 ms after typing
  const unknown = await eventually(async () => (await findings()).find((f) => f.code === 'UNKNOWN_ACTION'),
    'an UNKNOWN_ACTION finding after live validation');
  assert.equal(unknown.severity, 'ERROR');
  assert.equal(unknown.line, '13', 'the line of "sagemaker:InvokeEndpont"');
  assert.match(unknown.text, /InvokeEndpont/);
  await page.locator('[data-testid="policy-line-marker"][data-line="13"]').waitFor({ state: 'visible' });
});

it('the fixed policy validates without errors', async () => {
  await tid(page, 'policy-editor').fill(POLICY_FIXED);
  await tid(page, 'policy-validate').click();
  await eventually(async () => !(await findings()).some((f) => f.code === 'UNKNOWN_ACTION'),
    'the UNKNOWN_ACTION finding goes away once the action is fixed');
  const errors = (await findings()).filter((f) => f.severity === 'ERROR');
  assert.deepEqual(errors, [], 'no ERROR finding in the fixed policy');
  assert.equal(await page.locator('[data-testid="policy-line-marker"][data-line="13"]').count(), 0);
});

it('simulating InvokeEndpoint on iris is allowed by the InvokeIris statement, marked in the editor', async () => {
  await tid(page, 'sim-action').fill('sagemaker:InvokeEndpoint');
  await tid(page, 'sim-resource').fill(IRIS_ARN);
  await tid(page, 'sim-context').fill('aws:SecureTransport=true');
  await tid(page, 'sim-run').click();
  await assertText(tid(page, 'sim-decision'), /^\s*allowed\s*$/);
  await assertText(tid(page, 'sim-matched'), /\S/);
  const marker = page.locator('[data-testid="policy-statement-marker"]');
  await marker.first().waitFor({ state: 'visible' });
  const spans = await marker.evaluateAll((items) => items.map((e) => [e.dataset.startLine, e.dataset.endLine]));
  assert.deepEqual(spans, [['10', '15']], 'exactly the deciding statement (lines 10-15) is marked');
});

it('simulating an action no statement grants is an implicit deny with no statement marked', async () => {
  await tid(page, 'sim-action').fill('sagemaker:DeleteEndpoint');
  await tid(page, 'sim-run').click();
  await assertText(tid(page, 'sim-decision'), /^\s*implicitDeny\s*$/);
  await eventually(async () => (await page.locator('[data-testid="policy-statement-marker"]').count()) === 0,
    'no statement marker for an implicit deny');
});

it('a policy test case fills the simulator and simulates as that principal', async () => {
  // the case "analyst may invoke iris over TLS" of demo.yaml: principal demo-analyst (a name: taken as a user), the
  // action, the resource and its context (aws:SecureTransport) come from the suite
  const option = page.locator('[data-testid="sim-case"] option', { hasText: 'analyst may invoke iris over TLS' });
  await option.first().waitFor({ state: 'attached', timeout: 10_000 });
  const value = await option.first().getAttribute('value');
  await tid(page, 'sim-case').selectOption(value);
  assert.equal(await page.locator('#sim-principal').inputValue(), `arn:aws:iam::${ACCOUNT}:user/demo-analyst`);
  assert.equal(await tid(page, 'sim-action').inputValue(), 'sagemaker:InvokeEndpoint');
  assert.equal(await tid(page, 'sim-resource').inputValue(), IRIS_ARN);
  assert.match(await tid(page, 'sim-context').inputValue(), /aws:SecureTransport=true/i);
  await tid(page, 'sim-run').click();
  // demo-analyst's own policies allow it over TLS, whatever the editor holds (which has no Deny)
  await assertText(tid(page, 'sim-decision'), /^\s*allowed\s*$/);
  await page.locator('#sim-principal').fill('');
});

it('runs the demo policy tests and shows the summary', async () => {
  const cases = (fs.readFileSync('policies/tests/demo.yaml', 'utf8').match(/^\s*- name:/gm) ?? []).length;
  assert.ok(cases > 0, 'policies/tests/demo.yaml has cases');
  await tid(page, 'tests-suite').selectOption('demo.yaml');
  await tid(page, 'tests-run').click();
  const summary = await assertText(tid(page, 'tests-summary'), /\d+ passed, \d+ failed/);
  const [, passed, failed] = /(\d+) passed, (\d+) failed/.exec(summary).map(Number);
  assert.equal(passed + failed, cases, `every case of demo.yaml ran (summary: ${summary})`);
  assert.equal(failed, 0, 'the demo policies pass their own tests');
  const results = await tid(page, 'tests-result').evaluateAll((items) => items.map((e) => e.dataset.passed));
  assert.equal(results.length, cases);
  assert.ok(results.every((p) => p === 'true'));
});

it('a failing policy test is shown as failed with its explanation', async (t) => {
  // the JUnit runner adds this suite (one case that must fail) to the gateway's policies/tests/
  const suite = process.env.MLGATE_E2E_FAILING_SUITE;
  if (!suite) {
    t.skip('MLGATE_E2E_FAILING_SUITE not set (set by ConsoleBrowserTest)');
    return;
  }
  await tid(page, 'tests-suite').selectOption(suite);
  await tid(page, 'tests-run').click();
  await assertText(tid(page, 'tests-summary'), /^\s*1 passed, 1 failed\s*$/);
  const failedItem = page.locator('[data-testid="tests-result"][data-passed="false"]');
  await failedItem.waitFor({ state: 'visible' });
  const text = await failedItem.textContent();
  assert.match(text, /guest may invoke iris/);
  assert.match(text, /ImplicitDeny|implicit/i, 'the explanation says how it was actually decided');
  assert.equal(await page.locator('[data-testid="tests-result"][data-passed="true"]').count(), 1);
});

it('demo-analyst may not save the policy: AccessDenied is shown', async () => {
  await signOut(page);
  await signIn(page, 'demo-analyst');
  await openPolicies();
  await tid(page, 'policy-editor').fill(POLICY_FIXED);
  await tid(page, 'policy-save-user').fill('demo-analyst');
  await tid(page, 'policy-save-name').fill('e2e-self-grant');
  await tid(page, 'policy-save').click();
  const result = page.locator('[data-testid="policy-save-result"][data-status="denied"]');
  await result.waitFor({ state: 'visible' });
  const text = await result.textContent();
  assert.match(text, /AccessDenied/);
  assert.doesNotMatch(text, /\n\s+at /, 'an error text, not a stack trace');
});

it('as demo-admin the audit explorer finds the denied call, explains it and follows the session', async () => {
  await signOut(page);
  await signIn(page, 'demo-admin');
  await tid(page, 'nav-audit').click();
  await tid(page, 'audit-event-name').fill('PutUserPolicy');
  await tid(page, 'audit-username').fill('demo-analyst');
  await tid(page, 'audit-search').click();
  const denied = page.locator('[data-testid="audit-row"][data-event-name="PutUserPolicy"]'
    + '[data-username="demo-analyst"][data-error-code*="AccessDenied"]');
  await eventually(async () => (await denied.count()) > 0, 'the denied PutUserPolicy of demo-analyst is listed');
  const rows = await tid(page, 'audit-row').evaluateAll((items) => items.map((e) => [e.dataset.eventName,
    e.dataset.username]));
  assert.ok(rows.every(([name, user]) => name === 'PutUserPolicy' && user === 'demo-analyst'),
    `the filters apply: ${JSON.stringify(rows)}`);

  await denied.first().click();
  const detail = tid(page, 'audit-detail');
  await detail.waitFor({ state: 'visible' });
  await assertText(detail, 'PutUserPolicy');
  await assertText(detail, credentials['demo-analyst'].accessKeyId);
  await assertText(tid(page, 'audit-decision'), /deny|denied|not allowed|no statement/i);

  await tid(page, 'audit-follow-session').click();
  await eventually(async () => (await tid(page, 'audit-access-key').inputValue()) === credentials['demo-analyst'].accessKeyId,
    'following the session searches by the analyst\'s access key');
  await eventually(async () => {
    const session = await tid(page, 'audit-row').evaluateAll((items) => items.map((e) => [e.dataset.eventName,
      e.dataset.username]));
    return session.length >= 2 && session.every(([, user]) => user === 'demo-analyst')
      && session.some(([name]) => name === 'PutUserPolicy') && session.some(([name]) => name !== 'PutUserPolicy');
  }, 'the session shows all events of the access key: the denied save and the others of the analyst');
});

it('validating the trail shows VALID per file and digest', async () => {
  // "Digest now" does what the hourly digest does on a gateway that has run for a while: the events so far get a
  // signed digest, so validation has real files to check and the export has events to take
  await tid(page, 'audit-digest').click();
  await assertText(tid(page, 'audit-digest-result'), /^\s*DIGESTED/, 30_000);
  await tid(page, 'audit-validate').click();
  await assertText(tid(page, 'audit-validate-result'), /^\s*VALID/, 30_000);
  const rows = await tid(page, 'audit-validate-file').evaluateAll((items) => items.map((e) => e.dataset.status));
  assert.ok(rows.includes('VALID'), `at least the digested log file and its digest are checked and VALID: ${rows}`);
  assert.ok(!rows.includes('INVALID'), `no invalid file or digest: ${rows}`);
});

it('an export runs to SUCCEEDED with its progress', async () => {
  await tid(page, 'audit-export-format').selectOption('jsonl');
  await tid(page, 'audit-export').click();
  const status = tid(page, 'audit-export-status');
  const final = await eventually(async () => {
    const text = ((await status.count()) > 0 ? await status.textContent() : '').trim();
    return /^(SUCCEEDED|FAILED)/.test(text) ? text : null;
  }, 'the export finishes', 60_000);
  const said = (await page.locator('body').innerText()).split('\n').filter((l) => /export/i.test(l)).join(' | ');
  assert.match(final, /^SUCCEEDED/, `the export failed; the page says: ${said}`);
  const progress = await tid(page, 'audit-export-progress').evaluate((e) => [e.value, e.max]);
  assert.equal(progress[0], progress[1], 'the progress bar is full');
});

it('the endpoints table lists iris', async () => {
  await tid(page, 'nav-endpoints').click();
  await tid(page, 'endpoints-table').waitFor({ state: 'visible' });
  const listed = await eventually(async () => {
    const rows = await tid(page, 'endpoint-row').evaluateAll((items) => items.map((e) => e.dataset.endpoint));
    return rows.includes('iris') ? rows : null;
  }, 'the demo endpoint iris is a row of endpoints-table (SageMaker ListEndpoints)', 10_000);
  assert.ok(listed.includes('iris'));
});

it('iris shows its variant, metrics, charts and key status', async () => {
  for (let i = 0; i < 3; i++) {
    const response = await invokeIris('demo-analyst');
    assert.equal(response.status, 200, `InvokeEndpoint as demo-analyst: ${response.body}`);
  }
  await tid(page, 'nav-endpoints').click();
  const iris = page.locator('[data-testid="endpoint-row"][data-endpoint="iris"]');
  await tid(page, 'endpoints-table').waitFor({ state: 'visible' });
  await page.waitForTimeout(500);
  if ((await iris.count()) === 0) {
    // not listed (the test before fails then): the view's "open by name" form, to check the rest all the same
    console.log('iris is not listed in endpoints-table: opening it by name');
    await tid(page, 'endpoint-open-name').fill('iris');
    await tid(page, 'endpoint-open').click();
  }
  await iris.waitFor({ state: 'visible' });
  await iris.click();
  const variant = tid(page, 'variant-row').first();
  await variant.waitFor({ state: 'visible' });
  assert.equal(await variant.getAttribute('data-variant'), 'AllTraffic', 'the demo endpoint\'s single variant');
  const invocations = Number((await assertText(tid(page, 'metric-invocations'), /\d/)).replace(/[^\d]/g, ''));
  assert.ok(invocations >= 3, `at least the 3 invocations made just now are counted: ${invocations}`);
  await assertText(tid(page, 'metric-errors'), /\d/);
  await assertText(tid(page, 'metric-p50'), /\d/);
  await assertText(tid(page, 'metric-p99'), /\d/);
  await eventually(async () => (await page.locator('[data-testid="metric-chart"] svg, svg[data-testid="metric-chart"]')
    .count()) > 0, 'at least one SVG metric chart');
  await assertText(tid(page, 'endpoint-key-status'), /Enabled|Disabled/);
  assert.match(await tid(page, 'whoami').textContent(), new RegExp(`${ACCOUNT}:user/demo-admin`));
});
