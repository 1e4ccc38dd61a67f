// Privacy: the notice (a screen and a sheet at sign-up), the consent gate for people who have not
// accepted the current version, and the "download my data" link.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { needsConsent, refreshSession, state } from '../store.js';
import { button, card, clear, errorText, formError, h, openSheet, skeleton, toast, withLoading } from '../ui.js';
import { safeNext } from './common.js';

export const EXPORT_URL = '/api/v1/me/export';

// the shell checks it before any screen loads, so it lives in the store; exported here for older imports
export { needsConsent };

/** The notice's sections as headings and paragraphs (plain text only). */
function noticeBody(notice) {
  return h('div', { class: 'privacy-notice' },
    ...notice.sections.map((s) => h('section', {},
      h('h3', { text: s.heading }),
      h('p', { text: s.body }))),
    h('p', { class: 'muted secondary', text: t('privacy.version', { version: notice.version }) }));
}

function loadNotice() {
  return api.get('/api/v1/auth/privacy-notice');
}

/** The sign-up form's "read the notice" sheet (the form stays as it was). */
export function showNoticeSheet() {
  const body = h('div', {}, skeleton(4));
  openSheet({ title: t('privacy.title'), content: (close) => {
    loadNotice().then((notice) => clear(body).append(noticeBody(notice),
      h('div', { class: 'sheet__actions' }, button(t('common.close'), { variant: 'secondary', block: true, onClick: () => close() }))))
      .catch((err) => clear(body).append(h('p', { class: 'field__error', text: errorText(err, t('error.network')) })));
    return body;
  } });
}

/** A required checkbox for the sign-up form, shaped like ui.field() for showErrors: {el, input, checked(), setError}. */
export function consentCheckbox() {
  const input = h('input', { type: 'checkbox', id: 'privacy-consent', name: 'privacy_consent', required: true, 'aria-describedby': 'privacy-consent-error' });
  const error = h('p', { class: 'field__error', id: 'privacy-consent-error' });
  // A real link (it also works opened in a new tab); a tap opens the sheet so the form keeps its input.
  const read = h('a', { href: '/privacy', class: 'btn btn--ghost btn--small consent__read', text: t('privacy.read') });
  read.addEventListener('click', (e) => { e.preventDefault(); showNoticeSheet(); });
  input.addEventListener('change', () => { error.textContent = ''; input.removeAttribute('aria-invalid'); });
  const el = h('div', { class: 'field consent' },
    h('div', { class: 'check-row' }, input, h('label', { for: 'privacy-consent', text: t('privacy.agree') })),
    error,
    h('div', {}, read));
  return {
    el,
    input,
    checked: () => input.checked,
    setError: (msg) => {
      error.textContent = msg || '';
      if (msg) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
  };
}

async function accept(notice, next, btn, err) {
  await withLoading(btn, async () => {
    try {
      await api.post('/api/v1/me/privacy-consent', { version: notice.version });
      await refreshSession();
      toast(t('privacy.accepted'));
      navigate(safeNext(next, '/'), { replace: true });
    } catch (e) {
      if (e.code === 'privacy_notice_changed') navigate(location.pathname + location.search, { replace: true });
      else err.textContent = errorText(e, t('error.network'));
    }
  });
}

/** /privacy: the notice for anyone; for someone who has not accepted this version, the way on. */
export async function privacyScreen(ctx) {
  const notice = await loadNotice();
  const gate = needsConsent();
  const err = formError();
  const acceptBtn = button(t('privacy.accept'), { block: true, id: 'privacy-accept' });
  acceptBtn.addEventListener('click', () => accept(notice, ctx.query.next, acceptBtn, err));
  const node = h('div', {},
    gate ? card(h('p', { role: 'note', class: 'notice', text: t('privacy.gateIntro') })) : null,
    card(noticeBody(notice)),
    gate ? h('div', { class: 'section stack' }, err, acceptBtn,
      h('p', { class: 'muted secondary', text: t('privacy.declineHint') })) : null);
  return { title: t('privacy.title'), back: gate ? null : '/me', node };
}

export const ROUTES = { '/privacy': privacyScreen };

export function registerPrivacyRoutes(route) {
  route('/privacy', privacyScreen);
}
