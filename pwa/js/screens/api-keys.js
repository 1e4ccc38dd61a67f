// Platform admin: API keys of outside systems (Open311 clients, the city's platforms). A new key is shown
// once, on this screen, and then only its first characters: the server keeps a hash. Loaded on demand.
import { api } from '../api.js';
import { bundle, formatDateTime } from '../i18n.js';
import { navigate } from '../router.js';
import { state } from '../store.js';
import {
  button, card, confirmSheet, copyText, emptyState, errorText, field, formError, h, linkButton, pill, showErrors, toast,
  useStylesheet, withLoading
} from '../ui.js';

const tr = bundle('api-keys');
// The key just issued, shown by the next render of the list only (never stored anywhere else).
let justIssued = null;

function keyRow(key) {
  const revoke = async () => {
    if (!(await confirmSheet({ title: tr('keys.revokeConfirm', { name: key.name }), body: tr('keys.revokeBody'),
      confirmLabel: tr('keys.revoke'), danger: true }))) return;
    try {
      await api.post(`/api/v1/api-keys/${key.id}/revoke`, {});
      toast(tr('keys.revoked', { name: key.name }));
      navigate('/admin/api-keys', { replace: true });
    } catch (err) {
      toast(errorText(err));
    }
  };
  const used = key.last_used_at
    ? tr('keys.used', { when: formatDateTime(key.last_used_at), n: key.requests_posted })
    : tr('keys.neverUsed');
  return h('li', { class: 'list-item api-key', dataset: { keyId: key.id } },
    h('span', { class: 'list-item__body' },
      h('span', { class: 'list-item__title' }, h('span', { 'data-user-content': '', text: key.name }), ' ',
        key.revoked_at ? pill(tr('keys.isRevoked'), 'danger') : pill(tr('keys.isActive'), 'ok')),
      h('span', { class: 'list-item__meta' }, h('code', { class: 'api-key__prefix', 'data-user-content': '', text: `${key.prefix}…` })),
      h('span', { class: 'list-item__meta secondary', text: tr('keys.issued', { when: formatDateTime(key.created_at) }) }),
      h('span', { class: 'list-item__meta secondary',
        text: key.revoked_at ? tr('keys.revokedAt', { when: formatDateTime(key.revoked_at) }) : used })),
    key.revoked_at ? null : button(tr('keys.revoke'), { variant: 'ghost', small: true, onClick: revoke }));
}

/** The one time a key is visible: copy it now, it cannot be shown again. */
function issuedCard(issued) {
  const copy = button(tr('issued.copy'), { variant: 'secondary', block: true, iconName: 'copy', onClick: async () => {
    toast(tr((await copyText(issued.key)) ? 'issued.copied' : 'issued.copyFailed'));
  } });
  return h('section', { class: 'card api-key-issued', role: 'status' },
    h('h2', { class: 'card__title', 'data-user-content': '', text: tr('issued.title', { name: issued.name }) }),
    h('p', { class: 'api-key-issued__warn', text: tr('issued.once') }),
    h('code', { class: 'api-key-issued__key', 'data-user-content': '', text: issued.key }),
    copy,
    h('p', { class: 'muted small', text: tr('issued.use') }));
}

function issueForm() {
  const name = field({ name: 'name', label: tr('form.name'), hint: tr('form.nameHint'), required: true, maxlength: 80 });
  const error = formError();
  const submit = button(tr('form.issue'), { type: 'submit', block: true, iconName: 'plus' });
  const form = h('form', { class: 'form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      try {
        justIssued = await api.post('/api/v1/api-keys', { name: name.input.value.trim() });
        navigate('/admin/api-keys', { replace: true });
      } catch (err) {
        showErrors(err, { name }, error);
      }
    });
  } }, name.el, error, submit);
  return h('div', { class: 'section' }, h('h2', { class: 'section__title', text: tr('form.title') }), card(form));
}

export async function apiKeys() {
  useStylesheet('/css/admin.css');
  await tr.ready();
  const title = tr('keys.title');
  if (!state.user || !state.user.is_platform_admin) {
    return { title, back: '/', node: emptyState({ iconName: 'shield', title: tr('keys.only'), body: tr('keys.onlyBody'),
      action: linkButton(tr('keys.home'), '/', { variant: 'secondary' }) }) };
  }
  const keys = await api.get('/api/v1/api-keys', { fresh: true });
  const issued = justIssued;
  justIssued = null;
  return {
    title,
    back: '/admin',
    node: h('div', { class: 'admin api-keys' },
      issued ? issuedCard(issued) : null,
      h('p', { class: 'muted', text: tr('keys.intro') }),
      keys.length
        ? h('ul', { class: 'list' }, keys.map(keyRow))
        : emptyState({ iconName: 'shield', title: tr('keys.none'), body: tr('keys.noneBody') }),
      issueForm()),
  };
}

export const ROUTES = { '/admin/api-keys': apiKeys };
