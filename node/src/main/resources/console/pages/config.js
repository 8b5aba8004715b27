// Config: the version in force, and a publish form that validates first and shows each error at its path.
import { get, call } from '../api.js';
import { byId, el, facts } from '../dom.js';

let loaded = false;

export function init() {
  byId('config-reload').addEventListener('click', load);
  byId('config-validate').addEventListener('click', () => submit(false));
  byId('config-publish').addEventListener('click', () => submit(true));
}

export function shown() {
  if (!loaded) {
    load();
  }
}

export async function refresh() {
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
  refresh();
}
