// The care register (关爱对象): the committee's list with coverage per grid, or a grid worker's or volunteer's own
// assignments; a record with its visits and the visit form; a need found turned into an aid request or a report
// in one step. Emotional support (社区心理服务): ask for a conversation; counsellors see and take requests.
import { api } from '../api.js';
import { bundle, formatDateTime } from '../i18n.js';
import { navigate } from '../router.js';
import { currentMembership, isCommittee, state } from '../store.js';
import { button, card, clear, emptyState, errorText, field, h, linkButton, list, listItem, pill, showErrors, toast, withLoading } from '../ui.js';
import { requireUser } from './common.js';

const tr = bundle('care');
const OUTCOMES = ['well', 'needs_found', 'not_home', 'other'];

async function careList(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const m = currentMembership();
  if (!m) return { title: tr('care.title'), back: '/', node: emptyState({ iconName: 'users', title: tr('care.noCommunity') }) };
  const cid = m.community.id;
  const committee = isCommittee(m);
  const page = await api.get(`/api/v1/communities/${cid}/care-records?limit=50`, { fresh: true });
  const items = page.items.map((r) => listItem({
    href: `/care/${r.id}`,
    iconName: 'user',
    title: r.resident_name,
    meta: `${r.address} · ${tr(`care.cat.${r.category}`)} · ${tr('care.nextDue', { when: formatDateTime(r.next_visit_due_at) })}`,
    trailing: r.is_overdue ? pill(tr('care.overdue'), 'warn') : pill(tr('care.onTime'), 'ok'),
  }));
  const coverage = committee ? await coverageCard(cid) : null;
  return {
    title: tr('care.title'),
    back: '/',
    node: h('div', {},
      h('p', { class: 'muted secondary', text: committee ? tr('care.introCommittee') : tr('care.introAssignee') }),
      coverage,
      items.length ? list(items) : emptyState({ iconName: 'users', title: tr('care.empty'), body: committee ? tr('care.emptyCommittee') : '' }),
      committee ? linkButton(tr('care.fromRegister'), '/committee/register', { variant: 'secondary', block: true }) : null),
  };
}

async function coverageCard(cid) {
  const rows = await api.get(`/api/v1/communities/${cid}/care-coverage`, { fresh: true });
  if (!rows.some((r) => r.people)) return null;
  return card(h('h2', { class: 'card__title', text: tr('care.coverage') }),
    h('table', { class: 'table care-coverage' },
      h('thead', {}, h('tr', {}, ['grid', 'people', 'assigned', 'visited', 'overdue'].map((k) => h('th', { scope: 'col', text: tr(`care.cov.${k}`) })))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        h('th', { scope: 'row', text: r.grid_name || tr('care.noGrid') }),
        ...[r.people, r.assigned, r.visited_on_time, r.overdue].map((n) => h('td', { text: String(n) })))))));
}

async function carePage(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const r = await api.get(`/api/v1/care-records/${ctx.params.id}`, { fresh: true });
  const visits = h('div', { id: 'care-visits' });
  const renderVisits = (list) => {
    clear(visits);
    if (!list.length) visits.append(h('p', { class: 'muted', text: tr('care.noVisits') }));
    for (const v of list) visits.append(visitCard(v));
  };
  renderVisits(r.visits);
  return {
    title: r.resident_name,
    back: '/care',
    node: h('div', {},
      card(h('dl', { class: 'kv' },
        h('dt', { text: tr('care.address') }), h('dd', { text: r.address }),
        h('dt', { text: tr('care.category') }), h('dd', { text: tr(`care.cat.${r.category}`) }),
        h('dt', { text: tr('care.plan') }), h('dd', { text: tr('care.every', { n: r.visit_every_days }) }),
        h('dt', { text: tr('care.next') }), h('dd', {}, r.is_overdue ? pill(tr('care.overdue'), 'warn') : null, ' ', formatDateTime(r.next_visit_due_at)),
        r.note ? [h('dt', { text: tr('care.note') }), h('dd', { text: r.note })] : null),
      h('p', { class: 'small muted', text: tr('care.audited') })),
      r.can.visit ? visitForm(r, async () => renderVisits((await api.get(`/api/v1/care-records/${r.id}`, { fresh: true })).visits)) : null,
      h('h2', { class: 'section-title', text: tr('care.visits') }), visits),
  };
}

function visitCard(v) {
  const body = card(
    h('p', {}, pill(tr(`care.outcome.${v.outcome}`), v.outcome === 'well' ? 'ok' : 'warn'), ' ', h('span', { class: 'muted', text: formatDateTime(v.visited_at) })),
    v.notes ? h('p', { text: v.notes }) : null,
    v.needs ? h('p', {}, h('strong', { text: `${tr('care.needs')}${tr('care.sep')}` }), v.needs) : null,
    v.follow_up_kind ? h('p', { class: 'small' }, linkButton(tr(`care.followedUp.${v.follow_up_kind}`), v.follow_up_kind === 'aid' ? `/help/aid/${v.follow_up_id}` : `/reports/${v.follow_up_id}`, { variant: 'secondary' })) : null);
  if (v.outcome === 'needs_found' && !v.follow_up_kind) {
    const open = button(tr('care.followUp'), { variant: 'secondary', block: true });
    open.addEventListener('click', () => { open.replaceWith(followUpForm(v)); });
    body.append(open);
  }
  return body;
}

function visitForm(r, refresh) {
  const outcome = field({ name: 'outcome', label: tr('care.outcome'), options: OUTCOMES.map((o) => ({ value: o, label: tr(`care.outcome.${o}`) })) });
  const notes = field({ name: 'notes', label: tr('care.notes'), multiline: true, maxlength: 1000 });
  const needs = field({ name: 'needs', label: tr('care.needs'), hint: tr('care.needsHint'), maxlength: 500 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(tr('care.log'), { type: 'submit', block: true });
  const form = h('form', { class: 'card care-visit-form', novalidate: true }, h('h2', { class: 'card__title', text: tr('care.logTitle') }), outcome.el, notes.el, needs.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withLoading(send, async () => {
      try {
        await api.post(`/api/v1/care-records/${r.id}/visits`, { outcome: outcome.input.value, notes: notes.input.value.trim(), needs: needs.input.value.trim() });
        toast(tr('care.logged'));
        notes.input.value = ''; needs.input.value = '';
        await refresh();
      } catch (err) {
        showErrors(err, { outcome, notes, needs }, error);
      }
    });
  });
  return form;
}

function followUpForm(v) {
  const kind = field({ name: 'kind', label: tr('care.fu.kind'), options: [{ value: 'aid', label: tr('care.fu.aid') }, { value: 'report', label: tr('care.fu.report') }] });
  const category = field({ name: 'category', label: tr('care.fu.category'), options: categoryOptions('aid') });
  kind.input.addEventListener('change', () => { clear(category.input).append(...categoryOptions(kind.input.value).map((o) => h('option', { value: o.value, text: o.label }))); });
  const title = field({ name: 'title', label: tr('care.fu.title'), maxlength: 100, required: true });
  const description = field({ name: 'description', label: tr('care.fu.description'), hint: tr('care.fu.publicHint'), multiline: true, maxlength: 2000, required: true, value: v.needs });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(tr('care.fu.send'), { type: 'submit', block: true });
  const form = h('form', { class: 'care-follow-up', novalidate: true }, kind.el, category.el, title.el, description.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withLoading(send, async () => {
      try {
        const done = await api.post(`/api/v1/care-visits/${v.id}/follow-up`, {
          kind: kind.input.value, category: category.input.value, title: title.input.value.trim(), description: description.input.value.trim(),
        });
        toast(tr(`care.followedUp.${done.follow_up_kind}`));
        navigate(done.follow_up_kind === 'aid' ? `/help/aid/${done.follow_up_id}` : `/reports/${done.follow_up_id}`);
      } catch (err) {
        showErrors(err, { category, title, description }, error);
      }
    });
  });
  return form;
}

const AID_CATEGORIES = ['errands', 'elderly_companionship', 'health_escort', 'repairs', 'other'];
const REPORT_CATEGORIES = ['safety_hazard', 'street_lights', 'water_drains', 'roads_paths', 'other'];

function categoryOptions(kind) {
  return (kind === 'aid' ? AID_CATEGORIES : REPORT_CATEGORIES).map((c) => ({ value: c, label: tr(`care.fu.cat.${kind}.${c}`) }));
}

async function supportScreen(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const m = currentMembership();
  if (!m) return { title: tr('support.title'), back: '/', node: emptyState({ iconName: 'users', title: tr('care.noCommunity') }) };
  const cid = m.community.id;
  const list = h('div', { id: 'support-list' });
  const load = async () => {
    const page = await api.get(`/api/v1/communities/${cid}/support-requests`, { fresh: true });
    clear(list);
    for (const s of page.items) list.append(supportCard(s, load));
  };
  await load();
  const message = field({ name: 'message', label: tr('support.message'), hint: tr('support.private'), multiline: true, maxlength: 1000 });
  const contact = field({ name: 'contact', label: tr('support.contact'), maxlength: 100 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(tr('support.ask'), { type: 'submit', block: true });
  const form = h('form', { class: 'card', novalidate: true }, message.el, contact.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withLoading(send, async () => {
      try {
        await api.post(`/api/v1/communities/${cid}/support-requests`, { message: message.input.value.trim(), contact: contact.input.value.trim() });
        toast(tr('support.sent'));
        message.input.value = ''; contact.input.value = '';
        await load();
      } catch (err) {
        showErrors(err, { message, contact }, error);
      }
    });
  });
  return { title: tr('support.title'), back: '/', node: h('div', {}, h('p', { class: 'muted secondary', text: tr('support.intro') }), form, list) };
}

function supportCard(s, reload) {
  const actions = [];
  if (s.status === 'open' && s.requester_id !== currentUserId()) {
    const take = button(tr('support.take'), { block: true });
    take.addEventListener('click', () => withLoading(take, async () => {
      try { await api.post(`/api/v1/support-requests/${s.id}/take`); await reload(); } catch (err) { toast(errorText(err, tr('care.failed')), { type: 'error' }); }
    }));
    actions.push(take);
  }
  if (s.status !== 'closed' && (s.requester_id === currentUserId() || s.counsellor_id === currentUserId())) {
    const close = button(tr('support.close'), { variant: 'secondary', block: true });
    close.addEventListener('click', () => withLoading(close, async () => {
      try { await api.post(`/api/v1/support-requests/${s.id}/close`); await reload(); } catch (err) { toast(errorText(err, tr('care.failed')), { type: 'error' }); }
    }));
    actions.push(close);
  }
  return card(
    h('p', {}, pill(tr(`support.status.${s.status}`), s.status === 'open' ? 'warn' : 'ok'), ' ', h('span', { class: 'muted', text: formatDateTime(s.created_at) })),
    s.message ? h('p', { text: s.message }) : null,
    s.contact ? h('p', { class: 'small muted', text: `${tr('support.contact')}${tr('care.sep')}${s.contact}` }) : null,
    actions.length ? h('div', { class: 'sheet__actions' }, actions) : null);
}

function currentUserId() {
  return state.user && state.user.id;
}

export const ROUTES = {
  '/care': careList,
  '/care/support': supportScreen,
  '/care/:id': carePage,
};
