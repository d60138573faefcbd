// The dashboard: hash routing between the overview (#/), an event (#/event/ID), a document
// (#/doc/ID) and triage (#/triage).
import { h, replace } from './dom.js';
import { getToken, setToken } from './api.js';
import { overview } from './overview.js';
import { eventPage } from './event.js';
import { docPage } from './doc.js';
import { triagePage } from './triage.js';

const root = document.getElementById('app');
const banner = document.getElementById('banner');

function go(hash) {
  location.hash = hash;
}

function showError(e) {
  banner.hidden = false;
  replace(banner, String(e?.message ?? e));
}

let routing = 0;
async function route() {
  const n = ++routing;
  banner.hidden = true;
  document.body.dataset.ready = '0';
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = hash.split('?');
  const params = new URLSearchParams(qs ?? '');
  for (const a of document.querySelectorAll('header nav a')) {
    a.classList.toggle('active', (a.dataset.nav === 'triage') === path.startsWith('/triage'));
  }
  try {
    let page;
    if (path.startsWith('/event/')) {
      page = 'event';
      await eventPage(root, decodeURIComponent(path.slice(7)));
    } else if (path.startsWith('/doc/')) {
      page = 'doc';
      await docPage(root, decodeURIComponent(path.slice(5)));
    } else if (path.startsWith('/triage')) {
      page = 'triage';
      await triagePage(root);
    } else {
      page = 'overview';
      await overview(root, params, go);
    }
    // A render overtaken by a newer route does not label the page.
    if (n === routing) {
      document.body.dataset.page = page;
      window.scrollTo(0, 0);
    }
  } catch (e) {
    if (n === routing) {
      replace(root, h('p', { class: 'error' }, 'This page could not be loaded.'));
      showError(e);
    }
  } finally {
    if (n === routing) document.body.dataset.ready = '1';
  }
}

function tokenDialog() {
  const input = h('input', { type: 'password', id: 'token-input', autocomplete: 'off', placeholder: 'paste a token from `epiwire token create`', value: getToken() });
  const box = h('div', { class: 'token-box panel', id: 'token-box' },
    h('label', null, 'API token ', input),
    h('button', { type: 'button', id: 'token-save', onclick: () => { setToken(input.value.trim()); box.remove(); updateTokenButton(); } }, 'Save'),
    h('button', { type: 'button', class: 'ghost', onclick: () => { setToken(''); box.remove(); updateTokenButton(); } }, 'Forget'),
    h('p', { class: 'muted small' }, 'Kept in this browser only (localStorage); sent as a Bearer token when you triage.'));
  document.querySelector('header.top').after(box);
  input.focus();
}

function updateTokenButton() {
  document.getElementById('token-button').textContent = getToken() ? 'Token set ✓' : 'Set token';
}

document.getElementById('token-button').addEventListener('click', () => {
  const open = document.getElementById('token-box');
  if (open) open.remove();
  else tokenDialog();
});
updateTokenButton();
window.addEventListener('hashchange', route);
route();
