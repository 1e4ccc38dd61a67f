// Home: a welcome for visitors, a way into a community for those without one; for members what they open
// the app for (home-member.js, loaded on demand).
import { startEarly } from '../api.js';
import { preloadBundle, t } from '../i18n.js';
import { currentMembership, state } from '../store.js';
import { emptyState, h, linkButton, list, listItem, useStylesheet } from '../ui.js';
import { communitySearch } from './communities.js';

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
      user.is_platform_admin ? adminEntry() : null,
      emptyState({ iconName: 'building', title: t('home.noCommunity'), body: t('home.noCommunityBody'), action: linkButton(t('community.choose'), '/communities', { block: true }) })),
  };
}

/** The platform admin's way to the regions, communities and grids (a screen loaded on demand). */
export function adminEntry() {
  return list([listItem({ href: '/admin', iconName: 'building', title: t('admin.entry'), meta: t('admin.entryMeta') })], { id: 'admin-entry' });
}

export default async function home() {
  const user = state.user;
  if (!user) return visitorHome();
  const m = currentMembership();
  if (!m) return noCommunityHome(user);
  // The member's home is a screen of its own, loaded on demand: the first load stays small.
  const { memberHome } = await import('./home-member.js');
  return memberHome(m);
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = { '/': home };

/**
 * A member opening the app: the home's words, styles and feed start with the session, while the member's home
 * module downloads (home-member.js, which reads the same feed URL and takes this answer).
 */
export const WARM = {
  '/': ({ user, locale }) => {
    const m = user && currentMembership();
    if (!m) return;
    useStylesheet('/css/home.css');
    preloadBundle('home', locale);
    startEarly(`/api/v1/communities/${m.community.id}/home`, locale);
    import('./home-member.js').catch(() => {}); // the screen imports it again: one download
  },
};
