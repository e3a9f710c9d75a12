/** Endpoints: the list, then per endpoint its variants (live weights), metrics with charts, and the KMS key status. */
import { ApiError, consoleApi, errorText, kms, sagemaker } from '../api';
import { lineChart } from '../chart';
import { fill, h } from '../dom';

interface EndpointSummary {
  EndpointName: string;
  EndpointStatus?: string;
  CreationTime?: number | string;
}

interface ProductionVariant {
  VariantName: string;
  CurrentWeight?: number;
  DesiredWeight?: number;
  CurrentInstanceCount?: number;
  DesiredInstanceCount?: number;
  ModelName?: string;
}

interface HistorySample {
  Timestamp: number;
  Invocations: number;
  Errors: number;
  ModelLatencyP50: number;
}

interface VariantMetrics {
  VariantName: string;
  Invocations: number;
  Invocation4XXErrors: number;
  Invocation5XXErrors: number;
  ModelLatencyP50: number;
  ModelLatencyP90: number;
  ModelLatencyP99: number;
  LoadedModels?: number | string[];
  History?: HistorySample[];
}

const REFRESH_MS = 5000;
/** Endpoints opened by name (not in ListEndpoints): kept for the page's life. */
const pinned = new Set<string>();
/** The model store's key (EndpointCatalog.MODEL_KEY_ALIAS): the artifacts' key when the config names none. */
const MODEL_STORE_KEY = 'alias/mlgate/models';
/** The key status is read again at most this often (each read is two audited KMS calls). */
const KEY_REFRESH_MS = 30000;

function micros(us: number): string {
  if (!Number.isFinite(us)) return '–';
  return us >= 1000 ? `${(us / 1000).toFixed(us >= 100000 ? 0 : 1)} ms` : `${Math.round(us)} µs`;
}

function num(n: number | undefined): string {
  return n === undefined || n === null ? '–' : String(n);
}

export function endpointsView(root: HTMLElement): () => void {
  let alive = true;
  let selected: string | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let keyCache: { config: string; node: HTMLElement; at: number } | null = null;

  const tbody = h('tbody', {});
  const table = h('table', { testid: 'endpoints-table', class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Endpoint'), h('th', {}, 'Status'), h('th', {}, 'Created'))), tbody);
  const listError = h('p', { class: 'error', role: 'alert' });
  const refreshed = h('span', { class: 'muted' });
  const detail = h('section', { class: 'card endpoint-detail', hidden: true });
  const openName = h('input', { id: 'endpoint-open', testid: 'endpoint-open-name', placeholder: 'endpoint name', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'Endpoint name' });
  const openForm = h('form', { class: 'row open-endpoint' }, openName, h('button', { type: 'submit', testid: 'endpoint-open' }, 'Open'),
    h('span', { class: 'muted' }, 'Endpoints the gateway serves from its own configuration are not listed by ListEndpoints: open them by name.'));
  openForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = openName.value.trim();
    if (!name) return;
    pinned.add(name);
    selected = name;
    keyCache = null;
    void loadList().then(loadDetail);
  });

  async function loadList(): Promise<void> {
    try {
      const out = await sagemaker<{ Endpoints?: EndpointSummary[] }>('ListEndpoints', { MaxResults: 100 });
      if (!alive) return;
      listError.textContent = '';
      const eps = out.Endpoints ?? [];
      for (const p of pinned) if (!eps.some((e) => e.EndpointName === p)) eps.push({ EndpointName: p, EndpointStatus: 'Served' });
      fill(tbody, eps.length === 0 ? h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No endpoints.')) : eps.map((e) => {
        const row = h('tr', {
          testid: 'endpoint-row', 'data-endpoint': e.EndpointName, tabindex: 0,
          class: e.EndpointName === selected ? 'selected' : '',
        }, h('td', {}, e.EndpointName), h('td', {}, h('span', { class: `pill ${(e.EndpointStatus ?? '').toLowerCase()}` }, e.EndpointStatus ?? '')),
        h('td', { class: 'muted' }, e.CreationTime ? new Date(typeof e.CreationTime === 'number' ? e.CreationTime * 1000 : e.CreationTime).toLocaleString() : ''));
        const pick = () => { selected = e.EndpointName; keyCache = null; for (const r of Array.from(tbody.children)) r.classList.toggle('selected', r === row); void loadDetail(); };
        row.addEventListener('click', pick);
        row.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') pick(); });
        return row;
      }));
    } catch (e) {
      if (alive) listError.textContent = errorText(e);
    }
  }

  /** The artifacts' key: Enabled/Disabled and rotation on/off (cached per endpoint configuration). */
  async function keyStatus(configName: string, configKey: string | undefined): Promise<HTMLElement> {
    if (keyCache && keyCache.config === configName && Date.now() - keyCache.at < KEY_REFRESH_MS) return keyCache.node;
    const source = configKey ? 'endpoint configuration KmsKeyId' : `model store key ${MODEL_STORE_KEY}`;
    const keyId = configKey || MODEL_STORE_KEY;
    let node: HTMLElement;
    try {
      const d = await kms<{ KeyMetadata?: { KeyId?: string; Arn?: string; Enabled?: boolean; KeyState?: string } }>('DescribeKey', { KeyId: keyId });
      const md = d.KeyMetadata ?? {};
      let rotation = 'unknown';
      try {
        const r = await kms<{ KeyRotationEnabled?: boolean }>('GetKeyRotationStatus', { KeyId: md.KeyId ?? keyId });
        rotation = r.KeyRotationEnabled ? 'on' : 'off';
      } catch (e) {
        rotation = `unknown (${errorText(e)})`;
      }
      const enabled = md.Enabled ? 'Enabled' : 'Disabled';
      node = h('p', {
        testid: 'endpoint-key-status', 'data-key-state': md.KeyState ?? enabled, 'data-rotation': rotation.split(' ')[0],
        class: md.Enabled ? 'good' : 'bad',
      },
      h('strong', {}, enabled), md.KeyState && md.KeyState !== enabled ? ` (${md.KeyState})` : '', ` · rotation ${rotation} · `,
      h('span', { class: 'mono' }, md.Arn ?? keyId), h('span', { class: 'muted' }, ` (${source})`));
    } catch (e) {
      node = h('p', { testid: 'endpoint-key-status', 'data-key-state': 'error', class: 'error' }, `${keyId}: ${errorText(e)}`);
    }
    keyCache = { config: configName, node, at: Date.now() };
    return node;
  }

  let loading = false;
  async function loadDetail(): Promise<void> {
    const name = selected;
    if (!name || loading) return;
    loading = true;
    try {
      type Described = { EndpointName: string; EndpointConfigName?: string; EndpointStatus?: string; ProductionVariants?: ProductionVariant[] };
      let ep: Described;
      try {
        ep = await sagemaker<Described>('DescribeEndpoint', { EndpointName: name });
      } catch (e) {
        // an endpoint the gateway serves from its own configuration (like the demo's iris) is not a SageMaker
        // control-plane endpoint: show what its metrics say, or the DescribeEndpoint error when they know it neither
        if (!(e instanceof ApiError) || e.code !== 'ValidationException') throw e;
        try {
          await consoleApi('GetEndpointMetrics', { EndpointName: name });
        } catch {
          throw e;
        }
        ep = { EndpointName: name, EndpointStatus: 'Served' };
      }
      let cfgVariants: ProductionVariant[] = [];
      let kmsKeyId: string | undefined;
      if (ep.EndpointConfigName) {
        const cfg = await sagemaker<{ KmsKeyId?: string; ProductionVariants?: ProductionVariant[] }>('DescribeEndpointConfig', { EndpointConfigName: ep.EndpointConfigName });
        cfgVariants = cfg.ProductionVariants ?? [];
        kmsKeyId = cfg.KmsKeyId || undefined;
      }
      let metrics: VariantMetrics[] = [];
      let metricsError = '';
      try {
        metrics = (await consoleApi<{ Variants?: VariantMetrics[] }>('GetEndpointMetrics', { EndpointName: name })).Variants ?? [];
      } catch (e) {
        metricsError = errorText(e);
      }
      const key = await keyStatus(ep.EndpointConfigName ?? '', kmsKeyId);
      if (!alive || selected !== name) return;
      const byName = new Map(metrics.map((m) => [m.VariantName, m]));
      const variants: ProductionVariant[] = [...(ep.ProductionVariants ?? [])];
      for (const m of metrics) {
        if (!variants.some((v) => v.VariantName === m.VariantName)) variants.push({ VariantName: m.VariantName });
      }
      const total = metrics.reduce((a, m) => ({
        inv: a.inv + (m.Invocations ?? 0),
        err: a.err + (m.Invocation4XXErrors ?? 0) + (m.Invocation5XXErrors ?? 0),
        p50: Math.max(a.p50, m.ModelLatencyP50 ?? 0),
        p99: Math.max(a.p99, m.ModelLatencyP99 ?? 0),
      }), { inv: 0, err: 0, p50: 0, p99: 0 });

      fill(detail,
        h('header', { class: 'card-head' }, h('h2', {}, name), h('span', { class: `pill ${(ep.EndpointStatus ?? '').toLowerCase()}` }, ep.EndpointStatus ?? ''),
          h('span', { class: 'muted' }, ep.EndpointConfigName ? `config ${ep.EndpointConfigName}` : '')),
        h('div', { class: 'tiles' },
          h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, 'Invocations'), h('span', { testid: 'metric-invocations', class: 'tile-value' }, metricsError ? '–' : String(total.inv))),
          h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, 'Errors (4xx+5xx)'), h('span', { testid: 'metric-errors', class: `tile-value${total.err ? ' bad' : ''}` }, metricsError ? '–' : String(total.err))),
          h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, 'Latency p50'), h('span', { testid: 'metric-p50', class: 'tile-value', 'data-us': total.p50 }, metricsError || total.inv === 0 ? '–' : micros(total.p50))),
          h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, 'Latency p99'), h('span', { testid: 'metric-p99', class: 'tile-value', 'data-us': total.p99 }, metricsError || total.inv === 0 ? '–' : micros(total.p99)))),
        metricsError ? h('p', { class: 'error' }, metricsError) : null,
        h('h3', {}, 'Variants'),
        h('table', { class: 'grid variants' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Variant'), h('th', {}, 'Model'), h('th', {}, 'Weight'), h('th', {}, 'Instances'),
            h('th', {}, 'Invocations'), h('th', {}, '4xx / 5xx'), h('th', {}, 'p50 / p90 / p99'), h('th', {}, 'Loaded models'))),
          h('tbody', {}, variants.map((v) => {
            const m = byName.get(v.VariantName);
            const model = cfgVariants.find((c) => c.VariantName === v.VariantName)?.ModelName ?? '';
            const loaded = m?.LoadedModels;
            return h('tr', { testid: 'variant-row', 'data-variant': v.VariantName, 'data-weight': v.CurrentWeight ?? '', 'data-instances': v.CurrentInstanceCount ?? '' },
              h('td', {}, v.VariantName), h('td', { class: 'mono' }, model),
              h('td', {}, num(v.CurrentWeight), v.DesiredWeight !== undefined && v.DesiredWeight !== v.CurrentWeight ? h('span', { class: 'muted' }, ` → ${v.DesiredWeight}`) : null),
              h('td', {}, num(v.CurrentInstanceCount)),
              h('td', {}, m ? String(m.Invocations) : '–'),
              h('td', {}, m ? `${m.Invocation4XXErrors} / ${m.Invocation5XXErrors}` : '–'),
              h('td', {}, m && m.Invocations > 0 ? `${micros(m.ModelLatencyP50)} / ${micros(m.ModelLatencyP90)} / ${micros(m.ModelLatencyP99)}` : '–'),
              h('td', {}, loaded === undefined ? '–' : Array.isArray(loaded) ? loaded.join(', ') : String(loaded)));
          }))),
        h('h3', {}, 'Last 10 minutes (10 s samples)'),
        h('div', { class: 'charts' }, metrics.map((m) => {
          const hist = m.History ?? [];
          return h('figure', { class: 'chart-box', 'data-variant': m.VariantName },
            h('figcaption', {}, m.VariantName),
            lineChart('invocations / errors', [
              { label: 'invocations', values: hist.map((s) => s.Invocations), cls: 'inv' },
              { label: 'errors', values: hist.map((s) => s.Errors), cls: 'err' },
            ], (v) => String(v)),
            lineChart('latency p50', [{ label: 'p50', values: hist.map((s) => s.ModelLatencyP50), cls: 'lat' }], micros));
        })),
        h('h3', {}, 'Model artifacts key'),
        key);
      detail.hidden = false;
      refreshed.textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      if (!alive || selected !== name) return;
      fill(detail, h('p', { class: 'error' }, e instanceof ApiError ? e.toString() : errorText(e)));
      detail.hidden = false;
    } finally {
      loading = false;
    }
  }

  root.replaceChildren(h('div', { class: 'endpoints' },
    h('section', { class: 'card' }, h('header', { class: 'card-head' }, h('h2', {}, 'Endpoints'), refreshed), table, listError, openForm),
    detail));

  void loadList();
  timer = setInterval(() => { void loadList(); void loadDetail(); }, REFRESH_MS);
  return () => {
    alive = false;
    if (timer !== undefined) clearInterval(timer);
  };
}
