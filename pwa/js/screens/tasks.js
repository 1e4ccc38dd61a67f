// The task ledger (任务台账): my tasks (anyone who owns some), everyone's with filters (the committee), a task
// with its links (each opens the linked page), its history and the steps the viewer may take, and the committee's
// form to assign a task (optionally from a report or a project: /tasks/new?source=report:12). A community's ledger
// (/communities/:id/tasks, and its form /communities/:id/tasks/new) serves the committee and the street and
// district officials above it, who reach it from the community's dashboard they drill down to.
import { api } from '../api.js';
import { bundle, formatDateTime, formatDay } from '../i18n.js';
import { navigate } from '../router.js';
import { currentMembership, isCommittee, memberships, state } from '../store.js';
import { button, card, chips, clear, emptyState, errorText, field, h, linkButton, list, listItem, pill, showErrors, toast, useStylesheet, withLoading } from '../ui.js';
import { requireUser } from './common.js';

const tr = bundle('tasks');
useStylesheet('/css/tasks.css');
const STATUSES = ['open', 'in_progress', 'done', 'cancelled'];
const STEPS = ['start', 'complete', 'cancel', 'reopen'];

function statusPill(task) {
  if (task.is_overdue) return pill(tr('tasks.overdue'), 'warn');
  return pill(tr(`tasks.status.${task.status}`), task.status === 'done' ? 'ok' : undefined);
}

function taskItem(task, { showOwner }) {
  const meta = [tr('tasks.due', { day: formatDay(task.due_on) })];
  if (showOwner) meta.push(task.owner_name || tr('tasks.formerResident'));
  if (task.grid_name) meta.push(task.grid_name);
  return listItem({ href: `/tasks/${task.id}`, iconName: 'check', title: task.title, meta: meta.join(' · '), trailing: statusPill(task) });
}

/** Where a community's ledger goes back to: the dashboard the official came from, else the home screen. */
function dashboardOf(cid, query) {
  const region = Number(query.region);
  return Number.isInteger(region) && region > 0 ? `/committee/insights?community=${cid}&region=${region}` : `/committee/insights?community=${cid}`;
}

/** One community's ledger, everyone's tasks with filters: its committee, the officials above (the API decides). */
async function communityLedger(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const cid = Number(ctx.params.id);
  const back = dashboardOf(cid, ctx.query);
  let status = '';
  let overdue = false;
  const results = h('div', { id: 'task-list' });
  const load = async () => {
    const query = new URLSearchParams({ limit: '50' });
    if (status) query.set('status', status);
    if (overdue) query.set('overdue', 'true');
    const page = await api.get(`/api/v1/communities/${cid}/tasks?${query}`, { fresh: true });
    clear(results).append(page.items.length
      ? list(page.items.map((task) => taskItem(task, { showOwner: true })))
      : emptyState({ iconName: 'check', title: tr('tasks.emptyAll'), body: tr('tasks.emptyBody') }));
  };
  try {
    await load();
  } catch (err) {
    const body = err && err.status === 403 ? tr('tasks.overseersOnly') : errorText(err, tr('tasks.failed'));
    return { title: tr('tasks.title'), back, node: emptyState({ iconName: 'shield', title: tr('tasks.unavailable'), body }) };
  }
  const reload = () => load().catch((err) => clear(results).append(h('p', { class: 'form-error', text: errorText(err, tr('tasks.failed')) })));
  const filters = h('div', { class: 'tasks-filters' },
    chips([{ value: '', label: tr('tasks.status.any') }, ...STATUSES.map((s) => ({ value: s, label: tr(`tasks.status.${s}`) }))], status,
      (value) => { status = value; reload(); }, { label: tr('tasks.statusFilter') }),
    chips([{ value: false, label: tr('tasks.anyDue') }, { value: true, label: tr('tasks.overdueOnly') }], overdue,
      (value) => { overdue = value; reload(); }, { label: tr('tasks.dueFilter') }));
  const region = Number(ctx.query.region) > 0 ? `?region=${Number(ctx.query.region)}` : '';
  return {
    title: tr('tasks.title'),
    back,
    node: h('div', { id: 'community-tasks' },
      h('p', { class: 'muted secondary', text: tr('tasks.introCommunity') }),
      linkButton(tr('tasks.new'), `/communities/${cid}/tasks/new${region}`, { block: true, iconName: 'plus' }),
      filters, results),
  };
}

async function ledger(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const m = currentMembership();
  const committee = isCommittee(m);
  let scope = committee && ctx.query.scope !== 'mine' ? 'all' : 'mine';
  let status = '';
  let overdue = false;
  const results = h('div', { id: 'task-list' });
  const load = async () => {
    const query = new URLSearchParams({ limit: '50' });
    if (status) query.set('status', status);
    if (overdue) query.set('overdue', 'true');
    const url = scope === 'all' ? `/api/v1/communities/${m.community.id}/tasks?${query}` : `/api/v1/me/tasks?${query}`;
    try {
      const page = await api.get(url, { fresh: true });
      clear(results).append(page.items.length
        ? list(page.items.map((task) => taskItem(task, { showOwner: scope === 'all' })))
        : emptyState({ iconName: 'check', title: tr(scope === 'all' ? 'tasks.emptyAll' : 'tasks.emptyMine'), body: tr('tasks.emptyBody') }));
    } catch (err) {
      clear(results).append(h('p', { class: 'form-error', text: errorText(err, tr('tasks.failed')) }));
    }
  };
  const filters = h('div', { class: 'tasks-filters' },
    committee ? chips([{ value: 'all', label: tr('tasks.scope.all') }, { value: 'mine', label: tr('tasks.scope.mine') }], scope,
      (value) => { scope = value; load(); }, { label: tr('tasks.scope') }) : null,
    chips([{ value: '', label: tr('tasks.status.any') }, ...STATUSES.map((s) => ({ value: s, label: tr(`tasks.status.${s}`) }))], status,
      (value) => { status = value; load(); }, { label: tr('tasks.statusFilter') }),
    chips([{ value: false, label: tr('tasks.anyDue') }, { value: true, label: tr('tasks.overdueOnly') }], overdue,
      (value) => { overdue = value; load(); }, { label: tr('tasks.dueFilter') }));
  await load();
  return {
    title: tr('tasks.title'),
    back: '/me',
    node: h('div', {},
      h('p', { class: 'muted secondary', text: committee ? tr('tasks.introCommittee') : tr('tasks.intro') }),
      committee ? linkButton(tr('tasks.new'), '/tasks/new', { block: true, iconName: 'plus' }) : null,
      filters, results),
  };
}

async function taskPage(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const task = await api.get(`/api/v1/tasks/${ctx.params.id}`, { fresh: true });
  const note = field({ name: 'note', label: tr('tasks.note'), hint: tr('tasks.noteHint'), maxlength: 500 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const steps = STEPS.filter((step) => task.can[step]).map((step) => {
    const go = button(tr(`tasks.step.${step}`), { variant: step === 'cancel' ? 'secondary' : 'primary', block: true });
    go.addEventListener('click', () => withLoading(go, async () => {
      try {
        await api.post(`/api/v1/tasks/${task.id}/steps`, { action: step, note: note.input.value.trim() });
        toast(tr(`tasks.stepped.${step}`));
        navigate(`/tasks/${task.id}`, { replace: true });
      } catch (err) {
        showErrors(err, { note }, error);
      }
    }));
    return go;
  });
  const mine = state.user && task.owner_id === state.user.id;
  return {
    title: tr('tasks.task'),
    back: mine ? '/tasks' : `/communities/${task.community_id}/tasks`,
    node: h('div', {},
      card(
        h('h2', { class: 'card__title', text: task.title }),
        h('p', {}, statusPill(task)),
        task.description ? h('p', { class: 'pre-line', text: task.description }) : null,
        h('dl', { class: 'kv' },
          h('dt', { text: tr('tasks.owner') }), h('dd', { text: task.owner_name || tr('tasks.formerResident') }),
          h('dt', { text: tr('tasks.dueOn') }), h('dd', { text: formatDay(task.due_on) }),
          h('dt', { text: tr('tasks.assignedBy') }), h('dd', { text: task.assigned_by_name || tr('tasks.formerResident') }),
          task.grid_name ? [h('dt', { text: tr('tasks.grid') }), h('dd', { text: task.grid_name })] : null)),
      task.links.length ? h('div', {}, h('h2', { class: 'section-title', text: tr('tasks.links') }),
        list(task.links.map((link) => listItem({
          href: link.url || undefined,
          iconName: 'share',
          title: link.title || tr('tasks.linkHidden'),
          meta: tr(`tasks.kind.${link.type}`),
        })))) : null,
      steps.length ? h('div', { class: 'card' }, note.el, error, h('div', { class: 'sheet__actions' }, steps)) : null,
      h('h2', { class: 'section-title', text: tr('tasks.history') }),
      list(task.events.map((event) => listItem({
        iconName: 'clock',
        title: tr(`tasks.event.${event.action}`),
        meta: [event.actor_name || (event.actor_id ? tr('tasks.formerResident') : tr('tasks.system')), formatDateTime(event.created_at), event.note].filter(Boolean).join(' · '),
      })))),
  };
}

const STAFF_QUERY = 'role=committee&role=grid_worker';

/** Whom a task may go to: the committee reads the verified members, the staff (committee, grid workers) until a
 * name is typed, then everyone with that name, staff first; an official above, who may not list the residents,
 * picks among the community's handlers (grid workers and whoever reports are assigned to). */
async function ownerOptions(cid, committee, name = '') {
  if (committee) {
    const filter = name ? `q=${encodeURIComponent(name)}` : STAFF_QUERY;
    const members = await api.get(`/api/v1/communities/${cid}/members?status=verified&${filter}&limit=50`, { fresh: true });
    return [...members.items].sort((a, b) => Number(b.role !== 'resident') - Number(a.role !== 'resident'))
      .map((item) => ({ value: item.user.id, label: `${item.user.display_name} · ${tr(`tasks.role.${item.role}`)}` }));
  }
  const cards = await api.get(`/api/v1/communities/${cid}/insights/scorecards?period=quarter`, { fresh: true });
  return cards.items.map((card) => ({
    value: card.handler.id,
    label: card.grids && card.grids.length ? `${card.handler.display_name} · ${card.grids.map((g) => g.name).join('、')}` : card.handler.display_name,
  }));
}

async function newTask(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const m = currentMembership();
  const inCommunity = Boolean(ctx.params.id);
  const cid = inCommunity ? Number(ctx.params.id) : m && m.community.id;
  const committee = Boolean(cid) && memberships().some((x) => x.community.id === cid && isCommittee(x));
  const back = inCommunity ? `/communities/${cid}/tasks${Number(ctx.query.region) > 0 ? `?region=${Number(ctx.query.region)}` : ''}` : '/tasks';
  if (!cid || (!committee && !inCommunity)) return { title: tr('tasks.new'), back, node: emptyState({ iconName: 'shield', title: tr('tasks.committeeOnly') }) };
  let options;
  try {
    options = await ownerOptions(cid, committee);
  } catch (err) {
    const body = err && err.status === 403 ? tr('tasks.overseersOnly') : errorText(err, tr('tasks.failed'));
    return { title: tr('tasks.new'), back, node: emptyState({ iconName: 'shield', title: tr('tasks.unavailable'), body }) };
  }
  if (!options.length) return { title: tr('tasks.new'), back, node: emptyState({ iconName: 'users', title: tr('tasks.noOwners'), body: tr('tasks.noOwnersBody') }) };
  const [kind, id] = (ctx.query.source || '').split(':');
  const source = ['report', 'project'].includes(kind) && /^\d+$/.test(id || '') ? { type: kind, id: Number(id) } : null;
  const title = field({ name: 'title', label: tr('tasks.titleField'), hint: source ? tr('tasks.titleFromSource') : '', maxlength: 120, required: !source });
  const description = field({ name: 'description', label: tr('tasks.description'), multiline: true, maxlength: 2000 });
  const owner = field({
    name: 'owner_id',
    label: tr('tasks.owner'),
    options,
  });
  const ownerSearch = committee ? ownerSearchField(cid, owner) : null;
  const due = field({ name: 'due_on', label: tr('tasks.dueOn'), type: 'date', required: true, value: inDays(7) });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(tr('tasks.assign'), { type: 'submit', block: true });
  const form = h('form', { class: 'card', novalidate: true },
    source ? h('p', { class: 'small muted', text: tr('tasks.fromSource', { kind: tr(`tasks.kind.${source.type}`), id: source.id }) }) : null,
    title.el, description.el, ownerSearch, owner.el, due.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withLoading(send, async () => {
      try {
        const body = { title: title.input.value.trim() || null, description: description.input.value.trim(), owner_id: Number(owner.input.value), due_on: due.input.value };
        if (source) body.source = source;
        const task = await api.post(`/api/v1/communities/${cid}/tasks`, body);
        toast(tr('tasks.assigned'));
        navigate(`/tasks/${task.id}`, { replace: true });
      } catch (err) {
        showErrors(err, { title, description, owner_id: owner, due_on: due, source: title, links: title }, error);
      }
    });
  });
  return { title: tr('tasks.new'), back, node: form };
}

/** A name box above the owner select: as the committee types, the select lists the verified members with that name
 * (a large community has more than one page of them); emptied, it lists the staff again. Answers that arrive out of
 * order are dropped, so the list always matches what the box says. */
function ownerSearchField(cid, owner) {
  const search = field({ name: 'owner_search', label: tr('tasks.ownerSearch'), type: 'search', hint: tr('tasks.ownerSearchHint'), maxlength: 40, autocomplete: 'off' });
  const status = h('p', { class: 'small muted', role: 'status', 'aria-live': 'polite' });
  let timer = null;
  let asked = 0;
  const refresh = async () => {
    const name = search.input.value.trim();
    const ticket = ++asked;
    try {
      const options = await ownerOptions(cid, true, name);
      if (ticket !== asked) return;
      clear(owner.input);
      if (!options.length) owner.input.append(h('option', { value: '', text: '—' }));
      options.forEach((o) => owner.input.append(h('option', { value: String(o.value), text: o.label })));
      status.textContent = !name ? '' : options.length ? tr('tasks.ownerFound', { count: options.length }) : tr('tasks.ownerNone');
    } catch (err) {
      if (ticket === asked) status.textContent = errorText(err, tr('tasks.failed'));
    }
  };
  search.input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  return h('div', {}, search.el, status);
}

function inDays(n) {
  const day = new Date(Date.now() + n * 86400000);
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
}

export const ROUTES = {
  '/tasks': ledger,
  '/tasks/new': newTask,
  '/tasks/:id': taskPage,
  '/communities/:id/tasks': communityLedger,
  '/communities/:id/tasks/new': newTask,
};
