// The console's shell: login, navigation by #hash, and a refresh of the shown page every second. Each page makes at
// most one admin call per refresh (the admin API runs calls on two threads): a page with more to read takes turns
// by the tick number it is given.
import { token, logIn, logOut, get } from './api.js';
import { byId } from './dom.js';
import * as cluster from './pages/cluster.js';
import * as traffic from './pages/traffic.js';
import * as breakers from './pages/breakers.js';
import * as limits from './pages/limits.js';
import * as config from './pages/config.js';

const PAGES = { cluster, traffic, breakers, limits, config };
const REFRESH_MS = 1000;
let refreshing = false;
let tick = 0;

function currentName() {
  const name = location.hash.replace('#', '');
  return PAGES[name] ? name : 'cluster';
}

function show() {
  const loggedIn = Boolean(token());
  byId('login').hidden = loggedIn;
  byId('nav').hidden = !loggedIn;
  byId('logout').hidden = !loggedIn;
  const name = currentName();
  for (const page of Object.keys(PAGES)) {
    byId('page-' + page).hidden = !loggedIn || page !== name;
    byId('nav-' + page).classList.toggle('current', page === name);
  }
  if (loggedIn) {
    tick = 0;
    PAGES[name].shown?.();
    refresh();
  } else {
    byId('token').focus();
  }
}

async function refresh() {
  if (refreshing || !token()) {
    return;
  }
  refreshing = true;
  try {
    await PAGES[currentName()].refresh(tick++);
    byId('status').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    byId('status').textContent = 'refresh failed: ' + e.message;
  } finally {
    refreshing = false;
  }
}

async function submitLogin(event) {
  event.preventDefault();
  const value = byId('token').value;
  logIn(value);
  const probe = await get('/admin/cluster');
  if (probe.status === 401 || !probe.ok) {
    logOut();
    byId('login-error').textContent = probe.status === 401 ? 'This token is refused.'
      : 'The node answered ' + probe.status + ': ' + (probe.data.error || '');
    return;
  }
  byId('token').value = '';
  byId('login-error').textContent = '';
  byId('served-by').textContent = 'served by ' + probe.data.node;
  show();
}

function start() {
  for (const page of Object.values(PAGES)) {
    page.init?.();
  }
  byId('login-form').addEventListener('submit', submitLogin);
  byId('logout').addEventListener('click', () => logOut());
  window.addEventListener('console-logged-out', show);
  window.addEventListener('hashchange', show);
  setInterval(refresh, REFRESH_MS);
  show();
}

start();
