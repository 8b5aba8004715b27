// Limits: each policy's decisions summed over the nodes (GET /admin/nodes), and one rate-limit bucket as the cluster
// sees it (GET /admin/limits/{policy}/{key}), without consuming: the bucket on every fifth refresh, one call a second.
import { get } from '../api.js';
import { byId, el, facts } from '../dom.js';

let lookup = null;
let before = null; // {at, totals} of the previous refresh

export function init() {
  byId('limits-form').addEventListener('submit', (event) => {
    event.preventDefault();
    lookup = { policy: byId('limits-policy').value.trim(), key: byId('limits-key').value.trim() };
    bucket();
  });
}

export async function refresh(tick) {
  if (lookup && tick % 5 === 4) {
    await bucket();
    return;
  }
  const r = await get('/admin/nodes');
  if (!r.ok) {
    throw new Error('/admin/nodes answered ' + r.status);
  }
  const totals = new Map();
  for (const n of r.data.nodes.filter((x) => x.status === 'up')) {
    for (const [policy, l] of Object.entries(n.limits || {})) {
      const t = totals.get(policy) || { allowed: 0, limited: 0, fallback: 0, nodes: [] };
      t.allowed += l.allowed;
      t.limited += l.limited;
      t.fallback += l.fallback;
      t.nodes.push(n.node);
      totals.set(policy, t);
    }
  }
  const now = Date.now();
  const rate = (policy, field) => {
    const was = before?.totals.get(policy);
    if (!was) {
      return '-';
    }
    const seconds = (now - before.at) / 1000;
    return (Math.max(0, totals.get(policy)[field] - was[field]) / seconds).toFixed(1);
  };
  byId('limits-policies').tBodies[0].replaceChildren(...[...totals.entries()].sort().map(([policy, t]) =>
    el('tr', { 'data-policy': policy },
      el('td', { text: policy }),
      el('td', { class: 'allowed-rate', text: rate(policy, 'allowed') }),
      el('td', { class: 'limited-rate', text: rate(policy, 'limited') }),
      el('td', { class: 'fallback-rate', text: rate(policy, 'fallback') }),
      el('td', { class: 'allowed', text: t.allowed }),
      el('td', { class: 'limited', text: t.limited }),
      el('td', { class: 'fallback', text: t.fallback }),
      el('td', { text: t.nodes.join(', ') }))));
  before = { at: now, totals };
}

async function bucket() {
  const r = await get('/admin/limits/' + encodeURIComponent(lookup.policy) + '/' + encodeURIComponent(lookup.key));
  if (!r.ok) {
    byId('limits-result').replaceChildren();
    byId('limits-error').textContent = r.status + ': ' + (r.data.error || r.data);
    return;
  }
  const b = r.data;
  byId('limits-error').textContent = '';
  facts(byId('limits-result'), [
    ['policy', b.policy], ['key', b.key], ['algorithm', b.algorithm],
    ['remaining', b.remaining + ' of ' + b.limit], ['resets in', b.reset_seconds + ' s'],
    ['owner', b.owner || '- (no cluster)'], ['backups', b.backups ? b.backups.join(', ') || 'none' : '-'],
  ]);
}
