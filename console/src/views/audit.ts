/** Audit explorer: LookupEvents search, event detail with the decision, follow a session, validate, export. */
import { ApiError, auditControl, cloudtrail, consoleApi, errorText } from '../api';
import { epochSeconds, fill, h } from '../dom';

interface TrailEvent {
  EventId: string;
  EventName: string;
  EventTime?: number | string;
  EventSource?: string;
  Username?: string;
  AccessKeyId?: string;
  CloudTrailEvent?: string;
}

interface FileStatus {
  Name: string;
  Status: string;
  Problems?: string[];
}

interface ExportStatus {
  ExportId: string;
  Status: string;
  Progress?: number;
  EventCount?: number;
  Location?: string;
  FailureReason?: string;
}

type Record_ = Record<string, unknown>;

function obj(v: unknown): Record_ | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record_) : null;
}

function timeText(t: number | string | undefined): string {
  if (t === undefined || t === null || t === '') return '';
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** The decision explanation of a record: additionalEventData.policyDecision and guardrailDecision. */
function decisionText(record: Record_ | null, errorCode: string, errorMessage: string): string {
  const extra = obj(record?.['additionalEventData']);
  const lines: string[] = [];
  const pd = obj(extra?.['policyDecision']);
  if (pd) {
    lines.push(`IAM: ${pd['outcome'] ?? '?'}${pd['policyType'] ? ` (${pd['policyType']})` : ''}`);
    const stmts = pd['decidingStatements'];
    if (Array.isArray(stmts) && stmts.length) {
      lines.push('Deciding statements: ' + stmts.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))).join('; '));
    }
    if (pd['explanation']) lines.push(String(pd['explanation']));
  }
  const gd = obj(extra?.['guardrailDecision']);
  if (gd) {
    lines.push(`Guardrail: ${gd['outcome'] ?? gd['result'] ?? JSON.stringify(gd)}`);
    if (gd['explanation']) lines.push(String(gd['explanation']));
    if (Array.isArray(gd['reasons']) && gd['reasons'].length) lines.push('Reasons: ' + gd['reasons'].join('; '));
  }
  if (errorCode) lines.push(`Error: ${errorCode}${errorMessage ? ` – ${errorMessage}` : ''}`);
  return lines.length ? lines.join('\n') : 'No decision recorded for this event.';
}

export function auditView(root: HTMLElement): () => void {
  let alive = true;
  const eventName = h('input', { testid: 'audit-event-name', id: 'audit-event-name', placeholder: 'e.g. PutUserPolicy', autocomplete: 'off', spellcheck: 'false' });
  const username = h('input', { testid: 'audit-username', id: 'audit-username', placeholder: 'e.g. analyst', autocomplete: 'off', spellcheck: 'false' });
  const accessKey = h('input', { testid: 'audit-access-key', id: 'audit-access-key', placeholder: 'AKIA… / ASIA…', autocomplete: 'off', spellcheck: 'false' });
  const start = h('input', { testid: 'audit-start', id: 'audit-start', type: 'datetime-local', step: 1 });
  const end = h('input', { testid: 'audit-end', id: 'audit-end', type: 'datetime-local', step: 1 });
  const search = h('button', { testid: 'audit-search', type: 'submit', class: 'primary' }, 'Search');
  const searchStatus = h('span', { class: 'status', role: 'status' });
  const searchError = h('p', { testid: 'audit-search-error', class: 'error', role: 'alert' });
  const tbody = h('tbody', {});
  const table = h('table', { testid: 'audit-results', class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Event'), h('th', {}, 'User'), h('th', {}, 'Error'),
      h('th', {}, 'Access key'), h('th', {}, 'Source'))),
    tbody);
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  const detail = h('section', { class: 'card detail', hidden: true });

  let nextToken: string | undefined;
  let lastQuery: Record_ = {};
  /** Filters LookupEvents cannot combine (it takes one attribute): applied to the returned page here. */
  let localFilters: Array<[string, string]> = [];

  function query(): Record_ {
    const attrs: Array<[string, string]> = [];
    if (eventName.value.trim()) attrs.push(['EventName', eventName.value.trim()]);
    if (username.value.trim()) attrs.push(['Username', username.value.trim()]);
    if (accessKey.value.trim()) attrs.push(['AccessKeyId', accessKey.value.trim()]);
    const q: Record_ = { MaxResults: 50 };
    if (attrs.length) q['LookupAttributes'] = [{ AttributeKey: attrs[0][0], AttributeValue: attrs[0][1] }];
    localFilters = attrs.slice(1);
    const s = epochSeconds(start.value);
    const e = epochSeconds(end.value);
    if (s !== undefined) q['StartTime'] = s;
    if (e !== undefined) q['EndTime'] = e;
    return q;
  }

  function matchesLocal(ev: TrailEvent, rec: Record_ | null): boolean {
    return localFilters.every(([k, v]) => {
      if (k === 'Username') return ev.Username === v;
      if (k === 'AccessKeyId') return (ev.AccessKeyId ?? obj(rec?.['userIdentity'])?.['accessKeyId']) === v;
      return ev.EventName === v;
    });
  }

  async function runSearch(append: boolean): Promise<void> {
    searchError.textContent = '';
    searchStatus.textContent = 'Searching…';
    search.disabled = true;
    if (!append) {
      lastQuery = query();
      nextToken = undefined;
      fill(tbody);
      detail.hidden = true;
    }
    try {
      const t0 = performance.now();
      const out = await cloudtrail<{ Events?: TrailEvent[]; NextToken?: string }>('LookupEvents',
        nextToken ? { ...lastQuery, NextToken: nextToken } : lastQuery);
      if (!alive) return;
      nextToken = out.NextToken;
      more.hidden = !nextToken;
      let shown = 0;
      for (const ev of out.Events ?? []) {
        let rec: Record_ | null = null;
        try { rec = ev.CloudTrailEvent ? obj(JSON.parse(ev.CloudTrailEvent)) : null; } catch { rec = null; }
        if (!matchesLocal(ev, rec)) continue;
        shown++;
        const errorCode = String(rec?.['errorCode'] ?? '');
        const key = String(ev.AccessKeyId ?? obj(rec?.['userIdentity'])?.['accessKeyId'] ?? '');
        const row = h('tr', {
          testid: 'audit-row', class: errorCode ? 'has-error' : '', tabindex: 0,
          'data-event-name': ev.EventName, 'data-username': ev.Username ?? '', 'data-error-code': errorCode,
          'data-event-id': ev.EventId,
        },
        h('td', { class: 'nowrap' }, timeText(ev.EventTime)), h('td', {}, ev.EventName),
        h('td', { class: 'nowrap' }, ev.Username ?? ''), h('td', { class: 'err' }, errorCode),
        h('td', { class: 'mono' }, key), h('td', { class: 'muted' }, ev.EventSource ?? ''));
        const open = () => openDetail(ev, rec, key, row);
        row.addEventListener('click', open);
        row.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
        tbody.appendChild(row);
      }
      const ms = Math.round(performance.now() - t0);
      searchStatus.textContent = `${tbody.children.length} event(s)${shown === 0 && !append ? ' — nothing found' : ''} · ${ms} ms`;
    } catch (e) {
      searchStatus.textContent = '';
      searchError.textContent = errorText(e);
    } finally {
      search.disabled = false;
    }
  }

  function openDetail(ev: TrailEvent, rec: Record_ | null, key: string, row: HTMLElement): void {
    for (const r of Array.from(tbody.children)) r.classList.toggle('selected', r === row);
    const errorCode = String(rec?.['errorCode'] ?? '');
    const errorMessage = String(rec?.['errorMessage'] ?? '');
    const follow = h('button', {
      testid: 'audit-follow-session', type: 'button', disabled: !key,
      onclick: () => {
        eventName.value = '';
        username.value = '';
        accessKey.value = key;
        void runSearch(false);
      },
    }, key ? `Follow session (all events of ${key})` : 'No access key on this event');
    fill(detail,
      h('header', { class: 'card-head' }, h('h2', {}, ev.EventName), h('span', { class: 'muted' }, timeText(ev.EventTime)),
        h('button', { type: 'button', class: 'link', onclick: () => { detail.hidden = true; } }, 'Close')),
      h('h3', {}, 'Decision'),
      h('pre', { testid: 'audit-decision', class: `decision-text${errorCode ? ' bad' : ''}` }, decisionText(rec, errorCode, errorMessage)),
      follow,
      h('h3', {}, 'Record'),
      h('pre', { testid: 'audit-detail', class: 'record' }, rec ? JSON.stringify(rec, null, 2) : (ev.CloudTrailEvent ?? JSON.stringify(ev, null, 2))));
    detail.hidden = false;
    detail.scrollIntoView({ block: 'nearest' });
  }

  const form = h('form', { class: 'filters card' },
    h('div', { class: 'field' }, h('label', { for: 'audit-event-name' }, 'Event name'), eventName),
    h('div', { class: 'field' }, h('label', { for: 'audit-username' }, 'User name'), username),
    h('div', { class: 'field' }, h('label', { for: 'audit-access-key' }, 'Access key'), accessKey),
    h('div', { class: 'field' }, h('label', { for: 'audit-start' }, 'From'), start),
    h('div', { class: 'field' }, h('label', { for: 'audit-end' }, 'To'), end),
    h('div', { class: 'field actions' }, search, searchStatus));
  form.addEventListener('submit', (e) => { e.preventDefault(); void runSearch(false); });
  more.addEventListener('click', () => void runSearch(true));

  // ---------------------------------------------------------------- integrity validation
  const validateBtn = h('button', { testid: 'audit-validate', type: 'button' }, 'Validate integrity');
  const validateResult = h('p', { testid: 'audit-validate-result', class: 'result', role: 'status' });
  const validateFiles = h('ul', { class: 'files' });
  validateBtn.addEventListener('click', async () => {
    validateResult.textContent = 'Validating…';
    validateResult.className = 'result';
    fill(validateFiles);
    validateBtn.disabled = true;
    try {
      const range: Record_ = {};
      const s = epochSeconds(start.value);
      const e = epochSeconds(end.value);
      if (s !== undefined) range['StartTime'] = s;
      if (e !== undefined) range['EndTime'] = e;
      const out = await consoleApi<{ Valid: boolean; Summary?: string; Files?: FileStatus[]; Digests?: FileStatus[] }>('ValidateTrail', range);
      if (!alive) return;
      // the summary may itself start with the verdict ("VALID; checked ..."): say it once
      const summary = (out.Summary ?? '').replace(/^(IN)?VALID[;:,.]?\s*/, '');
      validateResult.textContent = `${out.Valid ? 'VALID' : 'INVALID'}${summary ? ` — ${summary}` : ''}`;
      validateResult.className = out.Valid ? 'result good' : 'result bad';
      const row = (kind: string, f: FileStatus) => h('li', {
        testid: 'audit-validate-file', 'data-status': f.Status, class: `status-${f.Status.toLowerCase()}`,
      }, h('span', { class: 'mark' }, f.Status), h('span', { class: 'muted' }, kind), h('span', { class: 'mono' }, f.Name),
      f.Problems && f.Problems.length ? h('span', { class: 'problems' }, f.Problems.join('; ')) : null);
      fill(validateFiles, (out.Files ?? []).map((f) => row('log', f)), (out.Digests ?? []).map((f) => row('digest', f)));
    } catch (e) {
      validateResult.textContent = errorText(e);
      validateResult.className = 'result bad';
    } finally {
      validateBtn.disabled = false;
    }
  });

  // ---------------------------------------------------------------- digest now
  // Validation checks, and exports take, only log files a signed digest covers (hourly); "Digest now" closes the
  // current log file and signs a digest at once (MlgateAudit CreateDigest, IAM action mlgate:CreateAuditDigest).
  const digestBtn = h('button', { testid: 'audit-digest', type: 'button' }, 'Digest now');
  const digestResult = h('span', { testid: 'audit-digest-result', class: 'status', role: 'status' });
  digestBtn.addEventListener('click', async () => {
    digestBtn.disabled = true;
    digestResult.textContent = 'Signing…';
    digestResult.className = 'status busy';
    try {
      await auditControl('CreateDigest', {});
      if (!alive) return;
      digestResult.textContent = 'DIGESTED';
      digestResult.className = 'status good';
    } catch (e) {
      digestResult.textContent = errorText(e);
      digestResult.className = 'status bad';
    } finally {
      digestBtn.disabled = false;
    }
  });

  // ---------------------------------------------------------------- export
  const format = h('select', { testid: 'audit-export-format', 'aria-label': 'Export format' },
    h('option', { value: 'jsonl' }, 'JSON lines'), h('option', { value: 'csv' }, 'CSV'), h('option', { value: 'ocsf' }, 'OCSF'));
  const exportBtn = h('button', { testid: 'audit-export', type: 'button' }, 'Start export');
  const progress = h('progress', { testid: 'audit-export-progress', max: 100, value: 0 });
  const exportStatus = h('span', { testid: 'audit-export-status', class: 'status', role: 'status' });
  const exportInfo = h('p', { class: 'muted' });
  let poll: ReturnType<typeof setTimeout> | undefined;

  exportBtn.addEventListener('click', async () => {
    exportInfo.textContent = '';
    exportStatus.textContent = '';
    progress.value = 0;
    exportBtn.disabled = true;
    try {
      // StartExport needs both ends: an empty From is the start of the trail, an empty To is now
      const req: Record_ = {
        Format: format.value,
        StartTime: epochSeconds(start.value) ?? 0,
        EndTime: epochSeconds(end.value) ?? Math.ceil(Date.now() / 1000),
      };
      const { ExportId } = await consoleApi<{ ExportId: string }>('StartExport', req);
      if (!ExportId) throw new ApiError('InvalidResponse', 'StartExport returned no ExportId.', 0);
      exportStatus.textContent = 'RUNNING';
      exportInfo.textContent = `Export ${ExportId}`;
      const tick = async () => {
        if (!alive) return;
        try {
          const st = await consoleApi<ExportStatus>('DescribeExport', { ExportId });
          if (!alive) return;
          progress.value = st.Progress ?? 0;
          exportStatus.textContent = st.Status;
          exportStatus.className = `status ${st.Status === 'SUCCEEDED' ? 'good' : st.Status === 'FAILED' ? 'bad' : 'busy'}`;
          exportInfo.textContent = [
            `Export ${ExportId}`,
            st.EventCount !== undefined ? `${st.EventCount} event(s)` : '',
            st.Location ? `in ${st.Location}` : '',
            st.FailureReason ? `— ${st.FailureReason}` : '',
          ].filter(Boolean).join(' ');
          if (st.Status === 'RUNNING') poll = setTimeout(tick, 500);
          else exportBtn.disabled = false;
        } catch (e) {
          exportStatus.textContent = 'FAILED';
          exportStatus.className = 'status bad';
          exportInfo.textContent = errorText(e);
          exportBtn.disabled = false;
        }
      };
      poll = setTimeout(tick, 500);
    } catch (e) {
      exportStatus.textContent = 'FAILED';
      exportStatus.className = 'status bad';
      exportInfo.textContent = errorText(e);
      exportBtn.disabled = false;
    }
  });

  root.replaceChildren(h('div', { class: 'audit' },
    form,
    searchError,
    h('div', { class: 'audit-main' },
      h('section', { class: 'card results' }, table, more),
      detail),
    h('div', { class: 'audit-tools' },
      h('section', { class: 'card' }, h('h2', {}, 'Integrity'),
        h('p', { class: 'muted' }, 'Validates the log files and digests of the time range above (whole trail when empty). '
          + 'Files not yet covered by a signed digest (the last hour\'s) are listed as NOT_COVERED: "Digest now" signs them.'),
        h('div', { class: 'row' }, validateBtn, digestBtn, digestResult), validateResult, validateFiles),
      h('section', { class: 'card' }, h('h2', {}, 'Compliance export'),
        h('p', { class: 'muted' }, 'Exports the time range above (from the start of the trail / until now when empty).'),
        h('div', { class: 'row' }, format, exportBtn, exportStatus), progress, exportInfo))));

  void runSearch(false);
  return () => {
    alive = false;
    if (poll !== undefined) clearTimeout(poll);
  };
}
