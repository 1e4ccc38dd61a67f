// Getting back in with a one-time code (POST /auth/codes): sign in without the password (/signin/code), or set a new
// one (/signin/reset). Two steps on one screen: the phone or e-mail, then the code (and the new password). The
// server answers alike whether or not an account exists, so the screen says "if an account uses it, a code is on
// its way" and never "no such account". Loaded on demand (LAZY_SCREENS in app.js).
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { applyPrefs } from '../prefs.js';
import { navigate } from '../router.js';
import { refreshSession, state } from '../store.js';
import { button, field, formError, h, linkButton, showErrors, withLoading } from '../ui.js';
import { safeNext } from './common.js';

const tr = bundle('codes');
const PHONE_RE = /^(\+?86)?1[3-9]\d{9}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CODE_RE = /^\d{6}$/;

function cleanLogin(value) {
  const typed = value.trim();
  return typed.includes('@') ? typed : typed.replace(/[\s-]/g, '');
}

/** The first step: where to send the code. `onSent(login, answer)` opens the second. */
function askStep(purpose, onSent) {
  const login = field({ name: 'login', label: tr('codes.login'), hint: tr('codes.loginHint'), autocomplete: 'username', required: true });
  const err = formError();
  const submit = button(tr('codes.send'), { type: 'submit', block: true });
  const form = h('form', { novalidate: true, class: 'stack-form' },
    h('p', { class: 'muted secondary', text: tr(purpose === 'sign_in' ? 'codes.signInIntro' : 'codes.resetIntro') }),
    err, login.el, h('div', { class: 'actions-bottom actions-bottom--static' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    err.textContent = '';
    const value = cleanLogin(login.input.value);
    if (!PHONE_RE.test(value) && !EMAIL_RE.test(value)) { login.setError(tr('codes.loginInvalid')); return; }
    withLoading(submit, async () => {
      try {
        onSent(value, await api.post('/api/v1/auth/codes', { login: value, purpose }));
      } catch (e2) {
        if (e2.status === 429) { err.textContent = tr('codes.tooMany'); err.focus(); return; }
        showErrors(e2.status ? e2 : { detail: tr('error.network') }, { login }, err);
      }
    });
  });
  return form;
}

/** The second step: the code (and for a reset the new password). */
function codeStep(purpose, login, answer, next, restart) {
  const where = answer.channel === 'email' ? tr('codes.sentEmail', { login }) : tr('codes.sentSms', { login });
  const code = field({ name: 'code', label: tr('codes.code'), hint: tr('codes.codeHint', { minutes: Math.round(answer.expires_in_seconds / 60) }),
    autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, required: true });
  const password = purpose === 'reset_password'
    ? field({ name: 'new_password', label: tr('codes.newPassword'), type: 'password', autocomplete: 'new-password', hint: tr('auth.passwordHint'), required: true, minlength: 10 })
    : null;
  const fields = password ? { code, new_password: password } : { code };
  const err = formError();
  const submit = button(tr(purpose === 'sign_in' ? 'codes.signIn' : 'codes.setPassword'), { type: 'submit', block: true });
  const again = button(tr('codes.again'), { variant: 'ghost', onClick: restart });
  const form = h('form', { novalidate: true, class: 'stack-form' },
    h('p', { class: 'card', role: 'status', text: where }),
    err, code.el, password ? password.el : null,
    h('div', { class: 'actions-bottom actions-bottom--static' }, submit),
    h('p', { class: 'center' }, again));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    err.textContent = '';
    const typed = code.input.value.replace(/\s/g, '');
    let bad = false;
    if (!CODE_RE.test(typed)) { code.setError(tr('codes.codeInvalid')); bad = true; }
    if (password && password.input.value.length < 10) { password.setError(tr('auth.passwordShort')); bad = true; }
    if (bad) return;
    withLoading(submit, async () => {
      try {
        if (purpose === 'sign_in') await api.post('/api/v1/auth/login', { login, code: typed });
        else await api.post('/api/v1/auth/password-reset', { login, code: typed, new_password: password.input.value });
        const user = await refreshSession({ clearCache: true });
        await applyPrefs(user);
        navigate(safeNext(next, '/'), { replace: true });
      } catch (e2) {
        if (e2.code === 'account.invalid_code') {
          code.input.value = '';
          code.setError(e2.detail || tr('codes.wrong'));
          code.input.focus();
        } else if (e2.status === 429) {
          err.textContent = tr('codes.tooMany');
          err.focus();
        } else {
          showErrors(e2.status ? e2 : { detail: tr('error.network') }, fields, err);
        }
      }
    });
  });
  queueMicrotask(() => code.input.focus());
  return form;
}

function codeScreen(purpose) {
  return async (ctx) => {
    await tr.ready();
    if (state.user && purpose === 'sign_in') {
      navigate(safeNext(ctx.query.next), { replace: true });
      return null;
    }
    const titleKey = purpose === 'sign_in' ? 'codes.signInTitle' : 'codes.resetTitle';
    const body = h('div');
    const node = h('section', { 'aria-labelledby': 'code-h' },
      h('h2', { id: 'code-h', text: tr(titleKey) }), body,
      h('p', { class: 'center' }, linkButton(tr('codes.backToPassword'), '/signin', { variant: 'ghost' })));
    const start = () => {
      body.replaceChildren(askStep(purpose, (login, answer) => body.replaceChildren(codeStep(purpose, login, answer, ctx.query.next, start))));
    };
    start();
    return { title: tr(titleKey), back: '/signin', node };
  };
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = { '/signin/code': codeScreen('sign_in'), '/signin/reset': codeScreen('reset_password') };
