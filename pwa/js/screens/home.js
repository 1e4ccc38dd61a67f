// Home: a welcome for visitors; for members the community, their role, status and grid.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { currentMembership, isCommittee, memberships, setCommunityId, state } from '../store.js';
import { chips, emptyState, h, linkButton, list, listItem } from '../ui.js';
import { communitySearch } from './communities.js';
import { communityName, gridText, householdText, roleText, statusPill } from './common.js';
import { committeeLinks, suspensionBanner } from './moderation.js';

function visitorHome() {
  return {
    title: t('app.short'),
    node: h('div', {},
      h('section', { class: 'hero-welcome' },
        h('img', { src: '/icons/icon-192.png', alt: '', width: 88, height: 88 }),
        h('h2', { text: t('home.welcomeTitle') }),
        h('p', { class: 'muted', text: t('home.welcomeBody') })),
      h('div', { class: 'stack' },
        linkButton(t('auth.signUp'), '/signup', { block: true }),
        linkButton(t('auth.signIn'), '/signin', { variant: 'secondary', block: true })),
      h('div', { class: 'section' }, h('h3', { class: 'section__title', text: t('home.communities') }),
        communitySearch({ hrefFor: (c) => `/communities/${c.id}` }))),
  };
}

function noCommunityHome(user) {
  return {
    title: t('app.short'),
    node: h('div', {},
      h('h2', { text: t('home.hello', { name: user.display_name }) }),
      emptyState({ iconName: 'building', title: t('home.noCommunity'), body: t('home.noCommunityBody'), action: linkButton(t('community.choose'), '/communities', { block: true }) })),
  };
}

/** The two newest notices addressed to me (pinned first), filled in when they arrive; nothing if none. */
function latestNotices(cid) {
  const section = h('div', { class: 'section', id: 'home-notices', hidden: true });
  api.get(`/api/v1/communities/${cid}/notices?limit=2`).then(({ items }) => {
    if (!items.length) return;
    section.append(h('h3', { class: 'section__title', text: t('home.latestNotices') }), list(items.map((n) => listItem({
      href: `/notices/${n.id}`, iconName: 'globe', title: n.title,
      meta: [n.urgent ? t('home.urgent') : null, n.pinned ? t('home.pinned') : null].filter(Boolean).join(' · ') || undefined,
    }))));
    section.hidden = false;
  }).catch(() => {}); // offline or not allowed: home still works without it
  return section;
}

export default function home() {
  const user = state.user;
  if (!user) return visitorHome();
  const m = currentMembership();
  if (!m) return noCommunityHome(user);

  const all = memberships();
  const switcher = all.length > 1 ? chips(
    all.map((x) => ({ value: x.community.id, label: communityName(x.community) })),
    m.community.id,
    (cid) => { setCommunityId(cid); navigate('/', { replace: true }); },
    { label: t('home.switchCommunity') },
  ) : null;

  const hero = h('section', { class: 'card card--hero', id: 'membership-card', dataset: { status: m.status, role: m.role } },
    h('p', { class: 'muted small', text: t('home.hello', { name: user.display_name }) }),
    h('h2', { class: 'card__title', text: communityName(m.community) }),
    h('p', { class: 'row' }, h('span', { text: roleText(m.role) }), statusPill(m.status)),
    h('dl', { class: 'kv' },
      h('dt', { text: t('home.grid') }), h('dd', { text: gridText(m.grid) }),
      m.household ? [h('dt', { class: 'secondary', text: t('household.title') }), h('dd', { class: 'secondary', text: householdText(m.household) })] : null));

  const statusNote = m.status === 'pending'
    ? h('p', { class: 'notice', role: 'note' }, t('home.pendingExplain'))
    : m.status === 'suspended' ? suspensionBanner(m) : null;

  const shortcuts = [
    listItem({ href: '/notices', iconName: 'globe', title: t('home.notices'), meta: t('home.noticesMeta'), secondaryMeta: true }),
    listItem({ href: '/projects', iconName: 'vote', title: t('tab.projects'), meta: t('home.projectsMeta'), secondaryMeta: true }),
    listItem({ href: '/report', iconName: 'camera', title: t('tab.report'), meta: t('home.reportMeta'), secondaryMeta: true }),
    listItem({ href: '/help', iconName: 'help', title: t('tab.help'), meta: t('home.helpMeta'), secondaryMeta: true }),
  ];
  if (m.status === 'verified' && (m.role === 'grid_worker' || m.role === 'committee')) {
    shortcuts.unshift(listItem({ href: '/reports/queue', iconName: 'camera', title: t('home.queue'), meta: t('home.queueMeta') }));
  }
  if (isCommittee(m)) {
    shortcuts.unshift(
      listItem({ href: '/committee/insights', iconName: 'sparkle', title: t('insights.home'), meta: t('insights.homeMeta') }),
      listItem({ href: '/committee/members', iconName: 'users', title: t('members.title'), meta: t('members.meta') }),
      ...committeeLinks());
  }
  if (m.status === 'verified') {
    shortcuts.push(listItem({ href: '/me#invite', iconName: 'ticket', title: t('invite.title'), meta: t('invite.meta'), secondaryMeta: true }));
  }

  return {
    title: communityName(m.community),
    node: h('div', {},
      switcher,
      hero,
      statusNote,
      latestNotices(m.community.id),
      h('div', { class: 'section' }, h('h3', { class: 'section__title', text: t('home.shortcuts') }), list(shortcuts)),
      h('p', { class: 'center secondary' }, linkButton(t('home.joinAnother'), '/communities', { variant: 'ghost', iconName: 'plus' }))),
  };
}
