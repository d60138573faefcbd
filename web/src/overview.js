// Page 1, the overview: map, timeline, filters, search and the ranked event list.
import { api } from './api.js';
import { h, replace, num, day, colour, countryName, assignColours, few } from './dom.js';
import { createMap } from './map.js';
import { overviewTimeline, legend } from './charts.js';
import { triageBadge } from './triage.js';
import { QUALIFIER } from './charts.js';
import { markedText } from './article.js';

const SIGNAL_KINDS = ['new_event', 'jump', 'ears_c1', 'ears_c2', 'ears_c3', 'farrington'];

/** Filters live in the hash: #/?disease=…&country=…&from=…&to=…&signal=…&q=… */
function readFilter(params) {
  const f = {};
  for (const key of ['disease', 'country', 'from', 'to', 'signal', 'q']) {
    const v = params.get(key);
    if (v) f[key] = v;
  }
  return f;
}

function writeFilter(f) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  const text = q.toString();
  location.hash = text ? `#/?${text}` : '#/';
}


export async function overview(root, params, go) {
  const filter = readFilter(params);
  const mapEl = h('div', { id: 'map', class: 'map' });
  const mapLegend = h('div', { class: 'legend map-legend', id: 'map-legend' });
  const timelineEl = h('div', { id: 'timeline', class: 'panel timeline-panel' });
  const signalsEl = h('div', { id: 'signal-list' });
  const listEl = h('div', { id: 'event-list', class: 'event-list' });
  const countEl = h('span', { class: 'muted', id: 'event-count' });
  const filtersEl = h('form', { class: 'filters', id: 'filters', onsubmit: (e) => e.preventDefault() });
  replace(root,
    h('div', { class: 'overview' },
      h('section', { class: 'left' },
        h('div', { class: 'panel map-panel' }, mapEl, mapLegend),
        h('div', { class: 'panel' },
          h('h2', null, 'Timeline ', h('span', { class: 'muted small' }, 'events first seen, signals, headline figures; click a bar to filter')),
          timelineEl),
        h('div', { class: 'panel' },
          h('h2', null, 'Strongest signals ', h('span', { class: 'muted small' }, 'by score; the signal menu filters them')),
          signalsEl)),
      h('section', { class: 'right panel' },
        filtersEl,
        h('h2', null, filter.q ? 'Matching articles ' : 'Events by relevance ', countEl),
        listEl)));

  const mapReady = createMap(mapEl, (id) => go(`#/event/${encodeURIComponent(id)}`));
  // All events, unfiltered, for the filter menus and the colours (fresh each time: triage changes).
  const allEvents = api.events({ limit: 500 });
  const filtered = Object.keys(withoutQ(filter)).length > 0;
  // Unfiltered, the list is the one the menus are built from: one request, not two.
  const eventsP = filtered ? api.events({ ...withoutQ(filter), limit: 500 }) : allEvents;
  const signalsP = api.signals({ ...withoutQ(filter), limit: 1000 }).catch(() => []);
  const [events, everything] = await Promise.all([eventsP, allEvents.catch(() => [])]);
  assignColours(everything.length ? everything : events);

  // The map first: it is what the page is for.
  const shown = events;
  const map = await mapReady;
  map.setEvents(shown);
  replace(mapLegend, diseaseLegend(shown));
  mapEl.dataset.events = String(shown.length);

  const signals = await signalsP;
  buildFilters(filtersEl, filter, everything.length ? everything : events, signals);
  if (filter.q) countEl.textContent = `(${await searchDocuments(filter.q, withoutQ(filter), listEl)})`;
  else {
    renderList(listEl, events);
    countEl.textContent = `(${events.length})`;
  }

  replace(signalsEl, signalList(signals));
  const width = Math.max(320, Math.round(timelineEl.clientWidth || 640));
  replace(timelineEl,
    overviewTimeline(shown, signals, (from, to) => writeFilter({ ...filter, from, to }), width),
    legend([['key-events', 'new events'], ['key-signals', 'signals'], ['key-figures', 'headline figures (as of)']]));
}

/** The strongest signals: kind, date, disease and country, the reason, a link to the event. */
function signalList(signals) {
  if (!signals.length) return h('p', { class: 'muted' }, 'No signals.');
  const top = [...signals].sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || String(b.date).localeCompare(String(a.date))).slice(0, 8);
  return h('ol', { class: 'signal-list' }, top.map((g) => h('li', null,
    h('span', { class: `signal signal-${g.kind}` }, String(g.kind).replace('_', ' ')), ' ',
    h('span', { class: 'muted' }, `${day(g.date)} · ${[g.disease_name ?? g.disease, countryName(g.country)].filter(Boolean).join(' · ')} · score ${(g.score ?? 0).toFixed(2)}`),
    h('div', null, g.event ? h('a', { href: `#/event/${encodeURIComponent(g.event)}` }, g.reason ?? g.event) : g.reason ?? ''))));
}

/** Swatches of the most frequent diseases on the map (colour by disease; size by relevance). */
function diseaseLegend(events) {
  const counts = new Map();
  for (const ev of events) {
    const d = ev.diseases?.[0];
    if (!d) continue;
    const key = d.id ?? d.name;
    const row = counts.get(key) ?? { name: d.name ?? d.id, n: 0 };
    row.n += 1;
    counts.set(key, row);
  }
  const grey = colour(null);
  const top = [...counts.entries()].filter(([key]) => colour(key) !== grey).sort((a, b) => b[1].n - a[1].n);
  return [
    top.map(([key, row]) => h('span', null, h('i', { class: 'dot-key', style: { background: colour(key) } }), `${row.name} (${row.n})`)),
    counts.size > top.length ? h('span', null, h('i', { class: 'dot-key', style: { background: colour(null) } }), `${counts.size - top.length} other diseases`) : null,
    h('span', { class: 'muted' }, 'circle size: relevance'),
  ];
}

function withoutQ(f) {
  const { q, ...rest } = f;
  return rest;
}

/**
 * Searches the documents (GET /api/search): ranked hits with their snippets, the matched words
 * marked (from the hit's highlight offsets, as text: never the HTML snippet). Hits that name
 * their event link to it; the others open the document.
 */
async function searchDocuments(q, filter, listEl) {
  let hits = [];
  try {
    hits = await api.search(q, 50, { disease: filter.disease, country: filter.country, from: filter.from, to: filter.to });
  } catch (e) {
    replace(listEl, h('p', { class: 'error' }, String(e.message ?? e)));
    return 0;
  }
  if (!hits.length) {
    replace(listEl, h('p', { class: 'muted' }, `Nothing matches “${q}”.`));
    return 0;
  }
  replace(listEl, h('ol', { class: 'hits', id: 'search-hits' }, hits.map((hit) => {
    const id = hit.id ?? hit.doc_id;
    const event = hit.event ?? hit.event_id ?? null;
    const snippet = typeof hit.snippet === 'string' ? hit.snippet : '';
    const marks = (hit.highlights ?? []).map((m) => ({ start: m.start, end: m.end, kind: 'match', label: 'matches the query' }));
    const text = h('div', { class: 'snippet' });
    for (const p of markedText(Array.from(snippet), marks).querySelectorAll('p')) text.append(...p.childNodes, ' ');
    return h('li', { 'data-doc': id },
      h('a', { href: event ? `#/event/${encodeURIComponent(event)}` : `#/doc/${encodeURIComponent(id)}` }, hit.title || id),
      h('div', { class: 'event-meta' }, [hit.outlet, day(hit.published)].filter(Boolean).join(' · ')),
      text);
  })));
  return hits.length;
}

function buildFilters(form, filter, events, signals) {
  const diseases = new Map();
  const countries = new Set();
  for (const ev of events) {
    for (const d of ev.diseases ?? []) diseases.set(d.id ?? d.name, d.name ?? d.id);
    for (const c of ev.countries ?? []) countries.add(c);
  }
  const kinds = new Set([...SIGNAL_KINDS, ...signals.map((g) => g.kind)]);
  const select = (name, label, options) => h('label', null, label,
    h('select', { name, onchange: update },
      h('option', { value: '' }, 'all'),
      options.map(([value, text]) => h('option', { value, selected: filter[name] === value }, text))));
  const q = h('input', { type: 'search', name: 'q', placeholder: 'Search articles…', value: filter.q ?? '' });
  const searchForm = h('div', { class: 'search' }, q, h('button', { type: 'button', onclick: update }, 'Search'));
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') update();
  });
  replace(form,
    searchForm,
    h('div', { class: 'filter-row' },
      select('disease', 'Disease', [...diseases.entries()].sort((a, b) => a[1].localeCompare(b[1]))),
      select('country', 'Country', [...countries].map((c) => [c, countryName(c)]).sort((a, b) => a[1].localeCompare(b[1]))),
      select('signal', 'Signal', [...kinds].map((k) => [k, k.replace('_', ' ')]))),
    h('div', { class: 'filter-row' },
      h('label', null, 'From', h('input', { type: 'date', name: 'from', value: filter.from ?? '', onchange: update })),
      h('label', null, 'To', h('input', { type: 'date', name: 'to', value: filter.to ?? '', onchange: update })),
      h('button', { type: 'button', class: 'ghost', onclick: () => writeFilter({}) }, 'Clear')));
  function update() {
    const data = new FormData(form);
    const next = {};
    for (const [k, v] of data.entries()) if (v) next[k] = String(v).trim();
    writeFilter(next);
  }
}

function renderList(listEl, events) {
  if (!events.length) {
    replace(listEl, h('p', { class: 'muted' }, 'No events match. Events appear once documents are ingested and grouped.'));
    return;
  }
  replace(listEl, h('ol', { class: 'events' }, events.map(eventItem)));
}

function eventItem(ev) {
  const disease = ev.diseases?.[0];
  const head = (ev.headline ?? []).slice(0, 3);
  return h('li', { class: 'event', 'data-event': ev.id },
    h('div', { class: 'event-title' },
      h('span', { class: 'swatch', style: { background: colour(disease?.id ?? disease?.name) } }),
      h('a', { href: `#/event/${encodeURIComponent(ev.id)}` }, ev.title || ev.id),
      triageBadge(ev.triage)),
    h('div', { class: 'event-meta' },
      [few((ev.diseases ?? []).map((d) => d.name ?? d.id), 3),
        few((ev.countries ?? []).map(countryName), 4),
        ev.first_seen ? `${day(ev.first_seen)}${ev.last_seen && ev.last_seen !== ev.first_seen ? ` – ${day(ev.last_seen)}` : ''}` : '',
        `${ev.documents ?? 0} docs, ${ev.outlets ?? 0} outlets`,
      ].filter(Boolean).join(' · '),
      ' · ', h('span', { class: 'relevance', title: 'relevance (0–1)' }, `relevance ${(ev.relevance ?? 0).toFixed(2)}`)),
    head.length ? h('div', { class: 'event-figures' }, head.map((f) =>
      h('span', { class: `fig scope-${f.scope}` }, `${QUALIFIER[f.qualifier] ?? ''}${num(f.value)} ${f.metric}${f.scope && f.scope !== 'unknown' ? ` (${f.scope})` : ''}`))) : null,
    (ev.signals ?? []).length ? h('div', { class: 'event-signals' }, ev.signals.slice(0, 3).map((g) =>
      h('span', { class: `signal signal-${g.kind}`, title: g.reason ?? '' }, `${g.kind.replace('_', ' ')} ${day(g.date)}`))) : null);
}
