// Shared bits for screens: sign-in guard and formatting of memberships.
import { getLocale, t } from '../i18n.js';
import { navigate } from '../router.js';
import { memberships, state } from '../store.js';
import { button, h, pill } from '../ui.js';

/** Redirect visitors to sign-in (coming back afterwards); returns the user or null. */
export function requireUser(ctx, { to = '/signin' } = {}) {
  if (state.user) return state.user;
  const next = location.pathname + location.search;
  navigate(`${to}?next=${encodeURIComponent(next)}`, { replace: true });
  return null;
}

/** Only same-site paths are accepted as a `next` target. */
export function safeNext(next, fallback = '/') {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : fallback;
}

export function roleText(role) {
  return t(`role.${role}`);
}

export function statusPill(status) {
  const kind = { verified: 'ok', pending: 'warn', suspended: 'danger' }[status];
  return pill(t(`status.${status}`), kind);
}

export function householdText(hh) {
  if (!hh) return '';
  return t('household.format', { building: hh.building, unit: hh.unit, room: hh.room });
}

export function gridText(grid) {
  if (!grid) return t('grid.none');
  if (grid.name) return grid.name;
  return t('grid.numbered', { number: grid.number ?? grid.id, name: '' }).replace(/\s*·\s*$/, '');
}

/** The community's English name when the UI is in English and one exists. */
export function communityName(c) {
  if (!c) return '';
  return getLocale() === 'en' && c.name_en ? c.name_en : c.name;
}

export function contactText(user) {
  return [user.email, user.phone].filter(Boolean).join(' · ');
}

/** The two places of the 项目投票 tab, one tap apart: micro-projects and polls. */
export function civicTabs(active) {
  return h('nav', { class: 'civic-tabs', 'aria-label': t('tab.projects') },
    [['projects', '/projects', 'civic.projects'], ['polls', '/polls', 'civic.polls'], ['surveys', '/surveys', 'civic.surveys'], ['meetings', '/meetings', 'civic.meetings']].map(([key, href, label]) =>
      h('a', { href, class: 'civic-tabs__item', 'aria-current': key === active ? 'page' : null, dataset: { tab: key }, text: t(label) })));
}

/**
 * "分享": the phone's share sheet, copy the link, or a poster with a QR code (share.js, loaded on the first tap).
 * opts: {kind: project | poll | activity, title, lines, path, community}.
 */
export function shareButton(opts, { block = true } = {}) {
  return button(t('share.button'), { variant: 'secondary', block, iconName: 'share', class: 'share-button', onClick: async () => {
    const { openShare } = await import('./share.js');
    openShare(opts);
  } });
}

/** The name of one of my communities by its id ('' when I am not a member of it): for share posters. */
export function myCommunityName(id) {
  const m = memberships().find((x) => x.community.id === id);
  return m ? communityName(m.community) : '';
}
