// The response side of an event, gathered from its articles: actions between parties (aid
// offered, requested, sent), shortages, public-health measures and quotes. Text only.
import { h, day, countryName } from './dom.js';

const party = (p) => (p ? (p.country && p.kind === 'country' ? countryName(p.country) : p.text ?? p.id ?? '') : '');
const items = (list) => (list ?? []).map((i) => i.text ?? i.kind).filter(Boolean).join(', ');
const flags = (x) => [x.modality && x.modality !== 'reported' ? x.modality : null, x.hedged ? 'hedged' : null, x.date ? day(x.date) : null].filter(Boolean).join(', ');

/** An empty panel; `add(doc, source)` appends what one article says. */
export function responsePanel() {
  const lists = {
    actions: h('ul', { class: 'response-list', id: 'response-actions' }),
    shortages: h('ul', { class: 'response-list', id: 'response-shortages' }),
    measures: h('ul', { class: 'response-list', id: 'response-measures' }),
    quotes: h('ul', { class: 'response-list quotes', id: 'response-quotes' }),
  };
  const sections = {
    actions: h('div', { hidden: true }, h('h3', null, 'Actions and aid'), lists.actions),
    shortages: h('div', { hidden: true }, h('h3', null, 'Shortages'), lists.shortages),
    measures: h('div', { hidden: true }, h('h3', null, 'Measures'), lists.measures),
    quotes: h('div', { hidden: true }, h('h3', null, 'Quotes'), lists.quotes),
  };
  const empty = h('p', { class: 'muted' }, 'Nothing on aid, shortages, measures or quotes in the articles loaded.');
  const panel = h('section', { class: 'panel response', id: 'response' },
    h('h2', null, 'Response'), empty, Object.values(sections));
  const from = (src) => h('span', { class: 'muted small' }, ` — ${[src.outlet, day(src.published)].filter(Boolean).join(', ') || src.doc_id}`);
  const show = (key, li) => {
    lists[key].append(li);
    sections[key].hidden = false;
    empty.hidden = true;
  };
  function add(doc, src) {
    for (const a of doc.actions ?? []) {
      const who = party(a.actor) || 'someone';
      const to = party(a.recipient);
      show('actions', h('li', { title: a.evidence?.text ?? '' },
        h('strong', null, who), ` ${a.action ?? ''}`, to ? ` → ${to}` : '',
        items(a.items) ? `: ${items(a.items)}` : '', flags(a) ? h('span', { class: 'muted' }, ` (${flags(a)})`) : null, from(src)));
    }
    for (const sh of doc.shortages ?? []) {
      show('shortages', h('li', { title: sh.evidence?.text ?? '' },
        items(sh.items) || 'supplies', sh.place ? ` in ${party(sh.place)}` : '', flags(sh) ? h('span', { class: 'muted' }, ` (${flags(sh)})`) : null, from(src)));
    }
    for (const m of doc.measures ?? []) {
      show('measures', h('li', { title: m.evidence?.text ?? '' },
        String(m.kind ?? '').replace(/_/g, ' '), m.mention?.text ? ` (“${m.mention.text}”)` : '', m.place ? ` in ${party(m.place)}` : '',
        flags(m) ? h('span', { class: 'muted' }, ` — ${flags(m)}`) : null, from(src)));
    }
    for (const q of doc.quotes ?? []) {
      const sp = q.speaker ?? {};
      const speaker = sp.anonymous ? `anonymous ${sp.mention?.text ?? 'source'}` : [sp.name, sp.role, sp.organisation].filter(Boolean).join(', ') || sp.mention?.text || 'unattributed';
      show('quotes', h('li', null,
        h('q', null, q.content?.text ?? ''), h('div', { class: 'muted small' }, `${speaker}${q.kind && q.kind !== 'direct' ? ` (${q.kind})` : ''}${q.date ? `, ${day(q.date)}` : ''}`, from(src))));
    }
  }
  return { panel, add };
}
