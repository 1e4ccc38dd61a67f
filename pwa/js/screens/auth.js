// Sign up and sign in.
import { api } from '../api.js';
import { getLocale, t } from '../i18n.js';
import { applyPrefs } from '../prefs.js';
import { navigate } from '../router.js';
import { refreshSession, state } from '../store.js';
import { button, chips, field, formError, h, linkButton, showErrors, withLoading } from '../ui.js';
import { safeNext } from './common.js';
import { consentCheckbox } from './privacy.js';

const PHONE_RE = /^1[3-9]\d{9}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function afterAuth(next, fallback) {
  const user = await refreshSession({ clearCache: true });
  await applyPrefs(user);
  navigate(safeNext(next, fallback), { replace: true });
}

function alreadySignedIn(ctx) {
  if (!state.user) return false;
  navigate(safeNext(ctx.query.next), { replace: true });
  return true;
}

function withNext(path, next) {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export function signIn(ctx) {
  if (alreadySignedIn(ctx)) return null;
  const login = field({ name: 'login', label: t('auth.login'), hint: t('auth.loginHint'), autocomplete: 'username', required: true });
  const password = field({ name: 'password', label: t('auth.password'), type: 'password', autocomplete: 'current-password', required: true });
  const fields = { login, password };
  const err = formError();
  const submit = button(t('auth.signIn'), { type: 'submit', block: true });
  const form = h('form', { novalidate: true, class: 'stack-form', 'aria-labelledby': 'signin-h' },
    h('h2', { id: 'signin-h', text: t('auth.signInTitle') }),
    err, login.el, password.el,
    h('div', { class: 'actions-bottom' }, submit),
    // getting back in without the password: a one-time code by SMS or e-mail (screens/codes.js)
    h('p', { class: 'center' },
      linkButton(t('auth.withCode'), withNext('/signin/code', ctx.query.next), { variant: 'ghost' }),
      linkButton(t('auth.forgot'), '/signin/reset', { variant: 'ghost' })),
    h('p', { class: 'center' }, linkButton(t('auth.noAccount'), withNext('/signup', ctx.query.next), { variant: 'ghost' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    err.textContent = '';
    const body = { login: login.input.value.trim(), password: password.input.value };
    let bad = false;
    if (!body.login) { login.setError(t('auth.required')); bad = true; }
    if (!body.password) { password.setError(t('auth.required')); bad = true; }
    if (bad) return;
    withLoading(submit, async () => {
      try {
        await api.post('/api/v1/auth/login', body);
        await afterAuth(ctx.query.next, '/');
      } catch (e2) {
        if (e2.code === 'invalid_credentials') {
          err.textContent = e2.detail || t('auth.invalid');
          password.input.value = '';
          err.focus();
        } else if (e2.status === 429) {
          err.textContent = e2.detail || t('auth.rateLimited');
          err.focus();
        } else {
          showErrors(e2.status ? e2 : { detail: t('error.network') }, fields, err);
        }
      }
    });
  });
  return { title: t('auth.signIn'), back: '/me', node: form };
}

export function signUp(ctx) {
  if (alreadySignedIn(ctx)) return null;
  let mode = 'email';
  const name = field({ name: 'display_name', label: t('auth.displayName'), hint: t('auth.displayNameHint'), autocomplete: 'nickname', required: true, maxlength: 40 });
  const email = field({ name: 'email', label: t('auth.email'), type: 'email', autocomplete: 'email', inputmode: 'email', required: true });
  const phone = field({ name: 'phone', label: t('auth.phone'), type: 'tel', autocomplete: 'tel-national', inputmode: 'numeric', hint: t('auth.phoneHint'), maxlength: 11 });
  phone.el.hidden = true;
  const password = field({ name: 'password', label: t('auth.password'), type: 'password', autocomplete: 'new-password', hint: t('auth.passwordHint'), required: true, minlength: 10 });
  const consent = consentCheckbox();
  const fields = { display_name: name, email, phone, password, privacy_consent: consent };
  const err = formError();
  const submit = button(t('auth.signUp'), { type: 'submit', block: true });
  const switcher = chips([
    { value: 'email', label: t('auth.useEmail') },
    { value: 'phone', label: t('auth.usePhone') },
  ], mode, (v) => {
    mode = v;
    email.el.hidden = v !== 'email';
    phone.el.hidden = v !== 'phone';
    (v === 'email' ? email : phone).input.focus();
  }, { label: t('auth.signUpWith') });

  const form = h('form', { novalidate: true, 'aria-labelledby': 'signup-h' },
    h('h2', { id: 'signup-h', text: t('auth.signUpTitle') }),
    h('p', { class: 'muted secondary', text: t('auth.signUpIntro') }),
    err, name.el,
    h('div', { class: 'field' }, h('span', { class: 'field__label', text: t('auth.signUpWith') }), switcher),
    email.el, phone.el, password.el, consent.el,
    // in the flow, not sticky: a floating button would cover the consent line and its error
    h('div', { class: 'actions-bottom actions-bottom--static' }, submit),
    h('p', { class: 'center' }, linkButton(t('auth.haveAccount'), withNext('/signin', ctx.query.next), { variant: 'ghost' })));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.values(fields).forEach((f) => f.setError(null));
    err.textContent = '';
    const body = { display_name: name.input.value.trim(), password: password.input.value, locale: getLocale(), privacy_consent: consent.checked() };
    const local = {};
    if (!body.display_name) local.display_name = [t('auth.required')];
    if (mode === 'email') {
      body.email = email.input.value.trim();
      if (!EMAIL_RE.test(body.email)) local.email = [t('auth.emailInvalid')];
    } else {
      body.phone = phone.input.value.replace(/[\s-]/g, '');
      if (!PHONE_RE.test(body.phone)) local.phone = [t('auth.phoneInvalid')];
    }
    if (body.password.length < 10) local.password = [t('auth.passwordShort')];
    if (!body.privacy_consent) local.privacy_consent = [t('privacy.required')];
    if (Object.keys(local).length) {
      showErrors({ fields: local }, fields, null);
      return;
    }
    withLoading(submit, async () => {
      try {
        await api.post('/api/v1/auth/register', body);
        await afterAuth(ctx.query.next, '/communities');
      } catch (e2) {
        showErrors(e2.status ? e2 : { detail: t('error.network') }, fields, err);
      }
    });
  });
  return { title: t('auth.signUp'), back: '/me', node: form };
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = { '/signin': signIn, '/signup': signUp };
