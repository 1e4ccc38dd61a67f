// Boot: session (while the opened screen's module and the likely language load) → language and care mode
// → outbox → router → first screen; then the reports' outbox and, once the page is idle, the service worker.
// The first load carries the shell (these imports, preloaded by index.html) and the screen being opened:
// every screen is a module loaded on demand (LAZY_SCREENS).
import { fetchSession } from './api.js';
import { bellButton } from './bell.js';
import { chooseLocale, formatDateTime, preloadLocale, t } from './i18n.js';
import { icon } from './icons.js';
import * as outbox from './outbox.js';
import { applyPrefs, setChromeRenderer } from './prefs.js';
import * as router from './router.js';
import { needsConsent, setUser, state as session, subscribe as onSessionChange } from './store.js';
import { button, clear, errorText, h, list, listItem, toast, openSheet, emptyState, withLoading } from './ui.js';

const TABS = [
  { key: 'home', href: '/', icon: 'home', label: 'tab.home', match: (p) => p === '/' || p.startsWith('/communities') || p.startsWith('/join') || p.startsWith('/committee') },
  { key: 'projects', href: '/projects', icon: 'vote', label: 'tab.projects', match: (p) => p.startsWith('/projects') || p.startsWith('/polls') || p.startsWith('/surveys') || p.startsWith('/meetings') },
  { key: 'report', href: '/report', icon: 'camera', label: 'tab.report', match: (p) => p.startsWith('/report') },
  { key: 'help', href: '/help', icon: 'help', label: 'tab.help', match: (p) => p.startsWith('/help') },
  { key: 'me', href: '/me', icon: 'user', label: 'tab.me', match: (p) => p === '/me' || p.startsWith('/me/') || p.startsWith('/signin') || p === '/signup' },
];

const main = document.getElementById('main');
const tabbar = document.getElementById('tabbar');
const titleEl = document.getElementById('appbar-title');
const backEl = document.getElementById('appbar-back');
const actionsEl = document.getElementById('appbar-actions');
let outboxButton = null;
let outboxBadge = null;
let outboxItems = [];
let firstRender = true;
let lastScreen = { title: '' };
let offlineCopyInRender = false;
// the session and the bell's unread count are not what a screen shows: their cached copies mark nothing
const CHROME_REQUESTS = /\/api\/v1\/(auth\/|notifications\?limit=1$)/;

/* ---------- chrome: tab bar, app bar, outbox indicator ---------- */

function renderTabbar() {
  clear(tabbar);
  tabbar.setAttribute('aria-label', t('nav.main'));
  for (const tab of TABS) {
    tabbar.append(h('a', { class: 'tabbar__item', href: tab.href, dataset: { tab: tab.key } },
      h('span', { class: 'tabbar__icon' }, icon(tab.icon)),
      // a one-line label that fits a fifth of a 360 px phone; the home shortcuts use the long names
      h('span', { class: 'tabbar__label', text: t(tab.label.replace('tab.', 'tab.short.')) })));
  }
  markActiveTab();
}

function markActiveTab() {
  const p = location.pathname;
  for (const a of tabbar.querySelectorAll('.tabbar__item')) {
    const tab = TABS.find((x) => x.key === a.dataset.tab);
    if (tab.match(p)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderAppbarActions() {
  clear(actionsEl);
  outboxBadge = h('span', { class: 'badge' });
  outboxButton = h('button', { type: 'button', class: 'appbar__action', id: 'outbox-button', onclick: openOutboxSheet }, icon('outbox'), outboxBadge);
  actionsEl.append(outboxButton);
  // search, from every screen (home and the lists included): the screen itself loads on demand
  actionsEl.append(h('a', { class: 'appbar__action', href: '/search', id: 'search-open', 'aria-label': t('search.open') }, icon('search')));
  if (session.user) actionsEl.append(bellButton());
  updateOutboxIndicator(outboxItems);
}

function updateOutboxIndicator(items) {
  outboxItems = items;
  if (!outboxButton) return;
  outboxButton.hidden = items.length === 0;
  outboxBadge.textContent = String(items.length);
  outboxButton.setAttribute('aria-label', t('outbox.indicator', { count: items.length }));
}

function openOutboxSheet() {
  const body = h('div', {});
  const draw = (items) => {
    clear(body);
    if (!items.length) {
      body.append(emptyState({ iconName: 'check', title: t('outbox.empty') }));
      return;
    }
    body.append(h('p', { class: 'muted', text: t('outbox.explain') }),
      list(items.map((it) => listItem({ iconName: 'clock', title: it.label, meta: `${t('outbox.waiting')} · ${formatDateTime(it.created_at)}` }))),
      h('div', { class: 'sheet__actions' },
        button(t('outbox.sendNow'), { block: true, onClick: (e) => withLoading(e.currentTarget, async () => {
          const sent = await outbox.replay();
          if (!sent && navigator.onLine === false) toast(t('outbox.stillOffline'));
        }) })));
  };
  const unsubscribe = outbox.subscribe(draw);
  openSheet({ title: t('outbox.title'), content: body, onClose: unsubscribe });
}

function renderNetBanner() {
  let banner = document.getElementById('net-banner');
  if (!banner) {
    banner = h('div', { id: 'net-banner', class: 'net-banner', role: 'status' });
    document.getElementById('appbar').after(banner);
  }
  banner.textContent = t('net.offline');
  banner.hidden = navigator.onLine !== false;
}

/**
 * A screen drawn (even in part) from the service worker's copy of an earlier answer says so at its top:
 * "离线 · 显示的是上次联网时看到的内容". The copy may arrive while the screen is built or after.
 */
function markOfflineCopy() {
  offlineCopyInRender = true;
  if (!main.firstElementChild || main.querySelector(':scope > .offline-mark')) return;
  main.prepend(h('p', { class: 'offline-mark', role: 'status' },
    h('span', { class: 'pill pill--warn', text: t('net.offlineMark') }), ' ', h('span', { text: t('net.offlineCopy') })));
}

function renderChrome() {
  renderTabbar();
  renderAppbarActions();
  renderNetBanner();
  document.querySelector('.skip-link').textContent = t('nav.skip');
  setAppbar(lastScreen);
}

function setAppbar({ title, back }) {
  titleEl.textContent = title || t('app.short');
  document.title = title ? `${title} · ${t('app.name')}` : t('app.name');
  if (back) {
    backEl.hidden = false;
    backEl.href = back;
    clear(backEl).append(icon('back'));
    backEl.setAttribute('aria-label', t('common.back'));
  } else {
    backEl.hidden = true;
  }
}

/* ---------- screens ---------- */

// Someone who has not accepted the current privacy notice sees it first; "me" stays open so they can
// sign out or delete the account instead.
const OPEN_WITHOUT_CONSENT = new Set(['/privacy', '/me']);

async function mount(handler, ctx, { keepScroll }) {
  if (needsConsent() && !OPEN_WITHOUT_CONSENT.has(ctx.pattern)) {
    router.navigate(`/privacy?next=${encodeURIComponent(ctx.path + location.search)}`, { replace: true });
    return;
  }
  markActiveTab();
  offlineCopyInRender = false;
  let screen;
  try {
    screen = await handler(ctx);
  } catch (err) {
    console.error(err);
    screen = { title: t('error.title'), node: emptyState({ iconName: 'wifiOff', title: t('error.title'), body: errorText(err) }) };
  }
  if (!ctx.isCurrent() || !screen) return; // a newer navigation won, or the screen redirected
  lastScreen = screen;
  setAppbar(screen);
  clear(main).append(screen.node);
  if (offlineCopyInRender) markOfflineCopy();
  if (!keepScroll) window.scrollTo(0, 0);
  if (!firstRender && !keepScroll) main.focus({ preventScroll: true });
  firstRender = false;
  document.documentElement.dataset.route = ctx.pattern || 'not-found';
}

// Every screen is loaded on first visit (dynamic import), so the first load carries only the shell and the
// screen being opened: each module exports ROUTES {pattern: handler}; the patterns are listed here because
// the router needs them up front (tests/e2e/test_pwa.py checks both lists agree). Where two patterns match
// a path, the one with fewer parameters wins (router.match), whatever the order here.
const LAZY_SCREENS = [
  [() => import('./screens/admin.js'), ['/admin', '/admin/communities/new', '/admin/communities/:id', '/admin/communities/:id/edit',
    '/admin/communities/:id/grids/new', '/admin/communities/:id/grids/:gid', '/admin/regions/:id/officials']],
  [() => import('./screens/api-keys.js'), ['/admin/api-keys']],
  [() => import('./screens/outbox.js'), ['/admin/outbox']],
  [() => import('./screens/agencies.js'), ['/agencies/:id', '/regions/:id/agency-league', '/communities/:id/agency-scorecards']],
  [() => import('./screens/hotline.js'), ['/committee/hotline']],
  [() => import('./screens/organisations.js'), ['/help/organisations/:oid', '/committee/organisations']],
  [() => import('./screens/search.js'), ['/search']],
  [() => import('./screens/map.js'), ['/reports/map']],
  [() => import('./screens/home.js'), ['/']],
  [() => import('./screens/auth.js'), ['/signin', '/signup']],
  [() => import('./screens/codes.js'), ['/signin/code', '/signin/reset']],
  [() => import('./screens/residents.js'), ['/committee/residents', '/committee/residents/new',
    '/committee/residents/letters', '/committee/residents/:uid/report', '/takeover']],
  [() => import('./screens/onbehalf.js'), ['/committee/residents/:uid', '/committee/residents/:uid/aid',
    '/committee/residents/:uid/shift', '/committee/residents/:uid/support']],
  [() => import('./screens/communities.js'), ['/communities', '/join', '/communities/:id', '/communities/:id/join', '/join/:id']],
  [() => import('./screens/me.js'), ['/me']],
  [() => import('./screens/phone.js'), ['/me/phone']],
  [() => import('./screens/members.js'), ['/committee/members']],
  [() => import('./screens/register.js'), ['/committee/register', '/committee/register/import', '/committee/register/:id']],
  [() => import('./screens/care.js'), ['/care', '/care/support', '/care/:id']],
  [() => import('./screens/tasks.js'), ['/tasks', '/tasks/new', '/tasks/:id', '/communities/:id/tasks', '/communities/:id/tasks/new']],
  [() => import('./screens/patrols.js'), ['/patrol', '/committee/patrols']],
  [() => import('./screens/household-claims.js'), ['/communities/:id/household-claims']],
  [() => import('./screens/projects.js'), ['/projects', '/projects/new', '/projects/:id/edit', '/projects/:id']],
  [() => import('./screens/reports.js'), ['/report', '/reports', '/reports/mine', '/reports/queue', '/reports/:id']],
  [() => import('./screens/notices.js'), ['/notices', '/notices/new', '/notices/:id']],
  [() => import('./screens/notice-poster.js'), ['/notices/:id/poster']],
  [() => import('./screens/aid.js'), ['/help', '/help/aid', '/help/aid/new', '/help/aid/:id', '/help/mine', '/help/time-bank',
    '/help/activities', '/help/activities/:id', '/help/checkin/:sid', '/help/volunteering', '/help/organisations',
    '/help/organisations/:oid/activities/new', '/help/organisations/:oid/recruitment', '/help/shifts/:sid/manage',
    '/help/:id', '/activities/:id']],
  [() => import('./screens/moderation.js'), ['/committee/moderation', '/committee/appeals', '/committee/audit', '/moderation/mine']],
  [() => import('./screens/polls.js'), ['/polls', '/polls/new', '/polls/:id', '/polls/:id/results']],
  [() => import('./screens/polling-table.js'), ['/polls/:id/table', '/polls/:id/table/count']],
  [() => import('./screens/surveys.js'), ['/surveys', '/surveys/new', '/surveys/:id', '/surveys/:id/edit', '/surveys/:id/results']],
  [() => import('./screens/meetings.js'), ['/meetings', '/meetings/new', '/meetings/:id', '/meetings/:id/edit', '/meetings/:id/checkin', '/meetings/:id/minutes']],
  [() => import('./screens/notifications.js'), ['/notifications', '/me/notifications']],
  [() => import('./screens/insights.js'), ['/committee/insights']],
  [() => import('./screens/network.js'), ['/region', '/region/:id', '/communities/:id/responsibilities']],
  [() => import('./screens/privacy.js'), ['/privacy']],
];

const screenLoaders = new Map(); // pattern -> the import() of its module

function lazyRoutes() {
  for (const [load, patterns] of LAZY_SCREENS) {
    for (const pattern of patterns) {
      screenLoaders.set(pattern, load);
      router.route(pattern, async (ctx) => (await load()).ROUTES[pattern](ctx));
    }
  }
}

/** Start downloading the module of the screen at `path` (the route awaits the same import). */
function preloadScreen(path) {
  const load = screenLoaders.get(router.match(path).pattern);
  if (load) load().catch(() => {}); // offline or a failed fetch: the route shows its error itself
}

/**
 * Once the session is known, start what the opened screen will wait for: a module may export
 * WARM = {pattern: ({params, query, locale, user}) => …} that preloads its strings and styles in the person's
 * language and starts its first reads (api.js startEarly), all in parallel with the shell's words.
 */
function warmScreen(path, user) {
  if (needsConsent()) return; // the privacy notice opens first
  const { pattern, params } = router.match(path);
  const load = screenLoaders.get(pattern);
  if (!load) return;
  const query = Object.fromEntries(new URLSearchParams(location.search));
  load().then((module) => {
    const warm = module.WARM && module.WARM[pattern];
    if (warm) warm({ params, query, path, locale: chooseLocale(user), user });
  }).catch(() => {}); // only a head start: the screen loads what it needs itself
}

function routes() {
  lazyRoutes();
  router.fallback(async (ctx) => (await import('./screens/placeholder.js')).notFound(ctx));
}

/* ---------- service worker: register, offer updates, reload only when accepted ---------- */

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  let accepted = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (accepted) location.reload();
  });
  const offer = (worker) => {
    if (!worker || !navigator.serviceWorker.controller) return; // first install: nothing to update
    toast(t('update.available'), {
      action: { label: t('update.reload'), onClick: () => { accepted = true; worker.postMessage({ type: 'skip-waiting' }); } },
    });
  };
  try {
    const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    if (!reg) return; // registration refused (e.g. blocked by policy)
    if (reg.waiting) offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      if (!worker) return;
      worker.addEventListener('statechange', () => { if (worker.state === 'installed') offer(worker); });
    });
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') reg.update().catch(() => {}); });
  } catch (err) {
    console.warn('service worker registration failed', err);
  }
}

/* ---------- after the first screen ---------- */

/** Reports written offline (with their photos) are sent from any screen: their outbox starts with the app. */
function startReportOutbox() {
  import('./screens/reports-outbox.js').then(({ startReportOutbox: start }) => start({
    onRejected: (item, err) => toast(`${item.label}: ${errorText(err)}`, { type: 'error', timeout: 8000 }),
  })).catch((err) => console.warn('report outbox unavailable', err));
}

/**
 * The service worker precaches every file of the app (about 90) for offline use: registered once the page
 * has loaded and the main thread is idle, so that precaching never competes with the first screen.
 */
function registerServiceWorkerWhenIdle() {
  const whenIdle = () => ('requestIdleCallback' in window
    ? requestIdleCallback(() => registerServiceWorker(), { timeout: 3000 })
    : setTimeout(registerServiceWorker, 500));
  if (document.readyState === 'complete') whenIdle();
  else window.addEventListener('load', whenIdle, { once: true });
}

/* ---------- boot ---------- */

async function boot() {
  routes();
  // The screen's module and the likely language download while the session is asked for (a signed-in
  // person's own language, if different, is loaded by applyPrefs).
  preloadScreen(location.pathname);
  preloadLocale(chooseLocale(null));
  let user = null;
  try {
    user = await fetchSession();
  } catch (err) {
    console.warn('session unavailable', err); // offline without a cached session: visitor view
  }
  setUser(user);
  warmScreen(location.pathname, user);
  setChromeRenderer(renderChrome);
  await applyPrefs(user);
  window.addEventListener('online', renderNetBanner);
  window.addEventListener('offline', renderNetBanner);
  window.addEventListener('linli:offline-copy', (e) => {
    if (!CHROME_REQUESTS.test(e.detail.url)) markOfflineCopy();
  });

  outbox.subscribe(updateOutboxIndicator);
  onSessionChange(renderAppbarActions); // the bell comes and goes with sign-in
  outbox.onItemSent((item) => toast(t('outbox.sent', { label: item.label })));
  outbox.onItemRejected((item, err) => toast(t('outbox.rejected', { label: item.label, reason: errorText(err) }), { type: 'error', timeout: 8000 }));
  outbox.startOutbox();

  await router.start(mount);
  document.documentElement.dataset.ready = '1';
  startReportOutbox();
  registerServiceWorkerWhenIdle();
}

boot().catch((err) => {
  console.error(err);
  main.textContent = 'Linli could not start. 邻里无法启动。';
});
