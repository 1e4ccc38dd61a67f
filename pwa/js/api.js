// Fetch wrapper for /api/v1: JSON in and out, same-origin cookies, CSRF header on every
// non-GET, Accept-Language = current locale, problem+json errors turned into ApiError.
import { getLocale } from './i18n.js';

let csrfToken = null;

export class ApiError extends Error {
  constructor({ status, code, title, detail, errors }) {
    super(detail || title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || `http_${status}`;
    this.title = title || '';
    this.detail = detail || title || '';
    this.fields = errors || {};
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** GET /auth/session: the signed-in user (or null) and a fresh CSRF token. */
export async function fetchSession() {
  const data = await request('GET', '/api/v1/auth/session', undefined, { fresh: true });
  setCsrfToken(data && data.csrf_token);
  return (data && data.user) || null;
}

async function toError(res) {
  let body = {};
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { body = await res.json(); } catch { body = {}; }
  }
  return new ApiError({
    status: res.status,
    code: body.code,
    title: body.title,
    detail: body.detail,
    errors: body.errors,
  });
}

/**
 * Send one request. Network failures reject with the browser's TypeError (the outbox relies on
 * that to tell "offline" from "refused"). Returns parsed JSON, or null for 204.
 */
export async function request(method, url, body, { headers = {}, retryCsrf = true, fresh = false, onOfflineCopy = markOfflineCopy } = {}) {
  const h = { Accept: 'application/json', 'Accept-Language': getLocale(), ...headers };
  const init = { method, credentials: 'same-origin', headers: h };
  // fresh: skip the service worker's stale-while-revalidate (it goes network first for no-store)
  if (fresh) init.cache = 'no-store';
  if (method !== 'GET' && method !== 'HEAD') {
    if (!csrfToken) await fetchSession();
    h['X-CSRF-Token'] = csrfToken || '';
    if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  const res = await fetch(url, init);
  if (!res.ok) {
    const err = await toError(res);
    // The session may have been renewed (sign-in elsewhere, expiry): get a new token, retry once.
    if (err.status === 403 && err.code === 'csrf_failed' && retryCsrf && method !== 'GET') {
      await fetchSession();
      return request(method, url, body, { headers, retryCsrf: false });
    }
    throw err;
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (res.headers.get('X-Linli-Offline') === '1') onOfflineCopy(url);
  return data;
}

/**
 * The service worker answered from its copy because the network failed: the shell marks the screen
 * "离线", since what it shows is what was seen last time, not the latest.
 */
function markOfflineCopy(url) {
  window.dispatchEvent(new CustomEvent('linli:offline-copy', { detail: { url } }));
}

/* ---------- reads started before their screen asks ---------- */

// A deep link's first reads (the report, the project, the poll, the home feed) start at boot as soon as the
// session is known, in parallel with the language's words and the screen's strings, instead of after them:
// two or three round trips fewer before the screen draws. The screen's own api.get of the same URL takes the
// answer (once, and only while it is fresh); an unclaimed one is dropped.
const early = new Map(); // url -> {answer, startedAt, offline}
const asking = new Set(); // urls api.get is waiting for now
const EARLY_KEPT_MS = 10000;

/** Start GET `url` now, in `locale` (the one the session chose; the shell's words may still be loading). */
export function startEarly(url, locale) {
  if (asking.has(url)) return; // the screen was quicker and asked itself
  const entry = { startedAt: Date.now(), offline: false };
  entry.answer = request('GET', url, undefined, {
    fresh: true, headers: { 'Accept-Language': locale }, onOfflineCopy: () => { entry.offline = true; },
  });
  entry.answer.catch(() => {}); // the screen that takes it sees the error; unclaimed, nobody does
  early.set(url, entry);
}

function track(url, answer) {
  asking.add(url);
  const done = () => asking.delete(url);
  answer.then(done, done);
  return answer;
}

function takeEarly(url) {
  const entry = early.get(url);
  if (!entry) return null;
  early.delete(url);
  if (Date.now() - entry.startedAt > EARLY_KEPT_MS) return null;
  // the offline mark is raised when the screen takes the copy (the screen being drawn then is the one it marks)
  return entry.answer.then((data) => {
    if (entry.offline) markOfflineCopy(url);
    return data;
  });
}

export const api = {
  /** opts.fresh: must be current (committee work lists), so not served stale from the cache. */
  get: (url, opts) => takeEarly(url) || track(url, request('GET', url, undefined, opts)),
  post: (url, body, opts) => request('POST', url, body, opts),
  put: (url, body, opts) => request('PUT', url, body, opts),
  patch: (url, body, opts) => request('PATCH', url, body, opts),
  del: (url, opts) => request('DELETE', url, undefined, opts),
};

/** True for failures where nothing reached the server (offline, DNS, connection reset). */
export function isNetworkError(err) {
  return err instanceof TypeError || (err && err.name === 'TypeError');
}

/** Forget cached API responses (the service worker's data cache) — on sign-in, sign-out. */
export async function clearDataCache() {
  if (!('caches' in window)) return;
  const keys = await caches.keys();
  await Promise.all(keys.filter((k) => k.startsWith('linli-data-')).map((k) => caches.delete(k)));
}
