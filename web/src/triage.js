// Page 3, triage: mark events relevant, dismissed or escalated with a note. The POST carries the
// Bearer token the analyst pasted once (kept in localStorage).
import { api, getToken } from './api.js';
import { h, replace, day, countryName, few } from './dom.js';

export const STATUSES = [
  ['relevant', 'Relevant'],
  ['escalated', 'Escalate'],
  ['dismissed', 'Dismiss'],
];

/** A small badge for a triage record, or nothing. */
export function triageBadge(triage) {
  if (!triage?.status) return null;
  return h('span', { class: `badge triage-${triage.status}`, title: triageLine(triage) }, triage.status);
}

function triageLine(t) {
  return `${t.status}${t.user ? ` by ${t.user}` : ''}${t.at ? `, ${new Date(t.at).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC` : ''}${t.note ? `: ${t.note}` : ''}`;
}

/** The triage box of an event page. `onDone(triage)` runs after a successful POST. */
export function triagePanel(ev, onDone) {
  const state = h('div', { class: 'triage-state', id: 'triage-state' });
  const showState = (t) => {
    if (t?.status) {
      replace(state,
        h('span', { class: `badge triage-${t.status}` }, t.status),
        h('span', null, ` by ${t.user ?? 'unknown'}`),
        t.at ? h('span', { class: 'muted' }, ` · ${new Date(t.at).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC`) : null,
        t.note ? h('blockquote', { class: 'note' }, t.note) : null);
    } else {
      replace(state, h('span', { class: 'muted' }, 'Not triaged yet.'));
    }
  };
  showState(ev.triage);
  const history = h('details', { class: 'triage-history', id: 'triage-history' });
  const loadHistory = () => api.triageHistory(ev.id).then((list) => {
    replace(history, h('summary', null, `History (${list.length})`),
      h('ol', null, [...list].reverse().map((t) => h('li', null, triageBadge(t), ` ${t.user ?? ''} · ${t.at ? new Date(t.at).toLocaleString('en-GB', { timeZone: 'UTC' }) : ''}`, t.note ? h('div', { class: 'note small' }, t.note) : null))));
  }).catch(() => replace(history));
  loadHistory();
  const note = h('textarea', { id: 'triage-note', rows: 2, placeholder: 'Note (optional)' });
  const msg = h('div', { class: 'triage-msg', role: 'status' });
  const buttons = STATUSES.map(([status, label]) => h('button', {
    type: 'button',
    class: `triage-btn triage-${status}`,
    'data-status': status,
    onclick: async () => {
      if (!getToken()) {
        msg.className = 'triage-msg error';
        msg.textContent = 'Set a token first (“Set token” above; make one with `epiwire token create`).';
        return;
      }
      for (const b of buttons) b.disabled = true;
      msg.className = 'triage-msg';
      msg.textContent = 'Saving…';
      try {
        const saved = await api.triage(ev.id, status, note.value.trim());
        const fresh = saved?.status ? saved : (await api.event(ev.id)).triage;
        showState(fresh);
        msg.textContent = 'Saved.';
        note.value = '';
        onDone?.(fresh);
        loadHistory();
      } catch (e) {
        msg.className = 'triage-msg error';
        msg.textContent = String(e.message ?? e);
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    },
  }, label));
  return h('section', { class: 'panel triage', id: 'triage' },
    h('h2', null, 'Triage'),
    state,
    note,
    h('div', { class: 'triage-buttons' }, buttons),
    msg,
    history);
}

/** The triage page: events waiting for a decision first, then the decided ones with who and when. */
export async function triagePage(root) {
  const events = await api.events({ limit: 500 });
  const open = events.filter((e) => !e.triage?.status);
  const done = events.filter((e) => e.triage?.status).sort((a, b) => String(b.triage.at ?? '').localeCompare(String(a.triage.at ?? '')));
  const row = (ev) => h('tr', { 'data-event': ev.id },
    h('td', null, h('a', { href: `#/event/${encodeURIComponent(ev.id)}` }, ev.title || ev.id)),
    h('td', null, few((ev.diseases ?? []).map((d) => d.name ?? d.id), 3)),
    h('td', null, few((ev.countries ?? []).map(countryName), 4)),
    h('td', { class: 'nowrap' }, day(ev.last_seen ?? ev.first_seen)),
    h('td', { class: 'num' }, (ev.relevance ?? 0).toFixed(2)),
    h('td', null, ev.triage?.status ? [triageBadge(ev.triage), ` ${ev.triage.user ?? ''}`, ev.triage.at ? h('div', { class: 'muted small' }, new Date(ev.triage.at).toLocaleString('en-GB', { timeZone: 'UTC' })) : null, ev.triage.note ? h('div', { class: 'note small' }, ev.triage.note) : null] : h('span', { class: 'muted' }, 'open')));
  const table = (list) => h('table', { class: 'triage-table' },
    h('thead', null, h('tr', null, ['Event', 'Disease', 'Country', 'Last seen', 'Relevance', 'Triage'].map((t) => h('th', null, t)))),
    h('tbody', null, list.map(row)));
  replace(root,
    h('section', { class: 'panel' },
      h('h1', null, 'Triage'),
      h('p', { class: 'muted' }, `${open.length} events to decide, ${done.length} decided. Open an event to mark it.`),
      h('h2', null, 'Decided'),
      done.length ? table(done) : h('p', { class: 'muted' }, 'None yet.'),
      h('h2', null, 'To decide (by relevance)'),
      table(open)));
}
