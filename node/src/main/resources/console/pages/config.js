// Config: the version in force, a publish form that validates first and shows each error at its path, the last 20
// versions with a diff between any two, and the cluster's audit log. One call a refresh: the history on every fifth
// tick, the audit log on the next, the version in force otherwise.
import { get, call } from '../api.js';
import { byId, el, facts } from '../dom.js';

let loaded = false;

export function init() {
  byId('config-reload').addEventListener('click', load);
  byId('config-validate').addEventListener('click', () => submit(false));
  byId('config-publish').addEventListener('click', () => submit(true));
  byId('diff-form').addEventListener('submit', (event) => {
    event.preventDefault();
    diff();
  });
}

export function shown() {
  if (!loaded) {
    load();
  }
}

export async function refresh(tick) {
  if (tick % 5 === 0) {
    await history();
    return;
  }
  if (tick % 5 === 1) {
    await audit();
    return;
  }
  const r = await get('/admin/config');
  if (!r.ok) {
    throw new Error('/admin/config answered ' + r.status);
  }
  const c = r.data;
  facts(byId('config-facts'), [
    ['version here', c.version], ['sha256', c.sha256], ['published by', c.published_by],
    ['published at', c.published_at], ['cluster version', c.cluster ? c.cluster.version : '-'],
  ]);
}

async function load() {
  const r = await get('/admin/config?format=yaml');
  if (r.ok) {
    byId('config-text').value = r.data;
    loaded = true;
  }
}

function showErrors(errors) {
  byId('config-errors').replaceChildren(...errors.map((e) =>
    el('li', { 'data-path': e.path }, el('code', { text: e.path || '(document)' }), ': ' + e.message)));
}

async function submit(publish) {
  const text = byId('config-text').value;
  const outcome = byId('config-outcome');
  outcome.className = '';
  outcome.textContent = 'validating...';
  showErrors([]);
  const checked = await call('POST', '/admin/config/validate', text);
  if (!checked.ok) {
    outcome.className = 'error';
    outcome.textContent = checked.data.error || ('validation answered ' + checked.status);
    showErrors(checked.data.errors || []);
    return;
  }
  if (!publish) {
    outcome.textContent = 'valid (sha256 ' + checked.data.sha256 + '); nothing published';
    return;
  }
  outcome.textContent = 'publishing...';
  const published = await call('PUT', '/admin/config', text);
  if (!published.ok) {
    outcome.className = 'error';
    outcome.textContent = published.data.error || ('publish answered ' + published.status);
    showErrors(published.data.errors || []);
    return;
  }
  const p = published.data;
  outcome.textContent = p.outcome + ': version ' + p.version + ' by ' + p.published_by
    + (p.applied_here ? ', applied here' : ', not applied here: ' + p.not_applied_here);
}

async function history() {
  const r = await get('/admin/config/history');
  if (!r.ok) {
    throw new Error('/admin/config/history answered ' + r.status);
  }
  const versions = r.data.versions;
  byId('config-history').tBodies[0].replaceChildren(...versions.map((v) =>
    el('tr', { 'data-version': v.version },
      el('td', { text: v.version }), el('td', { text: v.sha256.substring(0, 12) }),
      el('td', { class: 'published-by', text: v.published_by }), el('td', { text: v.published_at }))));
  for (const [id, pick] of [['diff-from', 1], ['diff-to', 0]]) {
    const select = byId(id);
    const chosen = select.value;
    const values = versions.map((v) => String(v.version));
    if (select.options.length !== values.length || [...select.options].some((o, i) => o.value !== values[i])) {
      select.replaceChildren(...values.map((v) => el('option', { value: v, text: 'v' + v })));
      select.value = values.includes(chosen) ? chosen : values[Math.min(pick, values.length - 1)] ?? '';
    }
  }
}

async function diff() {
  const from = byId('diff-from').value;
  const to = byId('diff-to').value;
  const r = await get('/admin/config/diff?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to));
  if (!r.ok) {
    byId('diff-summary').textContent = r.status + ': ' + (r.data.error || '');
    byId('diff-lines').replaceChildren();
    return;
  }
  byId('diff-summary').textContent = 'v' + r.data.from + ' to v' + r.data.to + ': ' + r.data.added + ' added, '
    + r.data.removed + ' removed';
  byId('diff-lines').replaceChildren(...collapse(r.data.lines).map((line) => line === null
    ? el('span', { class: 'line-skip', text: '  ...' })
    : el('span', { class: line[0] === '+' ? 'line-add' : line[0] === '-' ? 'line-del' : 'line-same', text: line })));
}

/** The changed lines with three unchanged lines around each change; null where unchanged lines are left out. */
function collapse(lines) {
  const CONTEXT = 3;
  const near = lines.map(() => false);
  lines.forEach((line, i) => {
    if (line[0] !== ' ') {
      for (let j = Math.max(0, i - CONTEXT); j <= Math.min(lines.length - 1, i + CONTEXT); j++) {
        near[j] = true;
      }
    }
  });
  const out = [];
  lines.forEach((line, i) => {
    if (near[i]) {
      out.push(line);
    } else if (out[out.length - 1] !== null) {
      out.push(null);
    }
  });
  return out;
}

async function audit() {
  const r = await get('/admin/audit');
  if (!r.ok) {
    throw new Error('/admin/audit answered ' + r.status);
  }
  byId('audit-log').tBodies[0].replaceChildren(...r.data.entries.map((e) =>
    el('tr', { class: e.status < 400 ? 'ok' : 'failed' },
      el('td', { text: e.at }), el('td', { text: e.who }), el('td', { text: e.node }),
      el('td', { class: 'action', text: e.action }), el('td', { class: 'audit-status', text: e.status }),
      el('td', { text: e.result }))));
}
