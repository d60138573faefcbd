// Hand-written SVG charts: the overview timeline and an event's figure timelines.
import { s, h, num, shortNum, day, parseDay, countryName } from './dom.js';

const DAY = 86400000;

function timeScale(t0, t1, x0, x1) {
  if (t1 <= t0) {
    t0 -= 3 * DAY;
    t1 += 3 * DAY;
  }
  const f = (t) => x0 + ((t - t0) / (t1 - t0)) * (x1 - x0);
  f.domain = [t0, t1];
  return f;
}

function timeTicks(t0, t1, count) {
  const span = t1 - t0;
  const out = [];
  const start = new Date(t0);
  if (span > 3 * 365 * DAY) {
    const years = span / (365 * DAY);
    const step = Math.max(1, Math.ceil(years / count));
    for (let y = start.getUTCFullYear(); ; y += step) {
      const t = Date.UTC(y, 0, 1);
      if (t > t1) break;
      if (t >= t0) out.push([t, String(y)]);
    }
  } else if (span > 60 * DAY) {
    const months = span / (30 * DAY);
    const step = Math.max(1, Math.ceil(months / count));
    for (let m = 0; ; m += step) {
      const t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + m, 1);
      if (t > t1) break;
      if (t >= t0) out.push([t, new Date(t).toLocaleDateString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' })]);
    }
  } else {
    const days = span / DAY;
    const step = Math.max(1, Math.ceil(days / count));
    for (let d = 0; ; d += step) {
      const t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + d);
      if (t > t1) break;
      if (t >= t0) out.push([t, new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })]);
    }
  }
  return out;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function axes(svg, x, y, width, height, pad, yMax) {
  const g = s('g', { class: 'axis' });
  for (const [t, label] of timeTicks(x.domain[0], x.domain[1], Math.max(2, Math.floor(width / 110)))) {
    // Labels near an edge are anchored inward so they are not clipped.
    const at = x(t);
    const anchor = at < pad.left + 30 ? 'start' : at > width - pad.right - 30 ? 'end' : 'middle';
    g.append(s('line', { x1: at, x2: at, y1: height - pad.bottom, y2: height - pad.bottom + 4 }));
    g.append(s('text', { x: at, y: height - pad.bottom + 16, 'text-anchor': anchor }, label));
  }
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    g.append(s('line', { class: 'grid', x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }));
    g.append(s('text', { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, shortNum(v)));
  }
  g.append(s('line', { x1: pad.left, x2: width - pad.right, y1: height - pad.bottom, y2: height - pad.bottom }));
  svg.append(g);
}

/** Bin start for a time: by day, month or year. */
function binOf(t, unit) {
  const d = new Date(t);
  if (unit === 'year') return Date.UTC(d.getUTCFullYear(), 0, 1);
  if (unit === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

function nextBin(t, unit) {
  const d = new Date(t);
  if (unit === 'year') return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
  if (unit === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return t + DAY;
}

/**
 * The overview timeline: events by first day seen, signals by date and the events' headline
 * figures by as-of date, binned by day, month or year to fit. `onPick(fromIso, toIso)` filters to a clicked bin.
 */
export function overviewTimeline(events, signals, onPick, width = 640) {
  const height = 170;
  const pad = { left: 40, right: 12, top: 14, bottom: 24 };
  const figures = events.flatMap((e) => e.headline ?? []);
  const times = [
    ...events.map((e) => parseDay(e.first_seen)?.getTime()),
    ...signals.map((g) => parseDay(g.date)?.getTime()),
    ...figures.map((f) => parseDay(f.as_of)?.getTime()),
  ].filter(Number.isFinite);
  const svg = s('svg', { class: 'chart timeline', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Events and signals over time' });
  if (times.length === 0) {
    svg.append(s('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'muted' }, 'no dated events or signals'));
    return svg;
  }
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const unit = t1 - t0 > 6 * 365 * DAY ? 'year' : t1 - t0 > 120 * DAY ? 'month' : 'day';
  const bins = new Map();
  const bump = (t, key) => {
    const b = binOf(t, unit);
    const row = bins.get(b) ?? { events: 0, signals: 0, figures: 0 };
    row[key] += 1;
    bins.set(b, row);
  };
  for (const e of events) {
    const t = parseDay(e.first_seen)?.getTime();
    if (Number.isFinite(t)) bump(t, 'events');
  }
  for (const g of signals) {
    const t = parseDay(g.date)?.getTime();
    if (Number.isFinite(t)) bump(t, 'signals');
  }
  for (const f of figures) {
    const t = parseDay(f.as_of)?.getTime();
    if (Number.isFinite(t)) bump(t, 'figures');
  }
  const first = binOf(t0, unit);
  const last = nextBin(binOf(t1, unit), unit);
  const x = timeScale(first, last, pad.left, width - pad.right);
  // Whole counts: at least 4 so that the quarter ticks are integers.
  const yMax = Math.max(4, 4 * Math.ceil(niceMax(Math.max(...[...bins.values()].map((r) => Math.max(r.events, r.signals, r.figures)))) / 4));
  const y = (v) => height - pad.bottom - (v / yMax) * (height - pad.top - pad.bottom);
  axes(svg, x, y, width, height, pad, yMax);
  for (const [b, row] of [...bins.entries()].sort((a, c) => a[0] - c[0])) {
    const end = nextBin(b, unit);
    const bw = Math.max(2, x(end) - x(b) - 1);
    const third = bw / 3;
    const label = unit === 'year' ? String(new Date(b).getUTCFullYear()) : day(new Date(b).toISOString());
    const g = s('g', {
      class: 'bin',
      onclick: () => onPick?.(new Date(b).toISOString().slice(0, 10), new Date(end - DAY).toISOString().slice(0, 10)),
    });
    g.append(s('title', null, `${label}: ${row.events} new events, ${row.signals} signals, ${row.figures} headline figures`));
    g.append(s('rect', { class: 'bar-events', x: x(b), y: y(row.events), width: third, height: y(0) - y(row.events) }));
    g.append(s('rect', { class: 'bar-signals', x: x(b) + third, y: y(row.signals), width: third, height: y(0) - y(row.signals) }));
    g.append(s('rect', { class: 'bar-figures', x: x(b) + 2 * third, y: y(row.figures), width: third, height: y(0) - y(row.figures) }));
    // A transparent hit area the full height of the bin.
    g.append(s('rect', { class: 'hit', x: x(b), y: pad.top, width: bw, height: y(0) - pad.top }));
    svg.append(g);
  }
  return svg;
}

/** Legend entries: [class, label]. */
export function legend(entries) {
  return h('div', { class: 'legend' }, entries.map(([cls, label]) => h('span', null, h('i', { class: cls }), label)));
}

/** The places an event's series are given for: [{key, label, points}], country level first. */
export function seriesPlaces(detail) {
  const places = new Map();
  for (const sr of detail.series ?? []) {
    const key = sr.place == null ? '' : String(sr.place);
    const row = places.get(key) ?? { key, label: sr.place == null ? 'Country level' : (sr.place_name ?? key), points: 0 };
    row.points += (sr.points ?? []).length;
    places.set(key, row);
  }
  return [...places.values()].sort((a, b) => (a.key === '' ? -1 : b.key === '' ? 1 : b.points - a.points));
}

/**
 * One chart per metric (cases, deaths, …) of an event, for one place (`''`: country level):
 * cumulative figures as a line with points, new and current figures as bars, figures of unknown
 * scope as grey points, conflicting figures ringed in red with the reason as a tooltip.
 */
export function figureCharts(detail, width = 640, place = '') {
  const series = (detail.series ?? []).filter((sr) => (sr.points ?? []).length > 0 && (sr.place == null ? '' : String(sr.place)) === place);
  const byMetric = new Map();
  for (const sr of series) {
    const key = sr.metric ?? 'other';
    if (!byMetric.has(key)) byMetric.set(key, []);
    byMetric.get(key).push(sr);
  }
  // No reconciled series: fall back to the raw figures, one series per (metric, scope).
  if (byMetric.size === 0 && (detail.series ?? []).length === 0) {
    for (const f of detail.figures ?? []) {
      if (!f.as_of || !Number.isFinite(f.value)) continue;
      const key = f.metric ?? 'other';
      if (!byMetric.has(key)) byMetric.set(key, []);
      const list = byMetric.get(key);
      let sr = list.find((x) => x.scope === f.scope);
      if (!sr) list.push((sr = { metric: key, scope: f.scope, points: [] }));
      sr.points.push({ as_of: f.as_of, value: f.value, qualifier: f.qualifier, doc_ids: [f.doc_id], conflict: false });
    }
  }
  const conflicts = (detail.conflicts ?? []).filter((c) => (c.place == null ? '' : String(c.place)) === place);
  const order = ['cases', 'deaths', 'hospitalizations', 'recoveries', 'tested', 'vaccinated', 'quarantined', 'other'];
  const metrics = [...byMetric.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return metrics.map((metric) => metricChart(metric, byMetric.get(metric), conflicts.filter((c) => c.metric === metric), width));
}

function metricChart(metric, series, conflicts, width) {
  const height = 190;
  const pad = { left: 48, right: 14, top: 12, bottom: 24 };
  const all = series.flatMap((sr) => sr.points.map((p) => ({ ...p, scope: sr.scope, t: parseDay(p.as_of)?.getTime() }))).filter((p) => Number.isFinite(p.t));
  const conflictValues = conflicts.flatMap((c) => (c.values ?? []).map((v) => ({ t: parseDay(c.as_of)?.getTime(), v, c }))).filter((p) => Number.isFinite(p.t));
  // The time range comes from figures of known scope; a stray figure of unknown scope (often a
  // misread date) must not squeeze the rest into one corner. Those outside the range are listed.
  const known = all.filter((p) => p.scope && p.scope !== 'unknown');
  const basis = known.length ? known : all;
  const times = [...basis.map((p) => p.t), ...conflictValues.map((p) => p.t)];
  const wrap = h('figure', { class: `metric-chart metric-${metric}`, 'data-metric': metric });
  wrap.append(h('figcaption', null, metric));
  if (times.length === 0) {
    wrap.append(h('p', { class: 'muted' }, 'no dated figures'));
    return wrap;
  }
  const lo = Math.min(...times) - DAY;
  const hi = Math.max(...times) + DAY;
  const inRange = (p) => p.t >= lo && p.t <= hi;
  const points = all.filter(inRange);
  const outside = all.filter((p) => !inRange(p));
  series = series.map((sr) => ({ ...sr, points: sr.points.filter((p) => inRange({ t: parseDay(p.as_of)?.getTime() })) }));
  const x = timeScale(lo, hi, pad.left, width - pad.right);
  // Quarter ticks on round numbers: the top is four times a nice step.
  const yMax = 4 * niceMax((Math.max(...points.map((p) => p.value ?? 0), ...conflictValues.map((p) => p.v)) * 1.05) / 4);
  const y = (v) => height - pad.bottom - (v / yMax) * (height - pad.top - pad.bottom);
  const svg = s('svg', { class: 'chart figures', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${metric} over time` });
  axes(svg, x, y, width, height, pad, yMax);
  const barWidth = Math.max(3, Math.min(18, (width - pad.left - pad.right) / (points.length * 3 + 1)));
  // Several series (countries, diseases) in one chart: the first keeps the metric's colour, the
  // others get their own, named in the legend.
  const drawn = series.filter((sr) => sr.points.length > 0);
  // Shape tells the scope (line: cumulative, bars: new or current); colour tells the series
  // (country and disease) when a chart holds more than one.
  const keyOf = (sr) => `${sr.country ?? ''}|${sr.disease ?? ''}`;
  const keys = [...new Set(drawn.filter((sr) => sr.scope && sr.scope !== 'unknown').map(keyOf))];
  const labelOf = (sr) => [sr.place_name ?? null, countryName(sr.country) || sr.country, sr.disease_name ?? null].filter(Boolean).join(' · ');
  const seriesKeys = keys.length > 1 ? keys.map((key, k) => [k === 0 ? null : SERIES_COLOURS[(k - 1) % SERIES_COLOURS.length], labelOf(drawn.find((sr) => keyOf(sr) === key))]) : [];
  const dotted = [];
  drawn.forEach((sr) => {
    const pts = sr.points.map((p) => ({ ...p, t: parseDay(p.as_of)?.getTime() })).filter((p) => Number.isFinite(p.t)).sort((a, b) => a.t - b.t);
    const cls = `scope-${sr.scope ?? 'unknown'}`;
    const k = keys.indexOf(keyOf(sr));
    const tint = k <= 0 ? null : SERIES_COLOURS[(k - 1) % SERIES_COLOURS.length];
    const paint = (el, fill) => {
      if (tint) {
        el.style.setProperty('stroke', tint);
        if (fill) el.style.setProperty('fill', tint);
      }
      return el;
    };
    if (sr.scope === 'unknown' || !sr.scope) {
      for (const p of pts) {
        const mark = s('rect', { class: 'unknown-scope', x: x(p.t) - 3.5, y: y(p.value) - 3.5, width: 7, height: 7 });
        mark.append(s('title', null, `${labelOf(sr)} — ${pointLabel(metric, 'scope unknown', p)}`));
        svg.append(mark);
      }
      return;
    }
    if (sr.scope === 'new' || sr.scope === 'current') {
      for (const p of pts) {
        const bar = paint(s('rect', { class: `bar ${cls}`, x: Math.min(width - pad.right - barWidth, Math.max(pad.left, x(p.t) - barWidth / 2)), y: y(p.value), width: barWidth, height: Math.max(1, y(0) - y(p.value)) }), true);
        bar.append(s('title', null, `${labelOf(sr)} — ${pointLabel(metric, sr.scope, p)}`));
        svg.append(bar);
      }
    } else {
      if (pts.length > 1) {
        svg.append(paint(s('polyline', { class: `line ${cls}`, points: pts.map((p) => `${x(p.t)},${y(p.value)}`).join(' ') }), false));
      }
      for (const p of pts) {
        const open = p.qualifier === 'more_than' || p.qualifier === 'at_least';
        const dot = paint(s('circle', { class: `dot ${cls}${open ? ' open' : ''}${p.conflict ? ' conflicted' : ''}`, cx: x(p.t), cy: y(p.value), r: 4 }), !open);
        dot.append(s('title', null, `${labelOf(sr)} — ${pointLabel(metric, sr.scope, p)}`));
        svg.append(dot);
        dotted.push({ ...p, scope: sr.scope, country: sr.country });
      }
    }
  });
  // A conflicting value is ringed where it is drawn (the point with that value, of the same
  // scope and country, nearest the conflict's date), else at the conflict's date.
  for (const { t, v, c } of conflictValues) {
    const near = dotted
      .filter((p) => p.value === v && (!c.scope || p.scope === c.scope) && (!c.country || !p.country || p.country === c.country))
      .sort((a, b) => Math.abs(a.t - t) - Math.abs(b.t - t))[0];
    const at = near ? near.t : t;
    const ring = s('circle', { class: 'conflict', cx: x(at), cy: y(v), r: 8 });
    ring.append(s('title', null, `conflict (${c.kind}): ${c.reason ?? ''}`));
    svg.append(ring);
  }
  wrap.append(svg);
  if (outside.length) {
    wrap.append(h('p', { class: 'muted small' }, `Not drawn, outside the range: ${outside.map((p) => pointLabel(metric, p.scope, p)).join('; ')}.`));
  }
  if (seriesKeys.length) {
    wrap.append(h('div', { class: 'legend series-legend' }, seriesKeys.map(([tint, label]) => {
      const swatch = h('i', { class: `key-series metric-swatch-${metric}` });
      if (tint) swatch.style.setProperty('background', tint);
      return h('span', null, swatch, label);
    })));
  }
  wrap.append(legend([
    ['key-line', 'cumulative (line)'],
    ['key-bar', 'new (bars)'],
    ['key-open', '“more than” / “at least”'],
    ['key-unknown', 'scope unknown'],
    ['key-conflict', `conflict${conflicts.length ? ` (${conflicts.length})` : ''}`],
  ]));
  return wrap;
}

const SERIES_COLOURS = ['#e08a00', '#2ca02c', '#9467bd', '#17becf', '#7f7f7f', '#bcbd22'];

const QUALIFIER = { more_than: 'more than ', at_least: 'at least ', approximate: 'about ', at_most: 'at most ', less_than: 'less than ', exact: '', range: '' };

function pointLabel(metric, scope, p) {
  return `${day(p.as_of)}: ${QUALIFIER[p.qualifier] ?? ''}${num(p.value)} ${metric} (${scope})${p.doc_ids?.length ? ` · ${p.doc_ids.length} source${p.doc_ids.length > 1 ? 's' : ''}` : ''}${p.conflict ? ' · in conflict' : ''}`;
}

export { QUALIFIER };
