// Cluster: this node's view of the membership and every node's summary, in one call (GET /admin/nodes?with=cluster).
import { get } from '../api.js';
import { byId, el, facts, yesNo, stateBadge, duration } from '../dom.js';

export async function refresh() {
  const nodes = await get('/admin/nodes?with=cluster');
  if (!nodes.data || !nodes.data.cluster) {
    throw new Error('/admin/nodes answered ' + nodes.status);
  }
  const c = nodes.data.cluster;
  byId('served-by').textContent = 'served by ' + c.node;
  facts(byId('cluster-facts'), [
    ['this node', c.node],
    ['mode', c.mode === 'cluster' ? 'cluster ' + c.name : 'standalone'],
    ['members', c.mode === 'cluster' ? c.size + ' (min ' + c.min_size + ', expected ' + c.expected_size + ')' : '1'],
    ['quorum', c.mode === 'cluster' ? yesNo(c.quorum) : '-'],
    ['partitions safe', c.mode === 'cluster' ? yesNo(c.local_partitions_safe) : '-'],
    ['ready', c.mode === 'cluster' ? (c.ready ? yesNo(true) : el('span', { class: 'no', text: 'no: ' + c.reason })) : '-'],
    ['cluster config version', c.config?.cluster_version ?? '-'],
    ['clock offset', c.clock ? c.clock.offset_ms + ' ms' : '-'],
  ]);
  const rows = merge(c, nodes.ok ? nodes.data.nodes : []);
  byId('cluster-nodes').tBodies[0].replaceChildren(...rows.map(row));
  byId('cluster-nodes-note').textContent = nodes.ok ? ''
    : 'node summaries unavailable (' + nodes.status + ' ' + (nodes.data.error || '') + '): members only';
}

/** One row per node: a summary (up or gone) joined with the member list; a member without a summary yet too. */
function merge(c, summaries) {
  const members = new Map((c.members || []).map((m) => [m.node, m]));
  const configs = c.config?.nodes || {};
  const out = summaries.map((s) => ({ ...s, member: members.get(s.node), configReport: configs[s.node] }));
  for (const [name, m] of members) {
    if (!out.some((s) => s.node === name)) {
      out.push({ node: name, status: 'joining', member: m, configReport: configs[name] });
    }
  }
  // a node that left before this console saw its summary: still listed by its last config report
  for (const [name, report] of Object.entries(configs)) {
    if (!out.some((s) => s.node === name)) {
      out.push({ node: name, status: 'gone', configReport: report, last_seen: report.reported_at });
    }
  }
  return out.sort((a, b) => a.node.localeCompare(b.node));
}

function row(n) {
  const notClosed = Object.entries(n.breakers || {}).filter(([, state]) => state !== 'closed');
  const version = n.config_version ?? n.configReport?.version;
  const current = n.configReport ? n.configReport.current : undefined;
  return el('tr', { class: n.status, 'data-node': n.node },
    el('td', { class: 'name' }, n.node, n.local ? el('span', { class: 'muted', text: ' (this node)' }) : null),
    el('td', { class: 'status', text: n.status }),
    el('td', { text: n.member ? n.member.address : '-' }),
    el('td', { class: 'ready' }, n.ready === undefined ? '-' : n.ready ? yesNo(true)
      : el('span', { class: 'no', text: 'no: ' + (n.reason || '') })),
    el('td', { class: 'config-version', text: version === undefined ? '-' : String(version)
      + (current === false ? ' (not current)' : '') }),
    el('td', { text: n.requests ?? '-' }),
    el('td', { text: n.errors ?? '-' }),
    el('td', { text: n.status === 'up' ? duration(n.uptime_seconds) : '-' }),
    el('td', {}, notClosed.length === 0 ? (n.breakers ? 'all closed' : '-')
      : notClosed.map(([u, s]) => el('span', {}, u + ': ', stateBadge(s), ' '))),
    el('td', { text: n.status === 'gone' ? 'gone since ' + n.last_seen
      : n.age_ms !== undefined ? n.age_ms + ' ms ago' : '-' }));
}
