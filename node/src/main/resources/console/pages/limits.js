// Limits: one rate-limit bucket as the cluster sees it (GET /admin/limits/{policy}/{key}), without consuming.
import { get } from '../api.js';
import { byId, facts } from '../dom.js';

let lookup = null;

export function init() {
  byId('limits-form').addEventListener('submit', (event) => {
    event.preventDefault();
    lookup = { policy: byId('limits-policy').value.trim(), key: byId('limits-key').value.trim() };
    refresh();
  });
}

export async function refresh() {
  if (!lookup) {
    return;
  }
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
