/** Policy editor (live validation, line markers, save), simulator (matched statements) and policy test suites. */
import { ApiError, consoleApi, errorText, iam, xChildren, xFirst, xMembers, xText } from '../api';
import { debounce, fill, h } from '../dom';
import { getConfig } from '../session';

interface Finding {
  Severity: string;
  Code: string;
  Message: string;
  Line?: number;
  Column?: number;
  Path?: string;
}

interface Suite {
  Name: string;
  Cases: number;
}

/** A case of a policy test suite as written (GetPolicyTestSuite). */
interface TestCase {
  Name: string;
  Principal: string;
  Action: string;
  Resource: string;
  Context?: Record<string, string[]>;
  Expect: string;
}

interface TestResult {
  Suite: string;
  Case: string;
  Expected: string;
  Actual: string;
  Passed: boolean;
  Explanation?: string;
}

const LINE_HEIGHT = 20; // px; must match --editor-line in style.css

const SAMPLE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "InvokeIris",
      "Effect": "Allow",
      "Action": "sagemaker:InvokeEndpoint",
      "Resource": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris"
    }
  ]
}
`;

/** The editor's text survives switching views within the page (it is not a secret, but still memory only). */
let documentText = SAMPLE;

export function policiesView(root: HTMLElement): () => void {
  // ---------------------------------------------------------------- editor
  const textarea = h('textarea', {
    testid: 'policy-editor', id: 'policy-editor', wrap: 'off', spellcheck: 'false', autocomplete: 'off',
    autocapitalize: 'off', 'aria-label': 'Policy document (JSON)',
  });
  textarea.value = documentText;
  const gutterInner = h('div', { class: 'gutter-inner' });
  const markers = h('div', { class: 'backdrop-inner' });
  const editor = h('div', { class: 'editor' },
    h('div', { class: 'gutter', 'aria-hidden': 'true' }, gutterInner),
    h('div', { class: 'code' }, h('div', { class: 'backdrop', 'aria-hidden': 'true' }, markers), textarea));

  const policyType = h('select', { id: 'policy-type', 'aria-label': 'Policy type' },
    h('option', { value: 'IDENTITY_POLICY' }, 'Identity policy'),
    h('option', { value: 'RESOURCE_POLICY' }, 'Resource policy'),
    h('option', { value: 'SERVICE_CONTROL_POLICY' }, 'Service control policy'));
  const validateBtn = h('button', { testid: 'policy-validate', type: 'button' }, 'Validate');
  const validateStatus = h('span', { class: 'status', role: 'status' });
  const findingsList = h('ul', { testid: 'policy-findings', class: 'findings' });

  const saveUser = h('input', { testid: 'policy-save-user', placeholder: 'user name', autocomplete: 'off', 'aria-label': 'User name' });
  const saveName = h('input', { testid: 'policy-save-name', placeholder: 'policy name', autocomplete: 'off', 'aria-label': 'Policy name' });
  const saveBtn = h('button', { testid: 'policy-save', type: 'button' }, 'Save as inline policy');
  const saveResult = h('p', { testid: 'policy-save-result', class: 'result', role: 'status' });

  let findingMarkers: HTMLElement[] = [];
  /** Set by the simulator: forgets its result when the document changes. */
  let onDocumentChange: () => void = () => {};
  let statementMarkers: HTMLElement[] = [];
  let lineCount = 0;

  function place(el: HTMLElement, startLine: number, endLine: number): HTMLElement {
    el.style.top = `${(startLine - 1) * LINE_HEIGHT}px`;
    el.style.height = `${(endLine - startLine + 1) * LINE_HEIGHT}px`;
    return el;
  }

  function renderGutter(): void {
    const n = textarea.value.split('\n').length;
    if (n !== lineCount) {
      lineCount = n;
      const rows: HTMLElement[] = [];
      for (let i = 1; i <= n; i++) rows.push(h('div', { class: 'ln', 'data-ln': i }, i));
      fill(gutterInner, rows);
    }
    const flagged = new Map<number, string>();
    for (const m of findingMarkers) flagged.set(Number(m.dataset.line), m.dataset.severity ?? '');
    for (const row of Array.from(gutterInner.children) as HTMLElement[]) {
      const sev = flagged.get(Number(row.dataset.ln));
      row.className = sev ? `ln flagged sev-${sev.toLowerCase()}` : 'ln';
    }
  }

  function renderMarkers(): void {
    fill(markers, statementMarkers, findingMarkers);
    renderGutter();
  }

  function syncScroll(): void {
    gutterInner.style.transform = `translateY(${-textarea.scrollTop}px)`;
    markers.style.transform = `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`;
  }

  function goTo(line: number, column: number): void {
    const lines = textarea.value.split('\n');
    let pos = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) pos += lines[i].length + 1;
    pos += Math.max(0, column - 1);
    textarea.focus();
    textarea.setSelectionRange(pos, pos);
    textarea.scrollTop = Math.max(0, (line - 3) * LINE_HEIGHT);
    syncScroll();
  }

  // ---------------------------------------------------------------- validation
  let validation = 0;
  async function validate(): Promise<void> {
    const mine = ++validation;
    validateStatus.textContent = 'Validating…';
    validateStatus.className = 'status busy';
    try {
      const out = await consoleApi<{ Findings?: Finding[] }>('ValidatePolicy', {
        PolicyDocument: textarea.value,
        PolicyType: policyType.value,
      });
      if (mine !== validation) return;
      const findings = out.Findings ?? [];
      findingMarkers = findings.filter((f) => f.Line && f.Line > 0).map((f) =>
        place(h('div', {
          testid: 'policy-line-marker', class: `line-marker sev-${f.Severity.toLowerCase()}`,
          'data-line': f.Line, 'data-severity': f.Severity, title: `${f.Code}: ${f.Message}`,
        }), f.Line!, f.Line!));
      fill(findingsList, findings.length === 0
        ? h('li', { class: 'none' }, 'No findings.')
        : findings.map((f) => h('li', {
          testid: 'policy-finding', class: `finding sev-${f.Severity.toLowerCase()}`,
          'data-severity': f.Severity, 'data-code': f.Code, 'data-line': f.Line ?? '', 'data-column': f.Column ?? '',
          tabindex: 0,
          onclick: () => f.Line && goTo(f.Line, f.Column ?? 1),
          onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter' && f.Line) goTo(f.Line, f.Column ?? 1); },
        },
        h('span', { class: 'sev' }, f.Severity),
        h('span', { class: 'code-name' }, f.Code),
        f.Line ? h('span', { class: 'loc' }, `line ${f.Line}:${f.Column ?? 1}`) : null,
        h('span', { class: 'msg' }, f.Message),
        f.Path ? h('span', { class: 'path' }, f.Path) : null)));
      const errors = findings.filter((f) => f.Severity === 'ERROR').length;
      validateStatus.textContent = findings.length === 0 ? 'Valid' : `${errors} error(s), ${findings.length - errors} other finding(s)`;
      validateStatus.className = errors > 0 ? 'status bad' : 'status good';
      renderMarkers();
    } catch (e) {
      if (mine !== validation) return;
      findingMarkers = [];
      renderMarkers();
      fill(findingsList, h('li', { class: 'error' }, errorText(e)));
      validateStatus.textContent = 'Validation failed';
      validateStatus.className = 'status bad';
    }
  }
  const validateSoon = debounce(() => void validate(), 400);

  textarea.addEventListener('input', () => {
    documentText = textarea.value;
    statementMarkers = []; // they point into the old text
    onDocumentChange();
    renderMarkers();
    validateSoon();
  });
  textarea.addEventListener('scroll', syncScroll);
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      // indent by two spaces instead of leaving the editor (Esc then Tab leaves it)
      e.preventDefault();
      const { selectionStart: s, selectionEnd: t } = textarea;
      textarea.setRangeText('  ', s, t, 'end');
      textarea.dispatchEvent(new Event('input'));
    }
  });
  validateBtn.addEventListener('click', () => void validate());
  policyType.addEventListener('change', () => void validate());

  // ---------------------------------------------------------------- save
  saveBtn.addEventListener('click', async () => {
    saveResult.textContent = 'Saving…';
    saveResult.dataset.status = 'pending';
    saveBtn.disabled = true;
    try {
      const user = saveUser.value.trim();
      const name = saveName.value.trim();
      if (!user || !name) throw new ApiError('ValidationError', 'Enter a user name and a policy name.', 0);
      await iam('PutUserPolicy', { UserName: user, PolicyName: name, PolicyDocument: textarea.value });
      saveResult.textContent = `Saved as inline policy ${name} of user ${user}.`;
      saveResult.dataset.status = 'saved';
    } catch (e) {
      saveResult.textContent = errorText(e);
      saveResult.dataset.status = e instanceof ApiError && (e.code === 'AccessDenied' || e.code === 'AccessDeniedException') ? 'denied' : 'error';
    } finally {
      saveBtn.disabled = false;
    }
  });

  // ---------------------------------------------------------------- simulator
  const simAction = h('input', { testid: 'sim-action', id: 'sim-action', value: 'sagemaker:InvokeEndpoint', autocomplete: 'off', spellcheck: 'false' });
  const simResource = h('input', { testid: 'sim-resource', id: 'sim-resource', value: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris', autocomplete: 'off', spellcheck: 'false' });
  const simContext = h('textarea', {
    testid: 'sim-context', id: 'sim-context', rows: 3, spellcheck: 'false', wrap: 'off',
    placeholder: 'aws:SourceIp=10.0.0.1\naws:MultiFactorAuthPresent=true\naws:MultiFactorAuthAge (numeric)=300',
  });
  const simPrincipal = h('input', { id: 'sim-principal', placeholder: 'optional: arn:aws:iam::123456789012:user/demo-analyst', autocomplete: 'off', spellcheck: 'false' });
  const simRun = h('button', { testid: 'sim-run', type: 'button', class: 'primary' }, 'Simulate');
  // a request of a policy test case, ready-made (GetPolicyTestSuite): fills principal, action, resource, context
  const simCase = h('select', { testid: 'sim-case', id: 'sim-case' }, h('option', { value: '' }, '— none —'));
  const simCases = new Map<string, TestCase>();
  consoleApi<{ Suites?: Suite[] }>('ListPolicyTestSuites', {}).then(async (out) => {
    for (const suite of out.Suites ?? []) {
      if (!suite.Cases) continue;
      const got = await consoleApi<{ Cases?: TestCase[] }>('GetPolicyTestSuite', { Suite: suite.Name });
      const group = h('optgroup', { label: suite.Name });
      for (const c of got.Cases ?? []) {
        const key = `${suite.Name}\u0000${c.Name}`;
        simCases.set(key, c);
        group.appendChild(h('option', { value: key }, `${c.Name} (expects ${c.Expect})`));
      }
      simCase.appendChild(group);
    }
  }).catch((e) => { simCase.title = errorText(e); });
  simCase.addEventListener('change', () => {
    const c = simCases.get(simCase.value);
    if (!c) return;
    const account = getConfig().accountId ?? '';
    // a case names a user or role by ARN or by name; a bare name is taken as a user of the hosting account
    simPrincipal.value = c.Principal.startsWith('arn:') ? c.Principal : `arn:aws:iam::${account}:user/${c.Principal}`;
    simAction.value = c.Action;
    simResource.value = c.Resource;
    simContext.value = Object.entries(c.Context ?? {}).map(([k, v]) => `${k}=${v.join(',')}`).join('\n');
  });
  const simDecision = h('strong', { testid: 'sim-decision', class: 'decision' });
  const simMatched = h('ul', { testid: 'sim-matched', class: 'matched' });
  const simError = h('p', { class: 'error', role: 'alert' });
  const simMissing = h('p', { class: 'muted' });

  onDocumentChange = () => {
    if (simDecision.textContent || simMatched.childElementCount) {
      simDecision.textContent = '';
      simDecision.className = 'decision';
      fill(simMatched);
      simMissing.textContent = '';
    }
  };

  simRun.addEventListener('click', async () => {
    simError.textContent = '';
    simMissing.textContent = '';
    simDecision.textContent = '…';
    simDecision.className = 'decision';
    fill(simMatched);
    simRun.disabled = true;
    try {
      const principal = simPrincipal.value.trim();
      const params: Record<string, string | undefined> = {
        'PolicyInputList.member.1': textarea.value,
        'ActionNames.member.1': simAction.value.trim(),
      };
      // with a principal: its own policies plus the editor's document (SimulatePrincipalPolicy's PolicyInputList)
      if (principal) params['PolicySourceArn'] = principal;
      if (simResource.value.trim()) params['ResourceArns.member.1'] = simResource.value.trim();
      parseContext(simContext.value).forEach((c, i) => {
        const p = `ContextEntries.member.${i + 1}`;
        params[`${p}.ContextKeyName`] = c.name;
        params[`${p}.ContextKeyType`] = c.type;
        c.values.forEach((v, j) => { params[`${p}.ContextKeyValues.member.${j + 1}`] = v; });
      });
      const doc = await iam(principal ? 'SimulatePrincipalPolicy' : 'SimulateCustomPolicy', params);
      const result = xMembers(doc, 'EvaluationResults')[0];
      if (!result) throw new ApiError('InvalidResponse', 'The simulation returned no result.', 0);
      const decision = xText(result, 'EvalDecision');
      simDecision.textContent = decision;
      simDecision.className = `decision ${decision}`;
      const list = xChildren(result, 'MatchedStatements')[0];
      const matched = list ? xChildren(list, 'member') : [];
      statementMarkers = [];
      fill(simMatched, matched.length === 0 ? h('li', { class: 'none' }, 'No statement matched.') : matched.map((m) => {
        const start = xFirst(m, 'StartPosition');
        const end = xFirst(m, 'EndPosition');
        // only statements of the editor's document (PolicyInputList.1) can be marked in the editor
        const inEditor = xText(m, 'SourcePolicyId').startsWith('PolicyInputList');
        const sl = start ? Number(xText(start, 'Line')) : 0;
        const el = end ? Number(xText(end, 'Line')) : sl;
        if (sl > 0 && inEditor) {
          statementMarkers.push(place(h('div', {
            testid: 'policy-statement-marker', class: `statement-marker ${decision}`, 'data-start-line': sl, 'data-end-line': el,
          }), sl, Math.max(sl, el)));
        }
        return h('li', {
          class: 'matched-statement', tabindex: 0, 'data-start-line': sl || '', 'data-end-line': el || '',
          onclick: () => inEditor && sl && goTo(sl, start ? Number(xText(start, 'Column')) : 1),
        }, h('span', { class: 'code-name' }, xText(m, 'SourcePolicyId') || 'policy'), ' ',
        xText(m, 'SourcePolicyType') && xText(m, 'SourcePolicyType') !== 'none' ? h('span', { class: 'muted' }, xText(m, 'SourcePolicyType')) : null, ' ',
        sl ? h('span', { class: 'loc' }, `lines ${sl}–${el}`) : null);
      }));
      const missing = xMembers(result, 'MissingContextValues').map((m) => m.textContent ?? '');
      if (missing.length) simMissing.textContent = `Missing context values: ${missing.join(', ')}`;
      renderMarkers();
    } catch (e) {
      simDecision.textContent = '';
      simError.textContent = errorText(e);
    } finally {
      simRun.disabled = false;
    }
  });

  // ---------------------------------------------------------------- policy tests
  const suiteSelect = h('select', { testid: 'tests-suite', 'aria-label': 'Test suite' }, h('option', { value: '' }, 'All suites'));
  const testsRun = h('button', { testid: 'tests-run', type: 'button' }, 'Run tests');
  const testsSummary = h('p', { testid: 'tests-summary', class: 'summary', role: 'status' });
  const testsResults = h('ul', { class: 'test-results' });
  const testsError = h('p', { class: 'error', role: 'alert' });

  consoleApi<{ Suites?: Suite[] }>('ListPolicyTestSuites', {}).then((out) => {
    for (const s of out.Suites ?? []) suiteSelect.appendChild(h('option', { value: s.Name }, `${s.Name} (${s.Cases})`));
  }).catch((e) => { testsError.textContent = errorText(e); });

  testsRun.addEventListener('click', async () => {
    testsError.textContent = '';
    testsSummary.textContent = 'Running…';
    fill(testsResults);
    testsRun.disabled = true;
    try {
      const out = await consoleApi<{ Passed: number; Failed: number; Results?: TestResult[] }>(
        'RunPolicyTests', suiteSelect.value ? { Suite: suiteSelect.value } : {});
      testsSummary.textContent = `${out.Passed} passed, ${out.Failed} failed`;
      testsSummary.className = out.Failed > 0 ? 'summary bad' : 'summary good';
      const results = [...(out.Results ?? [])].sort((a, b) => Number(a.Passed) - Number(b.Passed));
      fill(testsResults, results.map((r) => h('li', {
        testid: 'tests-result', class: r.Passed ? 'pass' : 'fail', 'data-passed': String(r.Passed),
      },
      h('span', { class: 'mark' }, r.Passed ? 'PASS' : 'FAIL'),
      h('span', { class: 'case' }, `${r.Suite} › ${r.Case}`),
      h('span', { class: 'muted' }, `expected ${r.Expected}, got ${r.Actual}`),
      r.Explanation ? h('span', { class: 'explanation' }, r.Explanation) : null)));
    } catch (e) {
      testsSummary.textContent = '';
      testsError.textContent = errorText(e);
    } finally {
      testsRun.disabled = false;
    }
  });

  // ---------------------------------------------------------------- layout
  root.replaceChildren(h('div', { class: 'policies' },
    h('section', { class: 'card editor-card' },
      h('header', { class: 'card-head' }, h('h2', {}, 'Policy editor'), policyType, validateBtn, validateStatus),
      editor,
      h('h3', {}, 'Findings'),
      findingsList,
      h('div', { class: 'row save' }, saveUser, saveName, saveBtn),
      saveResult),
    h('div', { class: 'side' },
      h('section', { class: 'card' },
        h('h2', {}, 'Simulate'),
        h('label', { for: 'sim-case' }, 'From a policy test case'), simCase,
        h('label', { for: 'sim-principal' }, 'Principal (its policies are evaluated with the document)'), simPrincipal,
        h('label', { for: 'sim-action' }, 'Action'), simAction,
        h('label', { for: 'sim-resource' }, 'Resource ARN'), simResource,
        h('label', { for: 'sim-context' }, 'Context (key=value per line; optional type: key (numeric)=5; lists: a,b)'), simContext,
        h('div', { class: 'row' }, simRun, h('span', {}, 'Decision: '), simDecision),
        simError, simMissing,
        h('h3', {}, 'Matched statements'), simMatched),
      h('section', { class: 'card' },
        h('h2', {}, 'Policy tests'),
        h('div', { class: 'row' }, suiteSelect, testsRun),
        testsSummary, testsError, testsResults))));

  renderMarkers();
  syncScroll();
  void validate();
  return () => { validation++; };
}

interface ContextEntry {
  name: string;
  type: string;
  values: string[];
}

const TYPES = new Set(['string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList', 'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList']);

/**
 * `key=value` lines into ContextEntries. The type is given as `key (type)=value` or inferred: true/false ->
 * boolean, a dotted IPv4 address -> ip, else string. A comma-separated value makes a list type.
 */
export function parseContext(text: string): ContextEntry[] {
  const out: ContextEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ApiError('InvalidContext', `Context line "${line}" is not key=value.`, 0);
    let key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    let type = '';
    const m = /^(.*?)\s*\((\w+)\)$/.exec(key);
    if (m) {
      key = m[1];
      type = m[2];
      if (!TYPES.has(type)) throw new ApiError('InvalidContext', `Unknown context type "${type}".`, 0);
    }
    const values = value.includes(',') ? value.split(',').map((v) => v.trim()) : [value];
    if (!type) {
      const scalar = values.every((v) => /^(true|false)$/i.test(v)) ? 'boolean'
        : values.every((v) => /^\d{1,3}(\.\d{1,3}){3}$/.test(v)) ? 'ip' : 'string';
      type = values.length > 1 ? scalar + 'List' : scalar;
    } else if (values.length > 1 && !type.endsWith('List')) {
      type += 'List';
    }
    out.push({ name: key, type, values });
  }
  return out;
}
