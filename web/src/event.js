// Page 2, an event: figure timelines, sources, figures with their evidence, and each article with
// its numbers, diseases, places and dates highlighted.
import { api } from './api.js';
import { h, replace, num, day, countryName } from './dom.js';
import { figureCharts, seriesPlaces, QUALIFIER } from './charts.js';
import { articleView, evidenceView, markLegend } from './article.js';
import { triagePanel, triageBadge } from './triage.js';
import { responsePanel } from './response.js';

export async function eventPage(root, id) {
  const ev = await api.event(id);
  const chartsEl = h('div', { class: 'charts', id: 'figure-charts' });
  const articlesEl = h('div', { id: 'articles' });
  const response = responsePanel();
  const badge = h('span', { id: 'title-badge' }, triageBadge(ev.triage));
  const sources = ev.sources ?? [];
  const outletOf = new Map(sources.map((src) => [src.doc_id, src.outlet]));
  replace(root,
    h('div', { class: 'event-page', 'data-event': ev.id },
      h('p', null, h('a', { href: '#/' }, '← all events')),
      h('h1', { id: 'event-title' }, ev.title || ev.id, ' ', badge),
      h('p', { class: 'event-meta' },
        [(ev.diseases ?? []).map((d) => `${d.name ?? d.id}${d.id ? ` (${d.id})` : ''}`).join(', '),
          (ev.countries ?? []).map(countryName).join(', '),
          ev.first_seen ? `${day(ev.first_seen)} – ${day(ev.last_seen)}` : '',
          `${ev.documents ?? sources.length} documents from ${ev.outlets ?? 0} outlets`,
          `relevance ${(ev.relevance ?? 0).toFixed(2)}`].filter(Boolean).join(' · ')),
      (ev.signals ?? []).length ? h('ul', { class: 'signals' }, ev.signals.map((g) =>
        h('li', null, h('span', { class: `signal signal-${g.kind}` }, g.kind.replace('_', ' ')), ` ${day(g.date)}: ${g.reason ?? ''}`))) : null,
      h('div', { class: 'event-grid' },
        h('section', { class: 'panel' },
          h('h2', null, 'Figures over time'),
          chartsEl,
          (ev.conflicts ?? []).length ? h('div', { class: 'conflicts', id: 'conflicts' },
            h('h3', null, 'Conflicts'),
            h('ul', null, ev.conflicts.map((c) => h('li', null, h('span', { class: 'badge conflict' }, c.kind), ` ${day(c.as_of)}: ${c.reason ?? (c.values ?? []).map(num).join(' vs ')}`)))) : null),
        triagePanel(ev, (t) => replace(badge, triageBadge(t)))),
      response.panel,
      h('section', { class: 'panel' },
        h('h2', null, `Sources (${sources.length})`),
        h('ul', { class: 'sources', id: 'sources' }, sources.map((src) => h('li', null,
          src.outlet ? h('strong', null, src.outlet) : h('span', { class: 'muted' }, 'no outlet'), ' · ',
          src.published ? `${day(src.published)} · ` : '',
          src.url ? h('a', { href: src.url }, src.title || src.url) : h('a', { href: `#/doc/${encodeURIComponent(src.doc_id)}` }, src.title || src.doc_id),
          src.duplicate_of ? h('span', { class: 'muted' }, ' (near-duplicate)') : null)))),
      h('section', { class: 'panel' },
        h('h2', null, `Figures (${(ev.figures ?? []).length})`),
        figuresTable(ev.figures ?? [], outletOf)),
      h('section', { class: 'panel' },
        h('h2', null, 'Articles'),
        markLegend(),
        articlesEl)));
  const width = Math.max(320, Math.round(chartsEl.clientWidth || 640));
  // Series come per place: country level first, then the places with the most figures.
  const places = seriesPlaces(ev);
  const drawFor = (place) => {
    const charts = figureCharts(ev, width, place);
    replace(chartsBox, charts.length ? charts : h('p', { class: 'muted' }, 'No dated figures here.'));
  };
  const chartsBox = h('div');
  const picker = places.length > 1 ? h('label', { class: 'place-pick' }, 'Figures for ',
    h('select', { id: 'place-pick', onchange: (e) => drawFor(e.target.value) },
      places.map((p) => h('option', { value: p.key }, `${p.label} (${p.points})`)))) : null;
  replace(chartsEl, picker, chartsBox);
  drawFor(places[0]?.key ?? '');

  // Articles in source order, a few at a time; a failure stays local to its article.
  const showArticles = (list) => {
    for (const src of list) {
      const box = h('article', { class: 'article', 'data-doc': src.doc_id },
        h('h3', null, src.title || src.doc_id),
        h('p', { class: 'muted' }, [src.outlet, day(src.published)].filter(Boolean).join(' · ')));
      articlesEl.append(box);
      api.document(src.doc_id)
        .then((doc) => {
          box.append(articleView(doc));
          response.add(doc, src);
        })
        .catch((e) => box.append(h('p', { class: 'error' }, String(e.message ?? e))));
    }
  };
  const originals = sources.filter((src) => !src.duplicate_of);
  const queue = [...originals, ...sources.filter((src) => src.duplicate_of)];
  const FIRST = 5;
  showArticles(queue.slice(0, FIRST));
  if (queue.length > FIRST) {
    const more = h('button', { type: 'button', id: 'more-articles', onclick: () => { more.remove(); showArticles(queue.slice(FIRST)); } },
      `Show ${queue.length - FIRST} more articles`);
    articlesEl.after(more);
  }
}

function figuresTable(figures, outletOf) {
  if (!figures.length) return h('p', { class: 'muted' }, 'No figures.');
  const sorted = [...figures].sort((a, b) => String(a.as_of ?? '').localeCompare(String(b.as_of ?? '')) || String(a.metric).localeCompare(String(b.metric)));
  return h('table', { class: 'figures-table', id: 'figures' },
    h('thead', null, h('tr', null, ['As of', 'Figure', 'Disease · place', 'Source', 'Evidence'].map((t) => h('th', null, t)))),
    h('tbody', null, sorted.map((f) => h('tr', { class: `scope-${f.scope}` },
      h('td', null, day(f.as_of)),
      h('td', { class: 'num' }, `${QUALIFIER[f.qualifier] ?? ''}${f.qualifier === 'range' && f.min != null ? `${num(f.min)}–${num(f.max)}` : num(f.value)} ${f.metric}`, h('div', { class: 'muted small' }, [f.scope, f.status].filter(Boolean).join(', '))),
      h('td', null, [f.disease_name, f.place_name].filter(Boolean).join(' · ')),
      h('td', null, f.outlet ?? outletOf.get(f.doc_id) ?? '', h('div', { class: 'muted small' }, day(f.published))),
      h('td', null, evidenceView(f))))));
}
