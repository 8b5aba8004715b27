// Small DOM helpers: text only (never HTML from the API), classes instead of inline styles.

export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      node.className = value;
    } else if (name === 'text') {
      node.textContent = value;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

/** Replaces a <dl>'s content with label/value pairs; a value may be a node. */
export function facts(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([label, value]) => [el('dt', { text: label }),
    el('dd', { 'data-fact': label }, value === undefined || value === null ? '-' : value)]));
}

export function yesNo(value) {
  return el('span', { class: value ? 'yes' : 'no', text: value ? 'yes' : 'no' });
}

export function stateBadge(state) {
  return el('span', { class: 'state-' + (state || 'unknown'), text: state || '-' });
}

export function duration(seconds) {
  if (seconds === undefined || seconds === null) {
    return '-';
  }
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + (s % 60) + 's';
}
