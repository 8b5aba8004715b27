// Traffic: per-second requests, 5xx and p99 for the last 15 minutes, per node or per route, with the faults
// (a node gone, a breaker opening, a config published) marked on the time axis. One call a second
// (GET /admin/traffic?since=...): the node serving the console keeps the history, this page only what is new.
import uPlot from '../lib/uplot.js';
import { get } from '../api.js';
import { byId, el } from '../dom.js';

const WINDOW_MS = 15 * 60 * 1000;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];
const FAULT_COLOURS = { 'node-gone': '#b3261e', 'node-back': '#1b7f3b', 'breaker-open': '#9a6700',
  'config-published': '#1f4fb3' };
const lines = new Map(); // "node\nroute" -> {node, route, points: Map(t -> [requests, errors, p99])}
let faults = [];
let since = 0;
const charts = {};

export function init() {
  byId('traffic-view').addEventListener('change', () => draw(true));
}

export async function refresh() {
  const r = await get('/admin/traffic?since=' + since);
  if (!r.ok) {
    throw new Error('/admin/traffic answered ' + r.status);
  }
  const d = r.data;
  const oldest = d.now - WINDOW_MS;
  for (const s of d.series) {
    const key = s.node + '\n' + (s.route ?? '');
    let line = lines.get(key);
    if (!line) {
      line = { node: s.node, route: s.route, points: new Map() };
      lines.set(key, line);
    }
    s.t.forEach((t, i) => line.points.set(t, [s.requests[i], s.errors[i], s.p99_ms[i]]));
    for (const t of line.points.keys()) {
      if (t < oldest) {
        line.points.delete(t);
      }
    }
  }
  const seen = new Set(faults.map((f) => f.at + f.kind + f.detail));
  faults = faults.concat(d.faults.filter((f) => !seen.has(f.at + f.kind + f.detail))).filter((f) => f.at >= oldest);
  since = d.through;
  draw(false);
  showFaults();
}

/** The lines of the chosen view: each node's total, or each route summed over the nodes (p99: the highest). */
function view() {
  const byRoute = byId('traffic-view').value === 'routes';
  const out = new Map();
  for (const line of lines.values()) {
    if ((line.route === null) === byRoute) {
      continue;
    }
    const name = byRoute ? (line.route === '' ? '(no route)' : line.route) : line.node;
    let acc = out.get(name);
    if (!acc) {
      acc = new Map();
      out.set(name, acc);
    }
    for (const [t, [rq, er, p99]] of line.points) {
      const a = acc.get(t) || [null, null, null];
      acc.set(t, [add(a[0], rq), add(a[1], er), max(a[2], p99)]);
    }
  }
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

const add = (a, b) => (b === null ? a : (a ?? 0) + b);
const max = (a, b) => (b === null ? a : a === null ? b : Math.max(a, b));

function draw(rebuild) {
  const shown = view();
  const times = [...new Set([...shown.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const names = [...shown.keys()];
  const key = byId('traffic-view').value + ':' + names.join(',');
  byId('traffic-legend').replaceChildren(...names.map((n, i) =>
    el('span', { class: 'legend-item', 'data-line': n }, el('span', { class: 'swatch swatch-' + (i % COLOURS.length) }), n)));
  byId('traffic-empty').hidden = times.length > 0;
  [['requests', 0, 'requests / s'], ['errors', 1, '5xx / s'], ['p99', 2, 'p99 (ms)']].forEach(([id, column, label]) => {
    const data = [times.map((t) => t / 1000), ...names.map((n) => times.map((t) => shown.get(n).get(t)?.[column] ?? null))];
    const chart = charts[id];
    if (!rebuild && chart && chart.key === key) {
      chart.plot.setData(data);
      return;
    }
    chart?.plot.destroy();
    const target = byId('traffic-' + id);
    target.replaceChildren();
    const plot = new uPlot({
      width: Math.max(400, target.clientWidth || 900), height: 180, title: label,
      legend: { show: false },
      scales: { x: { time: true } },
      series: [{}, ...names.map((n, i) => ({ label: n, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: false }))],
      axes: [{}, { size: 60 }],
      hooks: { draw: [markFaults] },
    }, data, target);
    charts[id] = { plot, key };
  });
}

/** Draws each fault as a vertical line at its time, in its kind's colour. */
function markFaults(u) {
  const ctx = u.ctx;
  ctx.save();
  for (const f of faults) {
    const x = Math.round(u.valToPos(f.at / 1000, 'x', true));
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) {
      continue;
    }
    ctx.strokeStyle = FAULT_COLOURS[f.kind] || '#000';
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}

function showFaults() {
  byId('traffic-faults').tBodies[0].replaceChildren(...[...faults].reverse().map((f) =>
    el('tr', { 'data-kind': f.kind },
      el('td', { text: new Date(f.at).toLocaleTimeString() }),
      el('td', {}, el('span', { class: 'fault fault-' + f.kind, text: f.kind })),
      el('td', { text: f.node || '-' }),
      el('td', { text: f.detail }))));
  byId('traffic-faults-empty').hidden = faults.length > 0;
}
