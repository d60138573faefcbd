// The JSON API of crates/server. Every call is same-origin (CSP connect-src 'self').

const TOKEN_KEY = 'epiwire.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function get(path) {
  // Off loopback the server may want a token for reads too: send it when there is one.
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers });
  if (res.status === 401) throw new ApiError(401, `${path}: this server needs a token to read: use “Set token” (epiwire token create NAME)`);
  if (!res.ok) throw new ApiError(res.status, `${path}: ${res.status} ${await errorText(res)}`);
  return res.json();
}

async function errorText(res) {
  try {
    const body = await res.text();
    try {
      const json = JSON.parse(body);
      return json.error ?? json.message ?? body;
    } catch {
      return body.slice(0, 200);
    }
  } catch {
    return res.statusText;
  }
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** Accepts a bare array or an object wrapping one ({events: […]}, {items: […]}, …). */
function list(body, ...keys) {
  if (Array.isArray(body)) return body;
  for (const key of [...keys, 'items', 'results', 'data']) if (body && Array.isArray(body[key])) return body[key];
  return [];
}

export const api = {
  events: async (filter) => list(await get(`/api/events${query(filter)}`), 'events'),
  event: (id) => get(`/api/events/${encodeURIComponent(id)}`),
  signals: async (filter) => list(await get(`/api/signals${query(filter)}`), 'signals'),
  search: async (q, limit = 50, filter = {}) => list(await get(`/api/search${query({ ...filter, q, limit })}`), 'hits', 'documents'),
  async document(id) {
    try {
      return await get(`/api/documents${query({ id })}`);
    } catch (e) {
      if (e.status === 404 && !id.includes('/')) return get(`/api/documents/${encodeURIComponent(id)}`);
      throw e;
    }
  },
  triageHistory: async (id) => list(await get(`/api/events/${encodeURIComponent(id)}/triage`), 'history'),
  async triage(id, status, note) {
    const token = getToken();
    if (!token) throw new ApiError(401, 'no token: set one with “Set token” (epiwire token create)');
    const res = await fetch(`/api/events/${encodeURIComponent(id)}/triage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ status, note }),
    });
    if (!res.ok) throw new ApiError(res.status, `triage: ${res.status} ${await errorText(res)}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  },
};

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode without storage: the token lasts for this page only.
  }
}
