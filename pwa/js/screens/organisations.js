// An organisation's page (who runs it, its activities, verify for the committee) and the committee's list of
// organisations waiting to be verified. The inbox's organisation notifications open these. Loaded on demand.
import { api } from '../api.js';
import { navigate } from '../router.js';
import { currentMembership, isCommittee } from '../store.js';
import { button, card, emptyState, errorText, h, linkButton, list, listItem, pill, toast, withLoading } from '../ui.js';
import { at, prepare, span } from './aid-common.js';

function statusPill(org) {
  return pill(at(`org.status.${org.status}`), org.status === 'verified' ? 'ok' : 'warn');
}

export async function organisationScreen(ctx) {
  await prepare();
  let org;
  try {
    org = await api.get(`/api/v1/organisations/${ctx.params.oid}`, { fresh: true });
  } catch (err) {
    if (err.status !== 404) throw err;
    return { title: at('org.title'), back: '/help/activities', node: emptyState({ iconName: 'search', title: at('org.missing'), body: at('org.missingBody'),
      action: linkButton(at('org.toActivities'), '/help/activities', { variant: 'secondary' }) }) };
  }
  const activities = org.status === 'verified'
    ? await api.get(`/api/v1/communities/${org.community_id}/activities?organisation_id=${org.id}&limit=20`).catch(() => ({ items: [] }))
    : { items: [] };
  const verify = org.can.verify ? button(at('org.verify'), { block: true, id: 'org-verify', onClick: (e) => withLoading(e.currentTarget, async () => {
    try {
      await api.post(`/api/v1/organisations/${org.id}/verify`);
      toast(at('org.verifiedToast', { name: org.name }));
      navigate(location.pathname, { replace: true });
    } catch (err) {
      toast(errorText(err), { type: 'error' });
    }
  }) }) : null;
  return {
    title: at('org.title'),
    back: org.status === 'pending' && isCommittee() ? '/committee/organisations' : '/help/activities',
    node: h('div', { id: 'organisation', dataset: { status: org.status } },
      card(h('p', { class: 'row' }, statusPill(org), h('span', { class: 'muted small', text: at(`org.kind.${org.kind}`) })),
        h('h2', { class: 'card__title', 'data-user-content': '', text: org.name }),
        org.description ? h('p', { 'data-user-content': '', text: org.description }) : null,
        h('p', { class: 'muted small' }, h('span', { text: at('org.admins') }), ' ', h('span', { 'data-user-content': '', text: org.admins.map((a) => a.display_name).join('、') })),
        org.status === 'pending' ? h('p', { class: 'notice', text: at(org.can.verify ? 'org.verifyExplain' : 'org.pendingExplain') }) : null,
        verify,
        org.can.manage ? linkButton(at('org.newActivity'), `/help/organisations/${org.id}/activities/new`, { variant: 'secondary', block: true }) : null),
      org.status === 'verified' ? h('div', { class: 'section' }, h('h3', { class: 'section__title', text: at('org.activities') }),
        activities.items.length ? list(activities.items.map((a) => listItem({ href: `/help/activities/${a.id}`, iconName: 'users', title: a.title,
          meta: a.shifts && a.shifts.length ? span(a.shifts[0].starts_at, a.shifts[0].ends_at) : a.location })))
          : h('p', { class: 'muted', text: at('org.noActivities') })) : null),
  };
}

export async function pendingOrganisations() {
  await prepare();
  const m = currentMembership();
  if (!isCommittee(m)) {
    return { title: at('org.pendingTitle'), back: '/', node: emptyState({ iconName: 'users', title: at('org.committeeOnly'), action: linkButton(at('org.toActivities'), '/help/activities', { variant: 'secondary' }) }) };
  }
  const page = await api.get(`/api/v1/communities/${m.community.id}/organisations?status=pending&limit=50`, { fresh: true });
  return {
    title: at('org.pendingTitle'),
    back: '/',
    node: page.items.length
      ? h('div', {}, h('p', { class: 'muted', text: at('org.pendingIntro') }),
        list(page.items.map((o) => listItem({ href: `/help/organisations/${o.id}`, iconName: 'users', title: o.name, meta: at(`org.kind.${o.kind}`) }))))
      : emptyState({ iconName: 'check', title: at('org.noPending') }),
  };
}

export const ROUTES = {
  '/help/organisations/:oid': organisationScreen,
  '/committee/organisations': pendingOrganisations,
};
