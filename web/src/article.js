// An article's text with its annotations highlighted. Text goes in through text nodes only: an
// article holding "<script>" shows those characters and never runs them.
import { h, num } from './dom.js';

/** The marks of a document: [{start, end, kind, label}], code-point offsets, sorted, non-overlapping. */
export function marks(doc) {
  const out = [];
  for (const d of doc.diseases ?? []) {
    for (const m of d.mentions ?? []) out.push({ start: m.start, end: m.end, kind: 'disease', label: `disease: ${d.name ?? d.id}${d.id ? ` (${d.id})` : ''}` });
  }
  for (const p of doc.places ?? []) {
    for (const m of p.mentions ?? []) out.push({ start: m.start, end: m.end, kind: 'place', label: `place: ${p.name}${p.country ? `, ${p.country}` : ''}${p.kind ? ` (${p.kind})` : ''}` });
  }
  for (const d of doc.dates ?? []) {
    out.push({ start: d.start, end: d.end, kind: 'date', label: `date: ${d.value ?? d.text ?? ''}` });
  }
  for (const c of doc.counts ?? []) {
    out.push({ start: c.start, end: c.end, kind: 'number', label: `${c.metric ?? 'count'}${c.scope ? ` (${c.scope})` : ''}: ${num(c.value)}${c.qualifier && c.qualifier !== 'exact' ? `, ${c.qualifier.replace('_', ' ')}` : ''}` });
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept = [];
  let end = -1;
  for (const m of out) {
    if (!Number.isInteger(m.start) || !Number.isInteger(m.end) || m.end <= m.start || m.start < end) continue;
    kept.push(m);
    end = m.end;
  }
  return kept;
}

/**
 * Renders `text` (an array of code points or a string) between `from` and `to` with `list` marked,
 * paragraphs split on blank lines. Offsets are code points.
 */
export function markedText(text, list, from = 0, to = undefined, extraClass = '') {
  const cps = Array.isArray(text) ? text : Array.from(text ?? '');
  const stop = to ?? cps.length;
  const frag = document.createDocumentFragment();
  let para = h('p', extraClass ? { class: extraClass } : null);
  frag.append(para);
  const plain = (a, b) => {
    const chunk = cps.slice(a, b).join('');
    const parts = chunk.split(/\n\s*\n|\n/);
    parts.forEach((part, i) => {
      if (i > 0) {
        para = h('p', extraClass ? { class: extraClass } : null);
        frag.append(para);
      }
      if (part) para.append(document.createTextNode(part));
    });
  };
  let at = from;
  for (const m of list) {
    if (m.end <= from || m.start >= stop) continue;
    const a = Math.max(m.start, from);
    const b = Math.min(m.end, stop);
    if (a > at) plain(at, a);
    const mark = h('mark', { class: `hl-${m.kind}`, title: m.label }, cps.slice(a, b).join(''));
    para.append(mark);
    at = b;
  }
  if (at < stop) plain(at, stop);
  return frag;
}

/** The whole article, marked. */
export function articleView(doc) {
  const cps = Array.from(doc.text ?? '');
  return h('div', { class: 'article-text', 'data-doc': doc.id ?? '' }, markedText(cps, marks(doc)));
}

/** Legend for the highlight colours. */
export function markLegend() {
  return h('div', { class: 'legend marks' },
    h('mark', { class: 'hl-number' }, 'number'), ' ',
    h('mark', { class: 'hl-disease' }, 'disease'), ' ',
    h('mark', { class: 'hl-place' }, 'place'), ' ',
    h('mark', { class: 'hl-date' }, 'date'));
}

/** A figure's evidence sentence with its number marked. */
export function evidenceView(figure) {
  const ev = figure.evidence;
  if (!ev || typeof ev.text !== 'string') return h('span', { class: 'muted' }, '–');
  const list = [];
  const sp = figure.span;
  if (sp && Number.isInteger(sp.start) && Number.isInteger(ev.start)) {
    list.push({ start: sp.start - ev.start, end: sp.end - ev.start, kind: 'number', label: `${figure.metric}: ${num(figure.value)}` });
  }
  const span = h('span', { class: 'evidence' });
  const frag = markedText(Array.from(ev.text), list);
  // One sentence: keep it inline.
  for (const p of frag.querySelectorAll('p')) span.append(...p.childNodes);
  return span;
}
