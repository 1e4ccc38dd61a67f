// Committee: residents waiting for verification in the current community.
import { api } from '../api.js';
import { formatDateTime, t } from '../i18n.js';
import { currentMembership, isCommittee } from '../store.js';
import { button, clear, emptyState, errorText, field, h, linkButton, showErrors, toast, withLoading } from '../ui.js';
import { communityName, contactText, gridText, householdText, requireUser } from './common.js';

export default async function pendingMembers(ctx) {
  if (!requireUser(ctx)) return null;
  const m = currentMembership();
  if (!isCommittee(m)) {
    return { title: t('members.title'), back: '/', node: emptyState({ iconName: 'users', title: t('members.onlyCommittee'), action: linkButton(t('soon.home'), '/', { variant: 'secondary' }) }) };
  }
  const cid = m.community.id;
  // Both states wait for the committee: pending (joined alone) and invited (known to a neighbour, not verified).
  const [pending, invited] = await Promise.all(['pending', 'invited'].map((status) => api.get(`/api/v1/communities/${cid}/members?status=${status}&limit=100`, { fresh: true })));
  const data = { items: [...invited.items, ...pending.items] };
  const wrap = h('div', { id: 'pending-list' });
  const showEmpty = () => clear(wrap).append(emptyState({ iconName: 'check', title: t('members.none'), body: t('members.noneBody') }));
  if (!data.items.length) showEmpty();
  for (const item of data.items) {
    const u = item.user;
    const verify = button(t('members.verify'), { block: true, 'aria-label': t('members.verifyWho', { name: u.display_name }) });
    const reject = button(t('members.reject'), { variant: 'secondary', block: true, 'aria-label': t('members.rejectWho', { name: u.display_name }) });
    const rejectSlot = h('div', {});
    const cardEl = h('section', { class: 'card', dataset: { userId: u.id } },
      h('h2', { class: 'card__title', text: u.display_name }),
      h('p', { class: 'small muted', text: t(`members.state.${item.status}`) }),
      // A claim on a flat where verified residents live: ask them before verifying (issue 15).
      item.household_residents ? h('p', { class: 'form-error', role: 'note', text: t('members.householdTaken', { count: item.household_residents }) }) : null,
      // The server warns when this name looks like a committee member's (issue 15): read before verifying.
      item.imitates ? h('p', { class: 'form-error', role: 'note', text: t('members.imitates', { name: item.imitates }) }) : null,
      h('dl', { class: 'kv' },
        h('dt', { text: t('household.title') }), h('dd', { text: householdText(item.household) || t('members.noHousehold') }),
        h('dt', { text: t('home.grid') }), h('dd', { text: gridText(item.grid) }),
        contactText(u) ? [h('dt', { class: 'secondary', text: t('members.contact') }), h('dd', { class: 'secondary', text: contactText(u) })] : null,
        item.joined_at ? [h('dt', { class: 'secondary', text: t('members.joinedAt') }), h('dd', { class: 'secondary', text: formatDateTime(item.joined_at) })] : null,
        item.invite_chain && item.invite_chain.length ? [h('dt', { class: 'secondary', text: t('members.invitedBy') }), h('dd', { class: 'secondary', text: item.invite_chain.map((p) => p.display_name).join(' ← ') })] : null),
      h('div', { class: 'sheet__actions' }, verify, reject), rejectSlot);
    reject.addEventListener('click', () => { reject.hidden = true; rejectSlot.append(rejectForm(cid, u, () => { cardEl.remove(); if (!wrap.querySelector('.card')) showEmpty(); })); rejectSlot.querySelector('textarea').focus(); });
    verify.addEventListener('click', () => withLoading(verify, async () => {
      try {
        await api.post(`/api/v1/communities/${cid}/members/${u.id}/verify`);
        cardEl.remove();
        toast(t('members.verified', { name: u.display_name }));
        if (!wrap.querySelector('.card')) showEmpty();
      } catch (err) {
        toast(errorText(err, t('error.network')), { type: 'error' });
      }
    }));
    wrap.append(cardEl);
  }
  return {
    title: t('members.title'),
    back: '/',
    node: h('div', {}, h('p', { class: 'muted secondary', text: t('members.intro', { name: communityName(m.community) }) }), wrap),
  };
}

// The reason is sent to the person (their inbox): they may apply again with the right flat.
function rejectForm(cid, u, done) {
  const reason = field({ name: 'reason', label: t('members.rejectReason'), hint: t('members.rejectHint'), multiline: true, required: true, maxlength: 500 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(t('members.rejectSend'), { type: 'submit', block: true });
  const form = h('form', { class: 'members-reject-form', novalidate: true }, reason.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = reason.input.value.trim();
    if (!value) { reason.setError(t('members.rejectRequired')); reason.input.focus(); return; }
    withLoading(send, async () => {
      try {
        await api.post(`/api/v1/communities/${cid}/members/${u.id}/reject`, { reason: value });
        toast(t('members.rejected', { name: u.display_name }));
        done();
      } catch (err) {
        showErrors(err, { reason }, error);
      }
    });
  });
  return form;
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = { '/committee/members': pendingMembers };
