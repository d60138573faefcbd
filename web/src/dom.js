// DOM building without HTML parsing: every piece of text goes in through createTextNode, so no
// article, title or note can ever become markup or script.

const SAFE_SCHEMES = ['http:', 'https:'];

/** Returns the URL when it is http(s), else null (no javascript:, data: or relative links). */
export function safeUrl(url) {
  if (typeof url !== 'string' || url === '') return null;
  try {
    const u = new URL(url);
    return SAFE_SCHEMES.includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * h('a', {href: '#/x', class: 'c', onclick: fn}, 'text', child, [more]) builds an element.
 * Attributes go through setAttribute; `on…` keys add listeners; children are nodes or text.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'href' && !String(value).startsWith('#')) {
      const url = safeUrl(value);
      if (url) {
        el.setAttribute('href', url);
        el.setAttribute('rel', 'noopener noreferrer');
        el.setAttribute('target', '_blank');
      }
    } else if (key === 'style') {
      // CSP forbids style attributes: set properties through the CSSOM instead.
      for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

/** Appends children: nodes as they are, strings and numbers as text nodes, arrays flattened. */
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
  return el;
}

/** Empties an element and fills it again. */
export function replace(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return append(el, children);
}

/** 1200000 -> "1,200,000". */
export function num(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return Number(n).toLocaleString('en-GB');
}

/** Short form for axis labels: 1.2M, 35k. */
export function shortNum(n) {
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(n / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return `${+n.toFixed(a < 10 ? 1 : 0)}`;
}

/** "2022-05-17T17:36:00+09:00" -> "17 May 2022". */
export function day(iso) {
  if (!iso) return '';
  const d = parseDay(iso);
  if (!d) return String(iso);
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** The calendar day of an ISO date or datetime, as a UTC Date, or null. */
export function parseDay(iso) {
  if (typeof iso !== 'string') return null;
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(iso);
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, m[3] ? +m[3] : 1));
}

/**
 * Colours by disease: the ten most frequent diseases of the events get the ten colours of the
 * palette (assigned once from all events, so a filter does not repaint them); the rest are grey.
 */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#393b79'];
const OTHER = '#9aa0a6';
const assigned = new Map();
export function assignColours(events) {
  const counts = new Map();
  for (const ev of events) {
    const d = ev.diseases?.[0];
    const key = d?.id ?? d?.name;
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assigned.clear();
  [...counts.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
    .slice(0, PALETTE.length)
    .forEach(([key], i) => assigned.set(key, PALETTE[i]));
}
export function colour(key) {
  return (key && assigned.get(key)) || OTHER;
}

/** Country flag-free label: ISO2 -> English name when the browser knows it. */
let regionNames = null;
export function countryName(code) {
  if (!code) return '';
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** "a, b, c +2": the first `n` of a list and how many more. */
export function few(list, n) {
  return list.length > n ? `${list.slice(0, n).join(', ')} +${list.length - n}` : list.join(', ');
}
