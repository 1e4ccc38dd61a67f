// Me: profile, language, care mode, quiet hours, memberships, invite codes, sign out, delete.
import { api } from '../api.js';
import { formatDateTime, getLocale, savePreference, t } from '../i18n.js';
import { icon } from '../icons.js';
import { sendOrQueue } from '../outbox.js';
import { applyCare, applyPrefs } from '../prefs.js';
import { navigate, refresh } from '../router.js';
import {
  currentMembership, isCommittee, memberships, refreshSession, saveDeviceCareMode, setCommunityId, setUser, state,
} from '../store.js';
import {
  button, card, confirmSheet, copyText, errorText, field, formError, h, linkButton, list, listItem, openSheet,
  showErrors, toast, withLoading
} from '../ui.js';
import { communityName, contactText, roleText, statusPill } from './common.js';
import { committeeCareLinks, memberCareLinks } from './care-links.js';
import { hotlineLinks } from './hotline-links.js';
import { committeeLinks, myModerationLink } from './moderation-links.js';
import { onBehalfLinks } from './onbehalf-links.js';
import { staffTaskLinks } from './tasks-links.js';
import { agencyDeskLinks } from './agency-links.js';
import { EXPORT_URL } from './privacy.js';

/** Save profile fields through the outbox (works offline); merges the answer into the session user. */
async function saveMe(patch, label) {
  const res = await sendOrQueue({ method: 'PATCH', url: '/api/v1/me', body: patch, label });
  if (res.queued) toast(t('outbox.queuedToast'));
  else if (res.data) setUser({ ...state.user, ...res.data });
  return res;
}

function languageSwitch() {
  const current = getLocale();
  const options = [{ value: 'zh-CN', label: '中文' }, { value: 'en', label: 'English' }];
  const group = h('div', { class: 'segmented', role: 'group', 'aria-labelledby': 'lang-label' });
  for (const o of options) {
    group.append(h('button', {
      type: 'button', lang: o.value, 'aria-pressed': String(o.value === current), dataset: { locale: o.value },
      onclick: () => changeLanguage(o.value),
    }, o.label));
  }
  return h('div', { class: 'switch-row' },
    icon('globe'),
    h('span', { id: 'lang-label', class: 'field__label spacer', text: t('me.language') }),
    group);
}

async function changeLanguage(locale) {
  if (locale === getLocale()) return;
  savePreference(locale);
  const user = state.user;
  if (user) user.locale = locale;
  await applyPrefs(user);
  await refresh();
  if (user) {
    try {
      await saveMe({ locale }, t('me.languageSaved'));
    } catch (err) {
      toast(errorText(err, t('error.network')), { type: 'error' });
    }
  }
}

function careSwitch() {
  const id = 'care-switch';
  const input = h('input', { type: 'checkbox', role: 'switch', class: 'switch', id, checked: document.documentElement.classList.contains('care'), 'aria-describedby': 'care-hint' });
  input.addEventListener('change', async () => {
    const on = input.checked;
    applyCare(on);
    saveDeviceCareMode(on);
    if (state.user) {
      state.user.care_mode = on;
      try {
        await saveMe({ care_mode: on }, on ? t('me.careOn') : t('me.careOff'));
      } catch (err) {
        toast(errorText(err, t('error.network')), { type: 'error' });
      }
    }
  });
  return h('div', {},
    h('div', { class: 'switch-row' }, icon('sparkle'), h('label', { for: id, class: 'field__label', text: t('me.careMode') }), input),
    h('p', { class: 'field__hint', id: 'care-hint', text: t('me.careHint') }));
}

function quietHours(user) {
  const qh = user.quiet_hours;
  const start = field({ name: 'start', label: t('me.quietStart'), type: 'time', value: qh ? qh.start : '22:00' });
  const end = field({ name: 'end', label: t('me.quietEnd'), type: 'time', value: qh ? qh.end : '07:00' });
  const status = h('p', { class: 'field__hint', id: 'quiet-status', text: qh ? t('me.quietOn', qh) : t('me.quietOff') });
  const err = formError();
  const off = button(t('me.quietTurnOff'), { variant: 'ghost', small: true, hidden: !qh });
  const submit = async (value) => {
    try {
      const res = await saveMe({ quiet_hours: value }, t('me.quietHours'));
      status.textContent = value ? t('me.quietOn', value) : t('me.quietOff');
      off.hidden = !value;
      if (!res.queued) toast(t('common.saved'));
    } catch (e) {
      showErrors(e, { start, end }, err);
    }
  };
  off.addEventListener('click', () => withLoading(off, () => submit(null)));
  const save = button(t('common.save'), { variant: 'secondary', small: true });
  save.addEventListener('click', () => withLoading(save, () => submit({ start: start.input.value, end: end.input.value })));
  return h('div', {},
    h('h3', { class: 'field__label', text: t('me.quietHours') }),
    h('p', { class: 'field__hint secondary', text: t('me.quietHint') }),
    err,
    h('div', { class: 'fields-row fields-row--2' }, start.el, end.el),
    status,
    h('div', { class: 'row' }, save, off));
}

function profileCard(user) {
  const name = field({ name: 'display_name', label: t('auth.displayName'), value: user.display_name, autocomplete: 'nickname', maxlength: 40 });
  const err = formError();
  const save = button(t('common.save'), { type: 'submit', variant: 'secondary', small: true });
  const form = h('form', { novalidate: true }, err, name.el, save);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = name.input.value.trim();
    if (!value) { name.setError(t('auth.required')); name.input.focus(); return; }
    withLoading(save, async () => {
      try {
        const res = await saveMe({ display_name: value }, t('me.nameSaved'));
        if (!res.queued) toast(t('common.saved'));
      } catch (e2) {
        showErrors(e2, { display_name: name }, err);
      }
    });
  });
  return card(
    h('div', { class: 'row' }, icon('user'), h('h2', { class: 'card__title spacer', text: user.display_name })),
    contactText(user) ? h('p', { class: 'muted secondary', text: contactText(user) }) : null,
    form);
}

function membershipsCard() {
  const ms = memberships();
  const current = currentMembership();
  const items = ms.map((m) => listItem({
    onClick: () => { setCommunityId(m.community.id); navigate('/'); },
    iconName: 'building',
    title: communityName(m.community),
    meta: `${roleText(m.role)}${m === current ? ` · ${t('me.current')}` : ''}`,
    trailing: statusPill(m.status),
  }));
  return h('div', { class: 'section' },
    h('h3', { class: 'section__title', text: t('me.memberships') }),
    items.length ? list(items) : h('p', { class: 'muted', text: t('home.noCommunity') }),
    h('p', {}, linkButton(t('home.joinAnother'), '/communities', { variant: 'ghost', iconName: 'plus' })));
}

function showInvite(m, invite) {
  const link = `${location.origin}/join/${m.community.id}?code=${encodeURIComponent(invite.code)}`;
  openSheet({
    title: t('invite.sheetTitle'),
    content: () => h('div', {},
      h('p', { text: t('invite.explain', { name: communityName(m.community) }) }),
      h('p', { class: 'code-big', id: 'invite-code', text: invite.code }),
      invite.expires_at ? h('p', { class: 'muted small center', text: t('invite.expires', { when: formatDateTime(invite.expires_at) }) }) : null,
      h('p', { class: 'small secondary' }, t('invite.link'), ' ', h('a', { href: link, id: 'invite-link', text: link, 'data-external': '' })),
      h('div', { class: 'sheet__actions' },
        button(t('invite.copyCode'), { iconName: 'copy', block: true, onClick: async () => toast(await copyText(invite.code) ? t('invite.copied') : t('invite.copyFailed')) }),
        button(t('invite.copyLink'), { iconName: 'copy', variant: 'secondary', block: true, onClick: async () => toast(await copyText(link) ? t('invite.copied') : t('invite.copyFailed')) }),
        navigator.share ? button(t('invite.share'), { variant: 'ghost', block: true, onClick: () => navigator.share({ title: t('app.name'), text: t('invite.shareText', { code: invite.code, name: communityName(m.community) }), url: link }).catch(() => {}) }) : null)),
  });
}

function inviteCard() {
  const m = currentMembership();
  if (!m || m.status !== 'verified') return null;
  const create = button(t('invite.create'), { iconName: 'ticket', block: true, id: 'create-invite' });
  create.addEventListener('click', () => withLoading(create, async () => {
    try {
      const invite = await api.post(`/api/v1/communities/${m.community.id}/invites`, {});
      showInvite(m, invite);
    } catch (err) {
      toast(errorText(err, t('error.network')), { type: 'error' });
    }
  }));
  return h('section', { class: 'card', id: 'invite' },
    h('h2', { class: 'card__title', text: t('invite.title') }),
    h('p', { class: 'muted', text: t('invite.intro', { name: communityName(m.community) }) }),
    create);
}

async function signOut(btn) {
  await withLoading(btn, async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } catch (err) {
      if (err.status !== 401) { toast(errorText(err, t('error.network')), { type: 'error' }); return; }
    }
    const user = await refreshSession({ clearCache: true });
    await applyPrefs(user);
    navigate('/');
    toast(t('me.signedOut'));
  });
}

async function deleteAccount() {
  const ok = await confirmSheet({ title: t('me.deleteTitle'), body: t('me.deleteBody'), confirmLabel: t('me.deleteConfirm'), danger: true });
  if (!ok) return;
  try {
    await api.del('/api/v1/me');
    const user = await refreshSession({ clearCache: true });
    await applyPrefs(user);
    navigate('/');
    toast(t('me.deleted'));
  } catch (err) {
    toast(errorText(err, t('error.network')), { type: 'error' });
  }
}

function settingsCard(user) {
  return card(
    h('h2', { class: 'card__title', text: t('me.settings') }),
    languageSwitch(),
    careSwitch(),
    user ? quietHours(user) : null);
}

/** The phone row's line: whether the number is verified, what verifying it gives (screens/phone.js does it). */
function phoneMeta(user) {
  if (!user.phone) return t('me.phoneNone');
  return user.phone_verified_at ? t('me.phoneVerified') : t('me.phoneUnverified');
}

/** A plain download link: the browser saves the JSON itself (the service worker leaves it alone). */
function downloadLink() {
  return linkButton(t('privacy.download'), EXPORT_URL, { variant: 'secondary', block: true, iconName: 'download', download: '', id: 'download-my-data' });
}

export default function me() {
  const user = state.user;
  if (!user) {
    return {
      title: t('tab.me'),
      node: h('div', {},
        card(h('h2', { class: 'card__title', text: t('me.visitorTitle') }), h('p', { class: 'muted', text: t('me.visitorBody') }),
          h('div', { class: 'stack' }, linkButton(t('auth.signIn'), '/signin', { block: true }), linkButton(t('auth.signUp'), '/signup', { variant: 'secondary', block: true }))),
        settingsCard(null)),
    };
  }
  const signOutBtn = button(t('me.signOut'), { variant: 'secondary', block: true, iconName: 'logout', id: 'sign-out' });
  signOutBtn.addEventListener('click', () => signOut(signOutBtn));
  const committee = isCommittee() ? h('div', { class: 'section' }, list([listItem({ href: '/committee/members', iconName: 'users', title: t('members.title'), meta: t('members.meta') }), ...committeeCareLinks(), ...hotlineLinks(), ...committeeLinks()])) : null;
  const node = h('div', {},
    profileCard(user),
    settingsCard(user),
    membershipsCard(),
    h('div', { class: 'section' }, list([
      listItem({ href: '/me/phone', iconName: 'user', title: t('me.phone'), meta: phoneMeta(user) }),
      listItem({ href: '/me/notifications', iconName: 'clock', title: t('me.notifications'), meta: t('me.notificationsMeta') }),
      ...(currentMembership() ? [myModerationLink()] : []),
      ...memberCareLinks(),
      ...staffTaskLinks(),
      ...agencyDeskLinks(),
      ...onBehalfLinks(),
      listItem({ href: '/privacy', iconName: 'shield', title: t('privacy.title'), meta: t('privacy.meMeta') }),
    ])),
    h('div', { class: 'section' }, downloadLink()),
    committee,
    officialRegions(user),
    user.is_platform_admin ? h('div', { class: 'section' }, list([listItem({ href: '/admin', iconName: 'building', title: t('admin.entry'), meta: t('admin.entryMeta') })])) : null,
    inviteCard(),
    h('div', { class: 'section stack' },
      signOutBtn,
      button(t('me.delete'), { variant: 'ghost', block: true, iconName: 'trash', class: 'btn--danger-text', onClick: deleteAccount })));
  if (location.hash === '#invite') setTimeout(() => document.getElementById('invite')?.scrollIntoView({ block: 'start' }), 0);
  return { title: t('tab.me'), node };
}

/** Street and district officials: their desk, one entry per region they officiate (issue 19). */
function officialRegions(user) {
  const regions = user.official_regions || [];
  if (!regions.length) return null;
  return h('div', { class: 'section' }, list(regions.map((r) => listItem({
    href: `/region/${r.id}`, iconName: 'building', title: t('me.officialDesk'), meta: `${r.name} · ${t(`me.officialRole.${r.kind}`)}`,
  }))));
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = { '/me': me };
