// The app bar's bell: a link to the inbox with the unread count, also shown on the installed app's icon.
// Part of the shell (every signed-in screen draws it), so its words are the shell's (`inbox.bell`) and its
// styles are in app.css: the inbox screens (screens/notifications.js) load only when opened.
import { api } from './api.js';
import { t } from './i18n.js';
import { state } from './store.js';
import { h } from './ui.js';

const badgeListeners = new Set();
let unread = 0;

/** The last unread count the server gave. */
export function unreadCount() {
  return unread;
}

export function setUnread(count) {
  unread = Math.max(0, Number(count) || 0);
  for (const fn of badgeListeners) fn(unread);
  if ('setAppBadge' in navigator) {
    (unread ? navigator.setAppBadge(unread) : navigator.clearAppBadge()).catch(() => {});
  }
}

/** Re-read the unread count (cheap: one item, network first). */
export async function refreshUnreadCount() {
  if (!state.user) return setUnread(0);
  try {
    const page = await api.get('/api/v1/notifications?limit=1', { fresh: true });
    setUnread(page.unread_count);
  } catch { /* offline: keep the last count */ }
}

/** A bell link to the inbox with the unread count, for the app bar. */
export function bellButton() {
  const badge = h('span', { class: 'badge notif-bell__badge', id: 'notif-badge' });
  const link = h('a', { class: 'appbar__action notif-bell', href: '/notifications', id: 'notif-bell' }, bellIcon(), badge);
  const draw = (count) => {
    badge.hidden = count === 0;
    badge.textContent = count > 99 ? '99+' : String(count);
    link.setAttribute('aria-label', t('inbox.bell', { count }));
  };
  badgeListeners.add(draw);
  draw(unread);
  refreshUnreadCount();
  return link;
}

function bellIcon() {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '24');
  svg.setAttribute('height', '24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  for (const d of ['M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15z', 'M10 20a2 2 0 0 0 4 0']) {
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '1.8');
    path.setAttribute('stroke-linejoin', 'round');
    svg.append(path);
  }
  return svg;
}

// The service worker tells open pages when a push arrived (its badge count is the new unread count).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data || {};
    if (data.type === 'push-received' && typeof data.badge_count === 'number') setUnread(data.badge_count);
  });
}
