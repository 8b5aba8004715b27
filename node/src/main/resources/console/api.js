// The admin API of the node serving the console, with the token this tab logged in with.
const KEY = 'gateway.console.token';

export function token() {
  return sessionStorage.getItem(KEY);
}

export function logIn(value) {
  sessionStorage.setItem(KEY, value);
}

export function logOut() {
  sessionStorage.removeItem(KEY);
  window.dispatchEvent(new Event('console-logged-out'));
}

/** One call: {status, ok, data} with data parsed as JSON when it is JSON. A 401 logs the tab out. */
export async function call(method, path, body) {
  const headers = { 'Authorization': 'Bearer ' + (token() || '') };
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/yaml';
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    return { status: 0, ok: false, data: { error: 'the node did not answer (' + e.message + ')' } };
  }
  const text = await response.text();
  let data = text;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // YAML or plain text: kept as it is
  }
  if (response.status === 401) {
    logOut();
  }
  return { status: response.status, ok: response.ok, data };
}

export const get = (path) => call('GET', path);
