// Offline outbox: forms send through sendOrQueue(). When the device is offline the request is
// kept in IndexedDB (db "linli", store "outbox") and replayed later with the SAME
// Idempotency-Key, so the server creates it at most once even if an earlier try did arrive.
//
// Bodies must stay JSON-serialisable. Photos (a later issue) will be stored as Blobs in their
// own store ("outbox_files", keyed by the item key + index; IndexedDB stores Blobs natively),
// uploaded first on replay (POST /api/v1/uploads with Idempotency-Key `${key}:file:${i}`), and
// their returned ids put into body.photo_ids before the main request is replayed.
import { request, isNetworkError } from './api.js';

const DB_NAME = 'linli';
const STORE = 'outbox';
const REPLAY_INTERVAL_MS = 30_000;
const KEEP_STATUSES = new Set([401, 408, 429]); // worth trying again later
const listeners = new Set();
const sentListeners = new Set();
const sources = []; // other queues (reports with their photos) shown and replayed with this one
let dbPromise = null;
let replaying = null;
let onRejected = null;

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE, { keyPath: 'key' }).createIndex('created_at', 'created_at');
        }
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function tx(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const store = t.objectStore(STORE);
    const result = fn(store);
    t.oncomplete = () => resolve(result && 'result' in result ? result.result : result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

async function ownQueued() {
  const items = await tx('readonly', (s) => s.getAll());
  return items || [];
}

/** All queued items, this outbox's and every added source's ({key, label, created_at}), oldest first. */
export async function listQueued() {
  const lists = await Promise.all([ownQueued(), ...sources.map((s) => s.list().catch(() => []))]);
  return lists.flat().sort((a, b) => a.created_at.localeCompare(b.created_at));
}

/**
 * Another queue that waits for the network (reports keep their photos in their own database): its items
 * are counted and listed with ours, replayed with ours, and its sends announced like ours.
 * source = {list(): Promise<items>, subscribe(fn), replay(): Promise<number>}
 */
export function addSource(source) {
  sources.push(source);
  source.subscribe(() => notify());
}

/** fn(item) after a queued item reached the server ("已发送"). Returns unsubscribe. */
export function onItemSent(fn) {
  sentListeners.add(fn);
  return () => sentListeners.delete(fn);
}

/** Sources call this when one of their items was sent. */
export function announceSent(item) {
  for (const fn of sentListeners) fn(item);
}

export async function count() {
  return (await listQueued()).length;
}

async function put(item) {
  await tx('readwrite', (s) => s.put(item));
  notify();
}

export async function remove(key) {
  await tx('readwrite', (s) => s.delete(key));
  notify();
}

/** Subscribe to changes: fn(items) is called now and after every change. Returns unsubscribe. */
export function subscribe(fn) {
  listeners.add(fn);
  listQueued().then(fn).catch(() => {});
  return () => listeners.delete(fn);
}

async function notify() {
  const items = await listQueued().catch(() => []);
  for (const fn of listeners) fn(items);
}

/** Called with (item, ApiError) when the server refuses a queued item (it is dropped). */
export function onItemRejected(fn) {
  onRejected = fn;
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Send now, or queue when offline.
 * Resolves {queued: false, data} when sent, {queued: true, key} when queued; rejects with the
 * ApiError when the server refuses (the form shows it).
 */
export async function sendOrQueue({ method = 'POST', url, body, label }) {
  const item = { key: newKey(), url, method, body: body ?? null, label: label || url, created_at: new Date().toISOString() };
  if (navigator.onLine === false) {
    await put(item);
    return { queued: true, key: item.key };
  }
  try {
    const data = await send(item);
    return { queued: false, data };
  } catch (err) {
    if (isNetworkError(err)) {
      await put(item);
      return { queued: true, key: item.key };
    }
    throw err;
  }
}

function send(item) {
  return request(item.method, item.url, item.body === null ? undefined : item.body, {
    headers: { 'Idempotency-Key': item.key },
  });
}

/** Try every queued item once, oldest first. Concurrent calls share one run. */
export function replay() {
  if (replaying) return replaying;
  replaying = (async () => {
    let sent = 0;
    const items = (await ownQueued().catch(() => [])).sort((a, b) => a.created_at.localeCompare(b.created_at));
    for (const item of items) {
      if (navigator.onLine === false) break;
      try {
        await send(item);
        await remove(item.key);
        sent += 1;
        announceSent(item);
      } catch (err) {
        if (isNetworkError(err)) break; // still offline: keep everything for later
        if (err.status >= 400 && err.status < 500 && !KEEP_STATUSES.has(err.status)) {
          await remove(item.key);
          if (onRejected) onRejected(item, err);
        }
        // 5xx, 401, 408, 429: keep and try again later
      }
    }
    for (const source of sources) sent += await source.replay().catch(() => 0);
    return sent;
  })().finally(() => { replaying = null; });
  return replaying;
}

/** Replay at start, when the connection returns, and every 30 s while online. */
export function startOutbox() {
  // The first requests after the connection returns often fail (the network still coming up, a service
  // worker's fetches a moment behind): try once more shortly rather than wait for the 30 s round.
  window.addEventListener('online', () => { replay(); setTimeout(() => replay(), 3000); });
  setInterval(() => { if (navigator.onLine !== false) replay(); }, REPLAY_INTERVAL_MS);
  if (navigator.onLine !== false) replay();
  notify();
}
