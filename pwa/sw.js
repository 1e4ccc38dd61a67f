/* Linli service worker (root scope).
 * - app shell precached at install into a versioned cache; activate deletes unknown caches
 * - navigations: network first, then the cached shell (/index.html), then /offline.html
 * - /api/ GETs: stale-while-revalidate in a separate data cache (session and profile: network first)
 * - other same-origin GETs: cache first
 * - a new version waits until the page accepts it ({type: 'skip-waiting'})
 * Flask (backend/pwa.py) fills in VERSION (a hash of every shell file) and SHELL (every file under
 * js/, css/, locales/, icons/ and the pages) when it serves this file: nothing to bump by hand.
 */
const VERSION = 'dev';
const SHELL_CACHE = `linli-shell-${VERSION}`;
const DATA_CACHE = `linli-data-${VERSION}`;
const KNOWN_CACHES = [SHELL_CACHE, DATA_CACHE];

const SHELL = [
  '/index.html',
  '/offline.html',
  '/manifest.webmanifest',
  '/css/app.css',
  '/js/app.js',
  '/js/api.js',
  '/js/i18n.js',
  '/js/icons.js',
  '/js/outbox.js',
  '/js/prefs.js',
  '/js/router.js',
  '/js/store.js',
  '/js/ui.js',
  '/js/screens/auth.js',
  '/js/screens/common.js',
  '/js/screens/communities.js',
  '/js/screens/home.js',
  '/js/screens/me.js',
  '/js/screens/members.js',
  '/js/screens/placeholder.js',
  '/locales/zh-CN.json',
  '/locales/en.json',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
  '/icons/apple-touch-icon.png',
];

// Who-am-I answers must not be served stale (a sign-in would look like it failed);
// the cache is only their offline fallback.
const NEVER_CACHED = ['/api/v1/me/export'];
const NETWORK_FIRST_API = [/^\/api\/v1\/auth\//, /^\/api\/v1\/me(\/|$)/];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => !KNOWN_CACHES.includes(n)).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'skip-waiting') self.skipWaiting();
  else if (data.type === 'clear-data') event.waitUntil(caches.delete(DATA_CACHE));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER_CACHED.includes(url.pathname)) return; // personal data download: the browser fetches it itself

  if (request.mode === 'navigate') {
    event.respondWith(navigation(request));
  } else if (url.pathname.startsWith('/api/')) {
    const mustBeFresh = request.cache === 'no-store' || request.cache === 'reload' || NETWORK_FIRST_API.some((re) => re.test(url.pathname));
    if (mustBeFresh) event.respondWith(networkFirst(request, DATA_CACHE));
    else event.respondWith(staleWhileRevalidate(request, event));
  } else if (url.pathname === '/sw.js') {
    // never cache the worker itself
  } else {
    event.respondWith(cacheFirst(request));
  }
});

async function navigation(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const cache = await caches.open(SHELL_CACHE);
    return (await cache.match('/index.html')) || (await cache.match('/offline.html')) || Response.error();
  }
}

/**
 * API answers are written in the request's language (Accept-Language), so a cached answer is kept per
 * language: after switching to English, a list cached in Chinese is not shown as the English one.
 * The key is only a cache key; the network always gets the original request.
 */
function dataKey(request) {
  const lang = request.headers.get('Accept-Language') || '';
  if (!lang) return request;
  const url = new URL(request.url);
  url.searchParams.set('__lang', lang);
  return new Request(url.href);
}

/**
 * A cached answer given because the network failed: marked so the page can say it is showing what it
 * saw last time ("离线"), and not mistake it for fresh data.
 */
function markedOffline(response) {
  const headers = new Headers(response.headers);
  headers.set('X-Linli-Offline', '1');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function networkFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const key = dataKey(request);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(key, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(key);
    if (cached) return markedOffline(cached);
    throw err;
  }
}

async function staleWhileRevalidate(request, event) {
  const cache = await caches.open(DATA_CACHE);
  const key = dataKey(request);
  const cached = await cache.match(key);
  const network = fetch(request).then((response) => {
    if (response.ok) return cache.put(key, response.clone()).then(() => response);
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => {}));
    // offline, the copy is all there is: say so, as networkFirst does
    return self.navigator.onLine === false ? markedOffline(cached) : cached;
  }
  return network;
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') cache.put(request, response.clone());
  return response;
}

/* ---------- push (a later issue extends these) ---------- */

/** A deep link from a payload: same-origin paths only (anything else opens the inbox). */
function safeUrl(url) {
  try {
    const target = new URL(url || '/notifications', self.location.origin);
    return target.origin === self.location.origin ? target.pathname + target.search + target.hash : '/notifications';
  } catch (err) {
    return '/notifications';
  }
}

/**
 * Show a notification from the JSON payload {title, body, url, tag, badge_count}: the tag collapses
 * updates about one item into one notification; the app icon badge shows the unread count; open
 * pages hear about it (their bell updates).
 */
async function handlePush(event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (err) {
    data = { body: event.data ? event.data.text() : '' };
  }
  const title = data.title || '邻里 Linli';
  const tasks = [self.registration.showNotification(title, {
    body: data.body || '',
    tag: data.tag || undefined,
    renotify: Boolean(data.tag), // a newer update about the same item still alerts
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    timestamp: Date.now(),
    data: { url: safeUrl(data.url) },
  })];
  if (typeof data.badge_count === 'number' && 'setAppBadge' in self.navigator) {
    const badge = data.badge_count > 0 ? self.navigator.setAppBadge(data.badge_count) : self.navigator.clearAppBadge();
    tasks.push(badge.catch(() => {}));
  }
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  windows.forEach((client) => client.postMessage({ type: 'push-received', badge_count: data.badge_count }));
  return Promise.all(tasks);
}

/** Focus a window already showing the app (navigating it to the deep link), else open one. */
async function handleNotificationClick(event) {
  event.notification.close();
  const target = new URL(safeUrl(event.notification.data && event.notification.data.url), self.location.origin);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin === self.location.origin && 'focus' in client) {
      if (client.url !== target.href && 'navigate' in client) await client.navigate(target.href).catch(() => {});
      return client.focus().catch(() => client); // focus needs the click's activation; navigation stands
    }
  }
  return self.clients.openWindow(target.href);
}

/** The push service rotated or expired the subscription: subscribe again and tell the server. */
async function handlePushSubscriptionChange(event) {
  const old = event.oldSubscription;
  let subscription = event.newSubscription;
  if (!subscription) {
    const res = await fetch('/api/v1/push/vapid-public-key', { credentials: 'same-origin' });
    if (!res.ok) return;
    const { key } = await res.json();
    const raw = atob((key + '='.repeat((4 - (key.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/'));
    subscription = await self.registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: Uint8Array.from(raw, (c) => c.charCodeAt(0)),
    });
  }
  const session = await fetch('/api/v1/auth/session', { credentials: 'same-origin', cache: 'no-store' });
  const { csrf_token: csrf } = session.ok ? await session.json() : {};
  const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf || '' };
  if (old && old.endpoint !== subscription.endpoint) {
    await fetch('/api/v1/push/subscriptions', {
      method: 'DELETE', credentials: 'same-origin', headers, body: JSON.stringify({ endpoint: old.endpoint }),
    }).catch(() => {});
  }
  await fetch('/api/v1/push/subscriptions', {
    method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(subscription.toJSON()),
  });
}

self.addEventListener('push', (event) => event.waitUntil(handlePush(event)));
self.addEventListener('notificationclick', (event) => event.waitUntil(handleNotificationClick(event)));
self.addEventListener('pushsubscriptionchange', (event) => event.waitUntil(handlePushSubscriptionChange(event)));
