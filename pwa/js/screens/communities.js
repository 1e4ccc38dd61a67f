// Choose a community (search), see its grids, and join it with a household address.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { sendOrQueue } from '../outbox.js';
import { navigate } from '../router.js';
import { memberships, refreshSession, setCommunityId, state } from '../store.js';
import {
  button, clear, emptyState, errorText, field, formError, h, linkButton, list, listItem, showErrors, skeleton,
  withLoading
} from '../ui.js';
import { communityName, gridText, requireUser, roleText, statusPill } from './common.js';
import { subscribeCalendarButton } from './calendar-links.js';
import { leagueLink } from './agency-links.js';

function communityMeta(c) {
  const parts = [c.district, c.street].filter(Boolean);
  if (c.grid_count !== undefined) parts.push(t('community.gridCount', { count: c.grid_count }));
  return parts.join(' · ');
}

/** A searchable list; `hrefFor(c)` decides where an item leads. Used by the home screen too. */
export function communitySearch({ hrefFor, autofocus = false }) {
  const results = h('div', { 'aria-live': 'polite' });
  const search = field({ name: 'q', label: t('community.search'), type: 'search', placeholder: t('community.searchPlaceholder'), autocomplete: 'off', enterkeyhint: 'search' });
  let timer = null;
  let seq = 0;
  const load = async () => {
    const my = ++seq;
    clear(results).append(skeleton(3));
    try {
      const q = search.input.value.trim();
      const data = await api.get(`/api/v1/communities?limit=30${q ? `&q=${encodeURIComponent(q)}` : ''}`);
      if (my !== seq) return;
      clear(results);
      if (!data.items.length) {
        results.append(emptyState({ iconName: 'search', title: t('community.none') }));
        return;
      }
      results.append(list(data.items.map((c) => listItem({ href: hrefFor(c), iconName: 'building', title: communityName(c), meta: communityMeta(c) })), { 'aria-label': t('community.listLabel') }));
    } catch (err) {
      if (my !== seq) return;
      clear(results).append(emptyState({ iconName: 'wifiOff', title: t('error.title'), body: errorText(err, t('error.network')) }));
    }
  };
  search.input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  if (autofocus) setTimeout(() => search.input.focus(), 0);
  load();
  return h('div', {}, search.el, results);
}

export function communityList(ctx) {
  const code = (ctx.query.code || '').trim();
  const hrefFor = (c) => (code ? `/join/${c.id}?code=${encodeURIComponent(code)}` : `/communities/${c.id}`);
  return {
    title: t('community.choose'),
    back: '/',
    node: h('div', {},
      code ? h('p', { class: 'notice notice--ok' }, t('join.codeReady', { code })) : h('p', { class: 'muted secondary', text: t('community.chooseIntro') }),
      communitySearch({ hrefFor })),
  };
}

export async function communityDetail(ctx) {
  const id = Number(ctx.params.id);
  const c = await api.get(`/api/v1/communities/${id}`);
  const mine = memberships().find((m) => m.community.id === id);
  const grids = (c.grids || []).map((g) => listItem({
    iconName: 'users',
    title: gridText(g),
    meta: g.responsible ? t('grid.responsible', { name: g.responsible.display_name }) : t('grid.noResponsible'),
  }));
  let action;
  if (mine) {
    action = h('div', { class: 'card' }, h('p', {}, t('community.youAre', { role: roleText(mine.role) }), ' ', statusPill(mine.status)),
      button(t('community.makeCurrent'), { variant: 'secondary', block: true, onClick: () => { setCommunityId(id); navigate('/'); } }));
  } else {
    action = linkButton(t('join.cta'), state.user ? `/join/${id}` : `/signup?next=${encodeURIComponent(`/join/${id}`)}`, { block: true });
  }
  const subscribe = await subscribeCalendarButton(id, communityName(c));
  return {
    title: communityName(c),
    back: '/communities',
    node: h('div', {},
      h('section', { class: 'card' },
        h('h2', { class: 'card__title', text: communityName(c) }),
        h('p', { class: 'muted', text: [c.district, c.street].filter(Boolean).join(' · ') }),
        c.description ? h('p', { class: 'secondary', text: c.description }) : null),
      h('div', { class: 'section' }, h('h3', { class: 'section__title', text: t('community.grids') }),
        grids.length ? list(grids) : h('p', { class: 'muted', text: t('community.noGrids') })),
      h('div', { class: 'section' }, list([listItem({ href: `/communities/${id}/responsibilities`, iconName: 'shield',
        title: t('community.responsibilities'), meta: t('community.responsibilitiesMeta') }), leagueLink(c)].filter(Boolean))),
      h('div', { class: 'section' }, subscribe),
      h('div', { class: 'actions-bottom' }, action)),
  };
}

function joinResult(c, membership) {
  const verified = membership.status === 'verified';
  return h('div', { class: 'center stack', id: 'join-result', dataset: { status: membership.status } },
    h('span', { class: `result-icon result-icon--${verified ? 'ok' : 'warn'}` }, icon(verified ? 'check' : 'clock')),
    h('h2', { text: verified ? t('join.verifiedTitle') : t('join.pendingTitle') }),
    h('p', { text: verified ? t('join.verifiedBody', { name: communityName(c) }) : t('join.pendingBody', { name: communityName(c) }) }),
    h('p', {}, statusPill(membership.status)),
    linkButton(t('join.toHome'), '/', { block: true }));
}

export async function joinCommunity(ctx) {
  if (!requireUser(ctx, { to: '/signup' })) return null;
  const id = Number(ctx.params.id);
  const c = await api.get(`/api/v1/communities/${id}`);
  const existing = memberships().find((m) => m.community.id === id);
  if (existing) {
    return {
      title: communityName(c), back: `/communities/${id}`,
      node: h('div', {}, h('p', { class: 'notice' }, t('join.alreadyMember')), joinResult(c, existing)),
    };
  }
  const building = field({ name: 'building', label: t('household.building'), required: true, inputmode: 'numeric', autocomplete: 'off', maxlength: 20 });
  const unit = field({ name: 'unit', label: t('household.unit'), required: true, inputmode: 'numeric', autocomplete: 'off', maxlength: 20 });
  const room = field({ name: 'room', label: t('household.room'), required: true, inputmode: 'numeric', autocomplete: 'off', maxlength: 20 });
  const invite = field({ name: 'invite_code', label: t('join.inviteCode'), hint: t('join.inviteHint'), value: ctx.query.code || '', autocomplete: 'off', autocapitalize: 'characters', maxlength: 40 });
  const gridError = h('p', { class: 'field__error', id: 'grid-error' });
  let gridId = null;
  const gridChoices = [{ id: null, label: t('grid.unsure'), meta: t('grid.unsureMeta') },
    ...(c.grids || []).map((g) => ({ id: g.id, label: gridText(g), meta: g.responsible ? t('grid.responsible', { name: g.responsible.display_name }) : '' }))];
  const gridGroup = h('div', { class: 'choice-grid', role: 'radiogroup', 'aria-labelledby': 'grid-label', 'aria-describedby': 'grid-error' });
  const choiceButtons = gridChoices.map((g, i) => h('button', {
    type: 'button', class: 'choice', role: 'radio', 'aria-checked': String(g.id === gridId), tabindex: i === 0 ? '0' : '-1',
    onclick: () => select(i),
    onkeydown: (e) => {
      const d = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
      if (d) { e.preventDefault(); select((i + d + gridChoices.length) % gridChoices.length, true); }
    },
  }, g.label, g.meta ? h('span', { class: 'choice__meta secondary', text: g.meta }) : null));
  function select(i, focus = false) {
    gridId = gridChoices[i].id;
    choiceButtons.forEach((b, j) => { b.setAttribute('aria-checked', String(j === i)); b.tabIndex = j === i ? 0 : -1; });
    if (focus) choiceButtons[i].focus();
  }
  gridGroup.append(...choiceButtons);
  const fields = { building, unit, room, invite_code: invite, grid_id: { setError: (m) => { gridError.textContent = m || ''; }, input: choiceButtons[0] } };
  const err = formError();
  const submit = button(t('join.submit'), { type: 'submit', block: true });
  const container = h('div', {});
  const form = h('form', { novalidate: true, 'aria-labelledby': 'join-h' },
    h('h2', { id: 'join-h', text: t('join.title', { name: communityName(c) }) }),
    h('p', { class: 'muted secondary', text: t('join.intro') }),
    err,
    h('fieldset', { class: 'fieldset-plain' }, h('legend', { class: 'field__label', text: t('household.title') }),
      h('div', { class: 'fields-row' }, building.el, unit.el, room.el)),
    h('div', { class: 'field' }, h('span', { class: 'field__label', id: 'grid-label', text: t('grid.choose') }), gridGroup, gridError),
    invite.el,
    h('div', { class: 'actions-bottom' }, submit));
  container.append(form);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { building: building.input.value.trim(), unit: unit.input.value.trim(), room: room.input.value.trim() };
    const local = {};
    for (const k of ['building', 'unit', 'room']) if (!body[k]) local[k] = [t('auth.required')];
    if (Object.keys(local).length) { showErrors({ fields: local }, fields, null); return; }
    if (gridId) body.grid_id = gridId;
    const code = invite.input.value.trim();
    if (code) body.invite_code = code;
    withLoading(submit, async () => {
      try {
        const res = await sendOrQueue({ method: 'POST', url: `/api/v1/communities/${id}/join`, body, label: t('join.outboxLabel', { name: communityName(c) }) });
        if (res.queued) {
          clear(container).append(emptyState({ iconName: 'outbox', title: t('outbox.queuedTitle'), body: t('outbox.queuedBody'), action: linkButton(t('join.toHome'), '/', { variant: 'secondary' }) }));
          return;
        }
        setCommunityId(id);
        await refreshSession();
        clear(container).append(joinResult(c, res.data));
        container.querySelector('h2').setAttribute('tabindex', '-1');
        container.querySelector('h2').focus();
      } catch (e2) {
        if (String(e2.code || '').startsWith('community.invite_') && !Object.keys(e2.fields || {}).length) {
          e2.fields = { invite_code: [e2.detail || t('join.inviteBad')] };
        }
        showErrors(e2.status ? e2 : { detail: t('error.network') }, fields, err);
      }
    });
  });
  return { title: t('join.cta'), back: `/communities/${id}`, node: container };
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = {
  '/communities': communityList,
  '/join': communityList,
  '/communities/:id': communityDetail,
  '/communities/:id/join': joinCommunity,
  '/join/:id': joinCommunity,
};
