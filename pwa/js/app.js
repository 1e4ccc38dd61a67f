// Boot: session → language and care mode → service worker → outbox → router.
import { fetchSession } from './api.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import * as outbox from './outbox.js';
import { applyPrefs, setChromeRenderer } from './prefs.js';
import * as router from './router.js';
import { setUser, state as session, subscribe as onSessionChange } from './store.js';
import { button, clear, errorText, h, list, listItem, toast, openSheet, emptyState, withLoading } from './ui.js';
import { formatDateTime } from './i18n.js';

import home from './screens/home.js';
import { signIn, signUp } from './screens/auth.js';
import { communityList, communityDetail, joinCommunity } from './screens/communities.js';
import me from './screens/me.js';
import pendingMembers from './screens/members.js';
import { notFound } from './screens/placeholder.js';
import { registerProjectRoutes } from './screens/projects.js';
import { registerReportScreens } from './screens/reports.js';
import { registerNoticeScreens } from './screens/notices.js';
import { registerAidScreens } from './screens/aid.js';
import { registerPollRoutes } from './screens/polls.js';
import { bellButton, registerNotificationRoutes } from './screens/notifications.js';
import { registerModerationRoutes } from './screens/moderation.js';
import { registerInsightsRoutes } from './screens/insights.js';
import { needsConsent, registerPrivacyRoutes } from './screens/privacy.js';

const TABS = [
  { key: 'home', href: '/', icon: 'home', label: 'tab.home', match: (p) => p === '/' || p.startsWith('/communities') || p.startsWith('/join') || p.startsWith('/committee') },
  { key: 'projects', href: '/projects', icon: 'vote', label: 'tab.projects', match: (p) => p.startsWith('/projects') || p.startsWith('/polls') },
  { key: 'report', href: '/report', icon: 'camera', label: 'tab.report', match: (p) => p.startsWith('/report') },
  { key: 'help', href: '/help', icon: 'help', label: 'tab.help', match: (p) => p.startsWith('/help') },
  { key: 'me', href: '/me', icon: 'user', label: 'tab.me', match: (p) => p.startsWith('/me') || p === '/signin' || p === '/signup' },
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

// Screens loaded on first visit (dynamic import), so the first load carries only the shell: each module
// exports ROUTES {pattern: handler}; the patterns are listed here because the router needs them up front.
const LAZY_SCREENS = [
  [() => import('./screens/admin.js'), ['/admin', '/admin/communities/new', '/admin/communities/:id', '/admin/communities/:id/edit',
    '/admin/communities/:id/grids/new', '/admin/communities/:id/grids/:gid']],
  [() => import('./screens/organisations.js'), ['/help/organisations/:oid', '/committee/organisations']],
  [() => import('./screens/search.js'), ['/search']],
];

function lazyRoutes() {
  for (const [load, patterns] of LAZY_SCREENS) {
    for (const pattern of patterns) router.route(pattern, async (ctx) => (await load()).ROUTES[pattern](ctx));
  }
}

function routes() {
  lazyRoutes();
  router.route('/', home);
  router.route('/signin', signIn);
  router.route('/signup', signUp);
  router.route('/communities', communityList);
  router.route('/join', communityList);
  router.route('/communities/:id', communityDetail);
  router.route('/communities/:id/join', joinCommunity);
  router.route('/join/:id', joinCommunity);
  router.route('/me', me);
  router.route('/committee/members', pendingMembers);
  registerProjectRoutes(router.route);
  registerReportScreens(router.route);
  registerNoticeScreens(router.route);
  registerAidScreens(router.route);
  registerModerationRoutes(router.route);
  registerPollRoutes(router.route);
  registerNotificationRoutes(router.route);
  registerInsightsRoutes(router.route);
  registerPrivacyRoutes(router.route);
  router.fallback(notFound);
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

/* ---------- boot ---------- */

async function boot() {
  let user = null;
  try {
    user = await fetchSession();
  } catch (err) {
    console.warn('session unavailable', err); // offline without a cached session: visitor view
  }
  setUser(user);
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

  routes();
  await router.start(mount);
  document.documentElement.dataset.ready = '1';
  registerServiceWorker();
}

boot().catch((err) => {
  console.error(err);
  main.textContent = 'Linli could not start. 邻里无法启动。';
});
