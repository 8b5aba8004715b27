// Breakers: every upstream's circuit breaker, as the cluster decides it and as this node acts on it.
import { get } from '../api.js';
import { byId, el, stateBadge } from '../dom.js';

export async function refresh() {
  const r = await get('/admin/breakers');
  if (!r.ok) {
    throw new Error('/admin/breakers answered ' + r.status);
  }
  const entries = Object.entries(r.data.breakers || {});
  byId('breakers-empty').hidden = entries.length > 0;
  byId('breakers-table').tBodies[0].replaceChildren(...entries.map(([name, b]) => {
    const cluster = b.cluster || {};
    const evidence = Object.entries(cluster.nodes || {})
      .map(([node, e]) => node + ': ' + e.failures + ' / ' + e.calls).join(', ');
    return el('tr', { 'data-upstream': name },
      el('td', { text: name }),
      el('td', { text: b.scope }),
      el('td', { class: 'state-here' }, stateBadge(b.state)),
      el('td', { class: 'cluster-state' }, cluster.state ? stateBadge(cluster.state) : '-'),
      el('td', { text: cluster.open_until || b.this_node?.open_until || '-' }),
      el('td', { text: cluster.probes_granted === undefined ? '-'
        : cluster.probes_succeeded + ' of ' + cluster.probes_granted + ' succeeded' }),
      el('td', { text: cluster.owner ? cluster.owner + (cluster.backups?.length ? ' (backups ' + cluster.backups.join(', ') + ')' : '') : '-' }),
      el('td', { text: evidence || (b.this_node ? 'here: ' + b.this_node.failures + ' / ' + b.this_node.calls : '-') }));
  }));
}
