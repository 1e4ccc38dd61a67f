// Notices (公告): the list (pinned first, urgent marked, unread marked), a notice (opening it leaves a
// read receipt; the committee sees how many read it), and the committee's publishing form.
import { api } from '../api.js';
import { bundle, formatDateTime } from '../i18n.js';
import { navigate, routeTable } from '../router.js';
import { currentMembership, isCommittee, state } from '../store.js';
import { button, card, clear, emptyState, field, formError, h, linkButton, list, pill, showErrors, skeleton, toast, withLoading } from '../ui.js';
import { flagButton } from './moderation-links.js';
import { posterLink } from './notice-poster.js';
import { ready } from './reports.js';

const tr = bundle('reports');

function badges(n) {
  return h('span', { class: 'rp-pills' },
    n.pinned ? pill(tr('nt.pinned')) : null,
    n.urgent ? pill(tr('nt.urgent'), 'danger') : null,
    n.is_scheduled ? pill(tr('nt.scheduled'), 'warn') : null,
    !n.is_read && !isCommittee() ? pill(tr('nt.unread'), 'ok') : null);
}

function noticeItem(n) {
  const meta = [formatDateTime(n.publish_at), n.read_count !== null && n.read_count !== undefined ? tr('nt.readCount', { n: n.read_count }) : null].filter(Boolean).join(' · ');
  return h('li', {}, h('a', { class: `list-item nt-item${n.urgent ? ' nt-item--urgent' : ''}`, href: `/notices/${n.id}` },
    h('span', { class: 'list-item__body' },
      h('span', { class: 'list-item__title', text: n.title }),
      h('span', { class: 'list-item__meta', text: meta }),
      badges(n))));
}

function memberOnly() {
  if (!state.user || !currentMembership()) return { title: tr('nt.title'), node: emptyState({ iconName: 'building', title: tr('nt.membersOnly'), action: linkButton(tr('community.choose'), '/communities', { variant: 'secondary' }) }) };
  return null;
}

export async function noticeList() {
  await ready();
  const blocked = memberOnly();
  if (blocked) return blocked;
  const cid = currentMembership().community.id;
  const wrap = h('div', {}, skeleton(3));
  const data = await api.get(`/api/v1/communities/${cid}/notices?limit=50`, { fresh: true });
  clear(wrap).append(data.items.length ? list(data.items.map(noticeItem), { class: 'list', id: 'notice-list' }) : emptyState({ iconName: 'check', title: tr('nt.empty') }));
  const publish = isCommittee() ? linkButton(tr('nt.new'), '/notices/new', { block: true, iconName: 'plus' }) : null;
  return { title: tr('nt.title'), back: '/', node: h('div', { class: 'stack' }, publish, wrap) };
}

export async function noticeDetail(ctx) {
  await ready();
  const n = await api.get(`/api/v1/notices/${ctx.params.id}`, { fresh: true });
  // The committee prints any notice for the lobby's board (not one held for review: the server refuses it).
  const poster = isCommittee() && !n.is_hidden ? await posterLink(n.id) : null;
  return {
    title: tr('nt.title'),
    back: '/notices',
    node: card(
      badges({ ...n, is_read: true }),
      h('h2', { class: 'card__title', text: n.title }),
      h('p', { class: 'muted small', text: [n.author && n.author.display_name, formatDateTime(n.publish_at), n.grid_ids.length ? tr('nt.grids') : tr('nt.wholeCommunity')].filter(Boolean).join(' · ') }),
      h('div', { class: 'nt-body', text: n.body }),
      flagButton('notice', n.id, { authorId: n.author && n.author.id, hidden: n.is_hidden }),
      n.read_count !== null && n.read_count !== undefined ? h('p', { class: 'notice notice--ok', id: 'nt-read-count', text: tr('nt.readCount', { n: n.read_count }) }) : null,
      poster),
  };
}

export async function newNotice() {
  await ready();
  const m = currentMembership();
  if (!isCommittee(m)) return { title: tr('nt.new'), back: '/notices', node: emptyState({ iconName: 'users', title: tr('nt.onlyCommittee') }) };
  const cid = m.community.id;
  const community = await api.get(`/api/v1/communities/${cid}`).catch(() => ({ grids: [] }));
  const fields = {
    title: field({ name: 'title', label: tr('nt.titleField'), required: true, maxlength: 120 }),
    body: field({ name: 'body', label: tr('nt.body'), multiline: true, required: true, maxlength: 5000 }),
    publish_at: field({ name: 'publish_at', label: tr('nt.publishAt'), type: 'datetime-local' }),
  };
  const check = (name, label) => {
    const input = h('input', { type: 'checkbox', class: 'switch', id: `nt-${name}`, name });
    return { input, el: h('div', { class: 'switch-row' }, h('label', { for: `nt-${name}`, text: label }), input) };
  };
  const pinned = check('pinned', tr('nt.pinnedField'));
  const urgent = check('urgent', tr('nt.urgentField'));
  const grids = (community.grids || []).map((g) => check(`grid-${g.id}`, g.name));
  const error = formError();
  const submit = button(tr('nt.publish'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack', novalidate: true, id: 'notice-form' },
    fields.title.el, fields.body.el, pinned.el, urgent.el,
    grids.length ? h('fieldset', { class: 'rp-fieldset' }, h('legend', { class: 'field__label', text: tr('nt.grids') }),
      h('p', { class: 'field__hint', text: tr('nt.gridsHint') }), grids.map((g) => g.el)) : null,
    fields.publish_at.el, error, h('div', { class: 'actions-bottom' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = (community.grids || []).filter((g, i) => grids[i].input.checked).map((g) => g.id);
    const when = fields.publish_at.input.value;
    const body = { title: fields.title.input.value.trim(), body: fields.body.input.value.trim(), pinned: pinned.input.checked, urgent: urgent.input.checked, grid_ids: chosen, publish_at: when ? new Date(when).toISOString() : null };
    withLoading(submit, async () => {
      try {
        const notice = await api.post(`/api/v1/communities/${cid}/notices`, body);
        toast(tr('nt.published'));
        navigate(`/notices/${notice.id}`);
      } catch (err) {
        showErrors(err, fields, error);
      }
    });
  });
  return { title: tr('nt.new'), back: '/notices', node: form };
}

/** Register the notice screens with the router (called by the shell's app.js). */
export function registerNoticeScreens(route) {
  route('/notices', noticeList);
  route('/notices/new', newNotice);
  route('/notices/:id', noticeDetail);
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = routeTable(registerNoticeScreens);
