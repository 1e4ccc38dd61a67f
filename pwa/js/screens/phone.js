// Adding or changing one's phone number from the settings (/me/phone): the number, then the six-digit code sent to
// it by SMS (POST /me/phone, POST /me/phone/verify). The number becomes the person's, verified, only when the code
// comes back: then they may sign in with it, and urgent notices reach it by SMS. Loaded on demand (LAZY_SCREENS).
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { navigate } from '../router.js';
import { setUser, state } from '../store.js';
import { button, card, field, formError, h, pill, showErrors, toast, withLoading } from '../ui.js';
import { requireUser } from './common.js';

const tr = bundle('phone');
const PHONE_RE = /^(\+?86)?1[3-9]\d{9}$/;
const CODE_RE = /^\d{6}$/;

/** "+8613812345678" → "138 1234 5678": the number as a person reads it back. */
export function readableNumber(e164) {
  const m = /^\+86(\d{3})(\d{4})(\d{4})$/.exec(e164 || '');
  return m ? `${m[1]} ${m[2]} ${m[3]}` : (e164 || '');
}

function currentState(user) {
  if (!user.phone) return h('p', { class: 'muted', id: 'phone-state', text: tr('ph.none') });
  return h('p', { id: 'phone-state' },
    h('span', { class: 'phone-number', text: readableNumber(user.phone) }), ' · ',
    user.phone_verified_at ? pill(tr('ph.verified'), 'ok') : pill(tr('ph.unverified'), 'warn'));
}

/** Step one: the number to send a code to. */
function askStep(user, onSent) {
  const unverified = user.phone && !user.phone_verified_at ? user.phone.replace(/^\+86/, '') : '';
  const phone = field({ name: 'phone', label: tr('ph.number'), hint: tr('ph.numberHint'), type: 'tel', inputmode: 'tel', autocomplete: 'tel-national', value: unverified, required: true, maxlength: 20 });
  const err = formError();
  const send = button(tr('ph.send'), { type: 'submit', block: true });
  const form = h('form', { novalidate: true, class: 'stack-form' }, err, phone.el, send);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    err.textContent = '';
    const typed = phone.input.value.trim().replace(/[\s-]/g, '');
    if (!PHONE_RE.test(typed)) { phone.setError(tr('ph.numberInvalid')); phone.input.focus(); return; }
    withLoading(send, async () => {
      try {
        onSent(typed, await api.post('/api/v1/me/phone', { phone: typed }));
      } catch (e2) {
        if (e2.status === 429) { err.textContent = tr('ph.tooMany'); return; }
        if (e2.code === 'account.phone_taken' || e2.code === 'account.phone_already_verified') { phone.setError(e2.detail); phone.input.focus(); return; }
        showErrors(e2, { phone }, err);
      }
    });
  });
  return form;
}

/** Step two: the code the SMS brought. */
function codeStep(number, answer, restart) {
  const code = field({ name: 'code', label: tr('ph.code'), hint: tr('ph.codeHint', { minutes: Math.round(answer.expires_in_seconds / 60) }),
    autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, required: true });
  const err = formError();
  const verify = button(tr('ph.verify'), { type: 'submit', block: true });
  const again = button(tr('ph.again'), { variant: 'ghost', onClick: restart });
  const form = h('form', { novalidate: true, class: 'stack-form' },
    h('p', { class: 'notice', role: 'status', text: tr('ph.sent', { number: readableNumber(`+86${number.replace(/^\+?86/, '')}`) }) }),
    err, code.el, verify, h('p', { class: 'center' }, again));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    err.textContent = '';
    const typed = code.input.value.replace(/\s/g, '');
    if (!CODE_RE.test(typed)) { code.setError(tr('ph.codeInvalid')); code.input.focus(); return; }
    withLoading(verify, async () => {
      try {
        const me = await api.post('/api/v1/me/phone/verify', { phone: number, code: typed });
        setUser({ ...state.user, ...me });
        toast(tr('ph.done'));
        navigate('/me', { replace: true });
      } catch (e2) {
        if (e2.code === 'account.phone_code_invalid') {
          code.input.value = '';
          code.setError(e2.detail || tr('ph.wrong'));
          code.input.focus();
        } else if (e2.status === 429) {
          err.textContent = tr('ph.tooMany');
        } else {
          showErrors(e2, { code }, err);
        }
      }
    });
  });
  queueMicrotask(() => code.input.focus());
  return form;
}

async function phoneScreen(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const user = state.user;
  const steps = h('div');
  const start = () => steps.replaceChildren(askStep(user, (number, answer) => steps.replaceChildren(codeStep(number, answer, start))));
  start();
  const verified = user.phone && user.phone_verified_at;
  const node = h('div', {},
    card(h('h2', { class: 'card__title', text: tr('ph.current') }), currentState(user),
      h('p', { class: 'small muted', text: tr('ph.why') })),
    card(h('h2', { class: 'card__title', text: tr(verified ? 'ph.change' : user.phone ? 'ph.verifyTitle' : 'ph.add') }), steps));
  return { title: tr('ph.title'), back: '/me', node };
}

export const ROUTES = { '/me/phone': phoneScreen };
