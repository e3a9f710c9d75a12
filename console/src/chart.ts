/** A small SVG sparkline/area chart: no library, no inline style (attributes only). */
const NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

export interface Series {
  label: string;
  values: number[];
  cls: string;
}

/** Draws the series (same length, oldest first) scaled to the largest value; `unit` labels the max. */
export function lineChart(title: string, series: Series[], format: (v: number) => string): SVGSVGElement {
  const W = 240;
  const H = 64;
  const PAD = 4;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H + 14}`, class: 'chart', role: 'img', 'data-testid': 'metric-chart' });
  const t = svg('title', {});
  t.textContent = title;
  root.appendChild(t);
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  root.appendChild(svg('line', { x1: 0, y1: H, x2: W, y2: H, class: 'axis' }));
  if (n >= 1) {
    const x = (i: number) => (n === 1 ? W / 2 : PAD + (i * (W - 2 * PAD)) / (n - 1));
    const y = (v: number) => (max === 0 ? H - 1 : H - 1 - (v / max) * (H - PAD - 1));
    for (const s of series) {
      const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      if (s.values.length > 1) {
        root.appendChild(svg('polygon', { points: `${x(0).toFixed(1)},${H} ${pts} ${x(s.values.length - 1).toFixed(1)},${H}`, class: `area ${s.cls}` }));
      }
      root.appendChild(svg('polyline', { points: pts, class: `line ${s.cls}` }));
    }
  }
  const label = svg('text', { x: 0, y: H + 12, class: 'chart-label' });
  label.textContent = `${title} · max ${format(max)}`;
  root.appendChild(label);
  return root;
}
