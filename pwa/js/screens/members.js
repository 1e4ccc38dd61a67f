// Committee: residents waiting for verification in the current community.
import { api } from '../api.js';
import { formatDateTime, t } from '../i18n.js';
import { currentMembership, isCommittee } from '../store.js';
import { button, clear, emptyState, errorText, h, linkButton, toast, withLoading } from '../ui.js';
import { communityName, contactText, gridText, householdText, requireUser } from './common.js';

export default async function pendingMembers(ctx) {
  if (!requireUser(ctx)) return null;
  const m = currentMembership();
  if (!isCommittee(m)) {
    return { title: t('members.title'), back: '/', node: emptyState({ iconName: 'users', title: t('members.onlyCommittee'), action: linkButton(t('soon.home'), '/', { variant: 'secondary' }) }) };
  }
  const cid = m.community.id;
  const data = await api.get(`/api/v1/communities/${cid}/members?status=pending&limit=100`, { fresh: true });
  const wrap = h('div', { id: 'pending-list' });
  const showEmpty = () => clear(wrap).append(emptyState({ iconName: 'check', title: t('members.none'), body: t('members.noneBody') }));
  if (!data.items.length) showEmpty();
  for (const item of data.items) {
    const u = item.user;
    const verify = button(t('members.verify'), { block: true, 'aria-label': t('members.verifyWho', { name: u.display_name }) });
    const cardEl = h('section', { class: 'card', dataset: { userId: u.id } },
      h('h2', { class: 'card__title', text: u.display_name }),
      // The server warns when this name looks like a committee member's (issue 15): read before verifying.
      item.imitates ? h('p', { class: 'form-error', role: 'note', text: t('members.imitates', { name: item.imitates }) }) : null,
      h('dl', { class: 'kv' },
        h('dt', { text: t('household.title') }), h('dd', { text: householdText(item.household) || t('members.noHousehold') }),
        h('dt', { text: t('home.grid') }), h('dd', { text: gridText(item.grid) }),
        contactText(u) ? [h('dt', { class: 'secondary', text: t('members.contact') }), h('dd', { class: 'secondary', text: contactText(u) })] : null,
        item.joined_at ? [h('dt', { class: 'secondary', text: t('members.joinedAt') }), h('dd', { class: 'secondary', text: formatDateTime(item.joined_at) })] : null),
      h('div', { class: 'sheet__actions' }, verify));
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
