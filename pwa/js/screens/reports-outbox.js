// Offline reports with photos. The shell's outbox (js/outbox.js) carries JSON only, so a report
// written offline waits here with its photo Blobs (IndexedDB database "linli-reports", store
// "reports": its own database, because adding a store to "linli" would need a version upgrade that
// the shell's outbox.js, which opens version 1, would then refuse). When the connection returns,
// each photo is uploaded first (Idempotency-Key `${key}:file:${i}`), then the report is posted with
// its own key: a replay that was interrupted halfway creates nothing twice.
import { request, isNetworkError } from '../api.js';
import { addSource, announceSent } from '../outbox.js';

const DB_NAME = 'linli-reports';
const STORE = 'reports';
const REPLAY_INTERVAL_MS = 30_000;
const listeners = new Set();
let dbPromise = null;
let replaying = null;
let started = false;

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function run(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req ? req.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export async function listQueuedReports() {
  const items = (await run('readonly', (s) => s.getAll())) || [];
  return items.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

async function changed() {
  const items = await listQueuedReports().catch(() => []);
  for (const fn of listeners) fn(items);
}

/** fn(items) now and after every change; returns unsubscribe. */
export function subscribeReports(fn) {
  listeners.add(fn);
  listQueuedReports().then(fn).catch(() => {});
  return () => listeners.delete(fn);
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

async function csrfToken() {
  const res = await fetch('/api/v1/auth/session', { credentials: 'same-origin', cache: 'no-store' });
  return (await res.json()).csrf_token;
}

/** Upload one photo (multipart); the key makes a retried upload return the same id. */
export async function uploadPhoto(blob, key) {
  const form = new FormData();
  form.append('file', blob, 'photo.jpg');
  const headers = { 'X-CSRF-Token': await csrfToken(), Accept: 'application/json' };
  if (key) headers['Idempotency-Key'] = key;
  const res = await fetch('/api/v1/uploads', { method: 'POST', body: form, credentials: 'same-origin', headers });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.detail || `HTTP ${res.status}`), { status: res.status, code: body.code, fields: body.errors || {}, detail: body.detail });
  return body;
}

/** Photos first, then the report, all under keys derived from `key`. */
export async function sendReport({ key, cid, body, photos }) {
  const ids = [];
  for (let i = 0; i < photos.length; i += 1) ids.push((await uploadPhoto(photos[i], `${key}:file:${i}`)).id);
  return request('POST', `/api/v1/communities/${cid}/reports`, { ...body, photo_ids: ids }, { headers: { 'Idempotency-Key': key } });
}

/** Send now; when offline (or the network fails) keep it with its photos. */
export async function sendOrQueueReport({ cid, body, photos, label }) {
  const item = { key: newKey(), cid, body, photos, label, created_at: new Date().toISOString() };
  if (navigator.onLine !== false) {
    try {
      return { queued: false, data: await sendReport(item) };
    } catch (err) {
      if (!isNetworkError(err)) throw err;
    }
  }
  await run('readwrite', (s) => s.put(item));
  changed();
  return { queued: true, key: item.key };
}

/** Send every waiting report once, oldest first; refused ones are dropped and reported to onRejected. */
export function replayReports({ onRejected } = {}) {
  if (replaying) return replaying;
  replaying = (async () => {
    let sent = 0;
    for (const item of await listQueuedReports().catch(() => [])) {
      if (navigator.onLine === false) break;
      let delivered = false;
      try {
        await sendReport(item);
        delivered = true;
      } catch (err) {
        if (isNetworkError(err)) break;
        if (!(err.status >= 400 && err.status < 500) || [401, 408, 429].includes(err.status)) continue;
        if (onRejected) onRejected(item, err);
      }
      await run('readwrite', (s) => s.delete(item.key));
      sent += 1;
      if (delivered) announceSent(item);
    }
    if (sent) changed();
    return sent;
  })().finally(() => { replaying = null; });
  return replaying;
}

/**
 * Replay now, when the connection returns, and every 30 s (idempotent to call again). The shell's outbox
 * lists these reports with its own items (the "待发送" sheet and its count) and announces them when sent.
 */
export function startReportOutbox(options) {
  if (started) return;
  started = true;
  addSource({ list: listQueuedReports, subscribe: subscribeReports, replay: () => replayReports(options) });
  window.addEventListener('online', () => replayReports(options));
  setInterval(() => { if (navigator.onLine !== false) replayReports(options); }, REPLAY_INTERVAL_MS);
  if (navigator.onLine !== false) replayReports(options);
}
