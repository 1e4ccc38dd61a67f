// Micro-projects: list (filter chips, sort, "load more"), detail (progress, photos, supports, rating,
// committee and author actions, timeline, comments) and the create/edit form with a local draft.
// The shell mounts these with registerProjectRoutes(router.route).
import { api, startEarly } from '../api.js';
import { bundle, formatDateTime, formatNumber, getLocale, preloadBundle, t } from '../i18n.js';
import { navigate, routeTable } from '../router.js';
import { currentMembership, getCommunityId, isVerified, state } from '../store.js';
import * as outbox from '../outbox.js';
import {
  button, card, chips, clear, confirmSheet, emptyState, errorText, field, formError, h, linkButton, openSheet,
  pill, setFill, showErrors, skeleton, starInput, toast, useStylesheet, withLoading
} from '../ui.js';
import { civicTabs, communityName, gridText, myCommunityName, requireUser, shareButton } from './common.js';
import { mountComments } from './comments.js';
import { flagButton } from './moderation-links.js';

const tr = bundle('projects');
const commentStrings = bundle('comments');
const STATUS_FILTERS = ['', 'submitted', 'in_review', 'voting', 'in_progress', 'completed'];
const SORTS = ['newest', 'most_supported', 'closing_soon'];
const STATUS_KIND = { submitted: 'warn', in_review: 'warn', ready: 'warn', voting: 'warn', approved: 'ok', in_progress: 'ok', completed: 'ok', rejected: 'danger', withdrawn: 'danger' };
const categoryCache = new Map();

async function prepare() {
  useStylesheet('/css/projects.css');
  await Promise.all([tr.ready(), commentStrings.ready()]);
}

/** The community the screens work in: ?community=, else the member's, else the remembered one. */
function communityId(ctx) {
  const fromQuery = Number(ctx.query.community);
  if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const m = currentMembership();
  return m ? m.community.id : getCommunityId();
}

async function categoriesOf(cid) {
  if (!categoryCache.has(cid)) categoryCache.set(cid, await api.get(categoriesUrl(cid)));
  return categoryCache.get(cid);
}

function categoryLabel(settings, key) {
  const found = settings && settings.items.find((c) => c.key === key);
  return found ? found[getLocale()] || found.key : key;
}

const yuan = (cents) => formatNumber(cents / 100, { maximumFractionDigits: 2 });

function statusPill(status) {
  return pill(tr(`projects.status.${status}`), STATUS_KIND[status]);
}

function progressBar(percent, label) {
  const value = Math.max(0, Math.min(100, percent));
  return setFill(h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': value, 'aria-label': label },
    h('span', { class: 'progress__bar' })), value / 100);
}

function stars(average, { label } = {}) {
  const value = average || 0;
  const wrap = h('span', { class: 'stars', role: 'img', 'aria-label': label || `${value} / 5` });
  for (let i = 1; i <= 5; i += 1) {
    wrap.append(h('span', { class: `star${value >= i - 0.25 ? ' star--on' : value >= i - 0.75 ? ' star--half' : ''}`, 'aria-hidden': 'true', text: '★' }));
  }
  return wrap;
}

/* ---------- list ---------- */

function projectCard(p, settings) {
  const goal = p.status === 'submitted' && p.support_threshold;
  return h('li', { class: 'project-card', dataset: { projectId: p.id, status: p.status } },
    h('a', { class: 'project-card__link', href: `/projects/${p.id}` },
      h('div', { class: 'row' }, statusPill(p.status), h('span', { class: 'small muted', text: categoryLabel(settings, p.category) })),
      h('h3', { class: 'project-card__title', text: p.title }),
      p.summary ? h('p', { class: 'project-card__summary muted', text: p.summary }) : null,
      goal ? progressBar(Math.round((100 * p.supports_count) / p.support_threshold), tr('projects.supportsGoal', { count: p.supports_count, goal: p.support_threshold })) : null,
      ['in_progress', 'completed'].includes(p.status) ? progressBar(p.percent_done, tr('projects.progressValue', { percent: p.percent_done })) : null,
      h('p', { class: 'project-card__meta small muted' },
        h('span', { text: goal ? tr('projects.supportsGoal', { count: p.supports_count, goal: p.support_threshold }) : tr('projects.supports', { count: p.supports_count }) }),
        ' · ', h('span', { text: tr('projects.comments', { count: p.comments_count }) }),
        p.rating_count ? [' · ', stars(p.rating_average), h('span', { text: ` ${p.rating_average}` })] : null,
        p.budget_cents ? [' · ', h('span', { text: tr('projects.budgetValue', { amount: yuan(p.budget_cents) }) })] : null)));
}

export async function projectList(ctx) {
  await prepare();
  const cid = communityId(ctx);
  if (!cid) {
    return { title: tr('projects.title'), node: emptyState({ iconName: 'building', title: tr('projects.chooseCommunity'), action: linkButton(t('community.choose'), '/communities', { block: true }) }) };
  }
  const settings = await categoriesOf(cid).catch(() => null);
  const filters = { status: ctx.query.status || '', sort: SORTS.includes(ctx.query.sort) ? ctx.query.sort : 'newest', category: ctx.query.category || '', mine: ctx.query.mine === '1' };
  const listEl = h('ul', { class: 'project-list', id: 'project-list', 'aria-live': 'polite' });
  const more = button(tr('projects.loadMore'), { variant: 'secondary', block: true });
  let cursor = null;

  const syncUrl = () => {
    const q = new URLSearchParams();
    if (filters.status) q.set('status', filters.status);
    if (filters.sort !== 'newest') q.set('sort', filters.sort);
    if (filters.category) q.set('category', filters.category);
    if (filters.mine) q.set('mine', '1');
    history.replaceState(null, '', `/projects${q.toString() ? `?${q}` : ''}`);
  };

  async function load(reset) {
    if (reset) { cursor = null; clear(listEl).append(skeleton(3)); }
    const q = new URLSearchParams({ sort: filters.sort, limit: '10' });
    if (filters.status) q.set('status', filters.status);
    if (filters.category) q.set('category', filters.category);
    if (filters.mine) q.set('mine', 'true');
    if (cursor) q.set('cursor', cursor);
    const page = await api.get(`/api/v1/communities/${cid}/projects?${q}`, { fresh: reset });
    if (reset) clear(listEl);
    page.items.forEach((p) => listEl.append(projectCard(p, settings)));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (!listEl.children.length) listEl.append(h('li', {}, emptyState({ iconName: 'vote', title: tr('projects.empty'), body: tr('projects.emptyBody') })));
  }
  more.addEventListener('click', () => withLoading(more, () => load(false)));
  const refilter = () => { syncUrl(); load(true).catch((err) => toast(errorText(err, t('error.network')), { type: 'error' })); };

  const statusChips = chips(STATUS_FILTERS.map((s) => ({ value: s, label: s ? tr(`projects.status.${s}`) : tr('projects.filter.all') })), filters.status,
    (v) => { filters.status = v; refilter(); }, { label: tr('projects.filter.status') });
  const sortChips = chips(SORTS.map((s) => ({ value: s, label: tr(`projects.sort.${s}`) })), filters.sort,
    (v) => { filters.sort = v; refilter(); }, { label: tr('projects.filter.sort') });
  const categorySelect = settings ? field({
    name: 'category', label: tr('projects.filter.category'), value: filters.category,
    options: [{ value: '', label: tr('projects.filter.all') }, ...settings.items.map((c) => ({ value: c.key, label: c[getLocale()] || c.key }))],
  }) : null;
  if (categorySelect) categorySelect.input.addEventListener('change', () => { filters.category = categorySelect.input.value; refilter(); });

  const member = currentMembership();
  const actions = h('div', { class: 'row project-list__actions' },
    member && isVerified(member) ? linkButton(tr('projects.new'), `/projects/new`, { iconName: 'plus', id: 'new-project' }) : null,
    state.user ? linkButton(tr('projects.mine'), filters.mine ? '/projects' : '/projects?mine=1', { variant: filters.mine ? 'primary' : 'secondary' }) : null);

  await load(true);
  return {
    title: tr('projects.title'),
    node: h('div', { class: 'projects' },
      civicTabs('projects'),
      h('p', { class: 'muted secondary', text: tr('projects.intro') }),
      actions,
      h('div', { class: 'project-filters' }, statusChips, sortChips, categorySelect ? categorySelect.el : null),
      listEl, more),
  };
}

/* ---------- detail ---------- */

function eventText(e) {
  const text = tr(`projects.event.${e.action}`, { percent: e.percent_done ?? '' });
  return text.startsWith('projects.event.') ? e.action : text;
}

/** The state a step led to, in the words of the status pill and of the notifications ("现在是“居委会审核中”"),
 * so that an older message about this project names a state the person can find on its timeline. */
function movedTo(e) {
  if (!e.to_status || e.to_status === e.from_status || !tr.has(`projects.status.${e.to_status}`)) return null;
  return h('span', { class: 'timeline__state' }, statusPill(e.to_status));
}

/** A step's note; the support threshold's is the count of supporters then, said as such (not a bare "5"). */
function eventNote(e) {
  return e.action === 'reach_threshold' && /^\d+$/.test(e.note) ? tr('projects.supports', { count: e.note }) : e.note;
}

function timeline(events) {
  return h('ol', { class: 'timeline', 'aria-label': tr('projects.timeline') }, events.map((e) => h('li', { class: 'timeline__item', dataset: { action: e.action } },
    h('p', { class: 'timeline__what' }, h('strong', { text: eventText(e) }), movedTo(e)),
    e.note && e.action !== 'edit' ? h('p', { class: 'timeline__note', text: eventNote(e) }) : null,
    e.reason ? h('p', { class: 'timeline__note muted', text: e.reason }) : null,
    e.photo_ids && e.photo_ids.length ? photoStrip(e.photo_ids) : null,
    h('p', { class: 'small muted' }, h('span', { text: e.actor ? e.actor.display_name : tr('projects.system') }), ' · ', h('time', { datetime: e.created_at, text: formatDateTime(e.created_at) })))));
}

function photoStrip(ids) {
  return h('div', { class: 'photos' }, ids.map((id) => h('a', { href: `/api/v1/uploads/${id}/display.jpg`, 'data-external': '', target: '_blank', rel: 'noopener' },
    h('img', { src: `/api/v1/uploads/${id}/thumb.jpg`, alt: tr('projects.photos'), loading: 'lazy', width: 96, height: 96 }))));
}

function reasonSheet({ title, label, confirmLabel, required = false, extra }) {
  return new Promise((resolve) => {
    let result = null;
    const reason = field({ name: 'reason', label, multiline: true, required, maxlength: 2000 });
    const sheet = openSheet({
      title,
      content: (close) => {
        const form = h('form', { novalidate: true }, reason.el, extra ? extra.el : null,
          h('div', { class: 'sheet__actions' }, button(confirmLabel, { type: 'submit', block: true }), button(t('common.cancel'), { variant: 'ghost', block: true, onClick: () => close() })));
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          if (required && !reason.input.value.trim()) { reason.setError(t('auth.required')); reason.input.focus(); return; }
          result = { reason: reason.input.value.trim(), extra: extra ? extra.input.value : null };
          close('ok');
        });
        return form;
      },
    });
    sheet.closed.then(() => resolve(result));
  });
}

const projectUrl = (id) => `/api/v1/projects/${id}`;
const eventsUrl = (id) => `/api/v1/projects/${id}/events?limit=100`;
const categoriesUrl = (cid) => `/api/v1/communities/${cid}/project-categories`;

export async function projectDetail(ctx) {
  const id = Number(ctx.params.id);
  // the project and its history are asked for while the screen's words and styles load (one wait, not three)
  const projectLoad = api.get(projectUrl(id), { fresh: true });
  const eventsLoad = api.get(eventsUrl(id), { fresh: true });
  for (const load of [projectLoad, eventsLoad]) load.catch(() => {}); // answered below, not unhandled meanwhile
  await prepare();
  let p;
  try {
    p = await projectLoad;
  } catch (err) {
    if (err.status === 404) return { title: tr('projects.title'), back: '/projects', node: emptyState({ iconName: 'search', title: tr('projects.notFound'), action: linkButton(tr('projects.title'), '/projects', { variant: 'secondary' }) }) };
    throw err;
  }
  const [settings, events] = await Promise.all([categoriesOf(p.community_id).catch(() => null), eventsLoad]);
  const root = h('article', { class: 'project', dataset: { projectId: p.id, status: p.status } });
  const commentsBox = h('div', { id: 'project-comments' });

  const act = async (btn, fn, message) => withLoading(btn, async () => {
    try {
      const result = await fn();
      if (message) toast(typeof message === 'function' ? message(result) : message);
      navigate(location.pathname, { replace: true });
    } catch (err) {
      toast(errorText(err), { type: 'error' });
    }
  });
  const url = (suffix = '') => `/api/v1/projects/${p.id}${suffix}`;

  const facts = h('dl', { class: 'kv' },
    h('dt', { text: tr('projects.category') }), h('dd', { text: categoryLabel(settings, p.category) }),
    h('dt', { text: tr('projects.grid') }), h('dd', { text: p.grid ? gridText(p.grid) : tr('projects.form.gridNone') }),
    h('dt', { text: tr('projects.author') }), h('dd', { text: p.author.display_name }),
    p.budget_cents ? [h('dt', { text: tr('projects.budget') }), h('dd', { text: tr('projects.budgetValue', { amount: yuan(p.budget_cents) }) })] : null,
    p.volunteers_needed ? [h('dt', { text: tr('projects.volunteers') }), h('dd', { text: tr('projects.volunteersValue', { count: p.volunteers_needed }) })] : null,
    p.closes_at ? [h('dt', { class: 'secondary', text: tr('projects.closesAt') }), h('dd', { class: 'secondary', text: formatDateTime(p.closes_at) })] : null);

  // supports
  let supportBlock = null;
  if (p.status === 'submitted' || p.supports_count) {
    const goal = p.support_threshold;
    const btn = p.can.support ? button(tr('projects.support'), { block: true, id: 'support-button', iconName: 'check' })
      : p.can.unsupport ? button(tr('projects.unsupport'), { block: true, variant: 'secondary', id: 'support-button' }) : null;
    if (btn) {
      btn.addEventListener('click', () => act(btn, () => (p.can.support ? api.post(url('/supports')) : api.del(url('/supports'))),
        (r) => (r.status === 'in_review' ? tr('projects.toast.reachedReview') : p.can.support ? tr('projects.toast.supported') : t('common.saved'))));
    }
    supportBlock = card(
      h('p', { class: 'supports', id: 'supports-count' }, h('strong', { text: goal && p.status === 'submitted' ? tr('projects.supportsGoal', { count: p.supports_count, goal }) : tr('projects.supports', { count: p.supports_count }) })),
      goal && p.status === 'submitted' ? [progressBar(Math.round((100 * p.supports_count) / goal), tr('projects.supportsGoal', { count: p.supports_count, goal })), h('p', { class: 'small muted secondary', text: tr('projects.supportsExplain', { goal }) })] : null,
      btn,
      // looking for supporters: neighbours pass it on
      p.status === 'submitted' ? shareButton({ kind: 'project', title: p.title, path: `/projects/${p.id}`, community: myCommunityName(p.community_id),
        lines: [goal ? tr('projects.supportsGoal', { count: p.supports_count, goal }) : null, p.summary] }) : null);
  }

  // progress
  const progressBlock = ['in_progress', 'completed'].includes(p.status)
    ? card(h('h3', { class: 'card__title', text: tr('projects.progress') }), progressBar(p.percent_done, tr('projects.progressValue', { percent: p.percent_done })), h('p', { class: 'small', text: tr('projects.progressValue', { percent: p.percent_done }) }))
    : null;

  // rating
  let ratingBlock = null;
  if (p.status === 'completed') {
    ratingBlock = card(h('h3', { class: 'card__title', text: tr('projects.rating') }),
      p.rating_count ? h('p', { class: 'row', id: 'rating-average' }, stars(p.rating_average, { label: tr('projects.ratingAverage', { average: p.rating_average, count: p.rating_count }) }), h('span', { text: tr('projects.ratingAverage', { average: p.rating_average, count: p.rating_count }) }))
        : h('p', { class: 'muted', text: tr('projects.ratingNone') }),
      p.my_rating ? h('p', { class: 'small', text: tr('projects.myRating', { stars: p.my_rating.stars }) }) : null,
      p.can.rate ? ratingForm() : null);
  }

  function ratingForm() {
    const starPick = starInput({ label: tr('projects.rate'), name: 'stars', starLabel: (n) => tr('projects.rateStars', { stars: n }) });
    const comment = field({ name: 'comment', label: tr('projects.rateComment'), multiline: true, maxlength: 1000 });
    const error = formError();
    const send = button(tr('projects.rateSubmit'), { type: 'submit', block: true });
    const form = h('form', { class: 'rating-form', novalidate: true }, h('p', { text: tr('projects.rate') }), starPick.el, comment.el, error, send);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!starPick.value()) { error.textContent = tr('projects.rateChoose'); starPick.focus(); return; }
      act(send, () => api.post(url('/rating'), { stars: starPick.value(), comment: comment.input.value.trim() }), tr('projects.toast.rated'));
    });
    return form;
  }

  // actions for the author and the committee
  const actions = h('div', { class: 'stack project-actions' });
  const can = p.can;
  if (can.edit) actions.append(linkButton(tr('projects.edit'), `/projects/${p.id}/edit`, { variant: 'secondary', block: true }));
  if (can.submit) {
    const b = button(tr('projects.submit'), { block: true, id: 'submit-project' });
    b.addEventListener('click', () => act(b, () => api.post(url('/submit')), tr('projects.toast.submitted')));
    actions.append(b);
  }
  if (can.review) {
    const accept = button(tr('projects.accept'), { block: true, id: 'review-accept' });
    const reject = button(tr('projects.reject'), { block: true, variant: 'danger', id: 'review-reject' });
    accept.addEventListener('click', () => act(accept, () => api.post(url('/review'), { decision: 'accept' })));
    reject.addEventListener('click', async () => {
      const answer = await reasonSheet({ title: tr('projects.reject'), label: tr('projects.rejectReason'), confirmLabel: tr('projects.reject'), required: true });
      if (answer) act(reject, () => api.post(url('/review'), { decision: 'reject', reason: answer.reason }));
    });
    actions.append(accept, reject);
  }
  if (can.start) {
    const b = button(tr('projects.start'), { block: true });
    b.addEventListener('click', () => act(b, () => api.post(url('/start'), {})));
    actions.append(b);
  }
  if (can.post_update) {
    const b = button(tr('projects.postUpdate'), { block: true, variant: 'secondary' });
    b.addEventListener('click', () => openUpdateSheet());
    actions.append(b);
  }
  if (can.complete) {
    const b = button(tr('projects.complete'), { block: true });
    b.addEventListener('click', async () => {
      if (await confirmSheet({ title: tr('projects.complete'), body: tr('projects.completeConfirm') })) act(b, () => api.post(url('/complete'), {}));
    });
    actions.append(b);
  }
  if (can.withdraw) {
    const b = button(tr('projects.withdraw'), { block: true, variant: 'ghost' });
    b.addEventListener('click', async () => {
      if (await confirmSheet({ title: tr('projects.withdraw'), body: tr('projects.withdrawConfirm'), danger: true, confirmLabel: tr('projects.withdraw') })) act(b, () => api.post(url('/withdraw'), {}));
    });
    actions.append(b);
  }

  function openUpdateSheet() {
    const body = field({ name: 'body', label: tr('projects.updateBody'), multiline: true, required: true, maxlength: 4000 });
    const percent = field({ name: 'percent_done', label: tr('projects.updatePercent'), type: 'number', value: String(p.percent_done), inputmode: 'numeric', min: 0, max: 100 });
    const reason = field({ name: 'reason', label: tr('projects.updateReason'), maxlength: 1000 });
    const error = formError();
    const send = button(tr('projects.postUpdate'), { type: 'submit', block: true });
    openSheet({
      title: tr('projects.postUpdate'),
      content: (close) => {
        const form = h('form', { novalidate: true }, body.el, percent.el, reason.el, error, h('div', { class: 'sheet__actions' }, send));
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          withLoading(send, async () => {
            try {
              await api.post(url('/updates'), { body: body.input.value.trim(), percent_done: Number(percent.input.value), reason: reason.input.value.trim() || null });
              close('ok');
              navigate(location.pathname, { replace: true });
            } catch (err) {
              showErrors(err, { body, percent_done: percent, reason }, error);
            }
          });
        });
        return form;
      },
    });
  }

  root.append(...[
    h('header', { class: 'project__head' }, h('div', { class: 'row' }, statusPill(p.status), flagButton('project', p.id, { authorId: p.author && p.author.id, hidden: p.is_hidden })),
      h('h2', { class: 'project__title', text: p.title }),
      p.summary ? h('p', { class: 'project__summary', text: p.summary }) : null),
    p.review_reason ? h('p', { class: 'notice', role: 'note' }, h('strong', { text: `${tr('projects.rejectedReason')}：` }), h('span', { text: p.review_reason })) : null,
    p.poll_id ? h('p', {}, linkButton(tr('projects.poll'), `/polls/${p.poll_id}`, { variant: 'secondary', block: true })) : null,
    supportBlock, progressBlock, ratingBlock,
    p.photo_ids && p.photo_ids.length ? photoStrip(p.photo_ids) : null,
    p.body ? h('div', { class: 'project__body' }, ...p.body.split(/\n{2,}/).map((para) => h('p', { text: para }))) : null,
    facts,
    actions.children.length ? actions : null,
    h('section', { class: 'section' }, h('h3', { class: 'section__title', text: tr('projects.timeline') }), timeline(events.items)),
    commentsBox].filter(Boolean).flat().filter(Boolean));
  mountComments(commentsBox, 'projects', p.id, { count: p.comments_count }).catch((err) => console.warn('comments', err));
  return { title: tr('projects.title'), back: '/projects', node: root };
}

/* ---------- create / edit ---------- */

const DRAFT_FIELDS = ['title', 'summary', 'body', 'category', 'grid_id', 'budget', 'volunteers_needed'];

function draftKey(cid, id) {
  return id ? `linli.projectDraft.edit.${id}` : `linli.projectDraft.new.${cid}`;
}

export async function projectForm(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const id = ctx.params.id ? Number(ctx.params.id) : null;
  const existing = id ? await api.get(`/api/v1/projects/${id}`, { fresh: true }) : null;
  const cid = existing ? existing.community_id : communityId(ctx);
  const member = currentMembership();
  if (!existing && (!member || !isVerified(member))) {
    return { title: tr('projects.form.newTitle'), back: '/projects', node: emptyState({ iconName: 'users', title: tr('projects.form.onlyVerified'), body: tr('projects.form.onlyVerifiedBody'), action: linkButton(t('soon.home'), '/', { variant: 'secondary' }) }) };
  }
  const [settings, community] = await Promise.all([categoriesOf(cid), api.get(`/api/v1/communities/${cid}`)]);
  const key = draftKey(cid, id);
  const saved = JSON.parse(localStorage.getItem(key) || 'null');
  const start = saved || (existing ? { ...existing, budget: existing.budget_cents ? String(existing.budget_cents / 100) : '', grid_id: existing.grid ? existing.grid.id : '' } : {});

  const f = {
    title: field({ name: 'title', label: tr('projects.form.title'), hint: tr('projects.form.titleHint'), value: start.title || '', required: true, maxlength: 120 }),
    summary: field({ name: 'summary', label: tr('projects.form.summary'), hint: tr('projects.form.summaryHint'), value: start.summary || '', multiline: true, maxlength: 300 }),
    body: field({ name: 'body', label: tr('projects.form.body'), value: start.body || '', multiline: true, maxlength: 10000 }),
    category: field({ name: 'category', label: tr('projects.form.category'), value: start.category || 'facilities', options: settings.items.map((c) => ({ value: c.key, label: c[getLocale()] || c.key })) }),
    grid_id: field({ name: 'grid_id', label: tr('projects.form.grid'), value: start.grid_id ?? (member && member.grid ? member.grid.id : ''), options: [{ value: '', label: tr('projects.form.gridNone') }, ...community.grids.map((g) => ({ value: g.id, label: gridText(g) }))] }),
    budget: field({ name: 'budget', label: tr('projects.form.budget'), type: 'number', value: start.budget || '', inputmode: 'decimal', min: 0, step: '0.01' }),
    volunteers_needed: field({ name: 'volunteers_needed', label: tr('projects.form.volunteers'), type: 'number', value: start.volunteers_needed ?? '', inputmode: 'numeric', min: 0 }),
  };
  const fieldsForErrors = { ...f, budget_cents: f.budget };
  const error = formError();
  const status = h('p', { class: 'small muted', role: 'status', id: 'draft-status', text: saved ? tr('projects.form.restored') : '' });

  const values = () => Object.fromEntries(DRAFT_FIELDS.map((k) => [k, f[k].input.value]));
  let timer = null;
  const autosave = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      localStorage.setItem(key, JSON.stringify(values()));
      status.textContent = tr('projects.form.autosaved');
    }, 400);
  };
  Object.values(f).forEach((x) => x.input.addEventListener('input', autosave));

  const payload = () => {
    const v = values();
    const body = { title: v.title.trim(), summary: v.summary.trim(), body: v.body.trim(), category: v.category, grid_id: v.grid_id ? Number(v.grid_id) : null,
      budget_cents: v.budget ? Math.round(Number(v.budget) * 100) : 0, volunteers_needed: v.volunteers_needed ? Number(v.volunteers_needed) : 0 };
    return body;
  };

  async function send(btn, submit) {
    if (!f.title.input.value.trim()) { f.title.setError(t('auth.required')); f.title.input.focus(); return; }
    await withLoading(btn, async () => {
      try {
        const body = payload();
        const result = existing
          ? { queued: false, data: await api.patch(`/api/v1/projects/${existing.id}`, body) }
          : await outbox.sendOrQueue({ url: `/api/v1/communities/${cid}/projects`, body: { ...body, submit }, label: body.title });
        localStorage.removeItem(key);
        if (result.queued) {
          toast(tr('projects.form.queued'));
          navigate('/projects');
        } else {
          toast(submit ? tr('projects.toast.submitted') : tr('projects.toast.saved'));
          navigate(`/projects/${result.data.id}`);
        }
      } catch (err) {
        showErrors(err, fieldsForErrors, error);
      }
    });
  }

  const submitBtn = button(existing ? tr('projects.form.save') : tr('projects.form.submit'), { type: 'submit', block: true, id: 'project-submit' });
  const draftBtn = existing ? null : button(tr('projects.form.saveDraft'), { variant: 'secondary', block: true, id: 'project-save-draft' });
  const discard = button(tr('projects.form.discard'), { variant: 'ghost', small: true, onClick: () => { localStorage.removeItem(key); navigate(location.pathname + location.search, { replace: true }); } });
  const form = h('form', { class: 'stack project-form', novalidate: true, id: 'project-form' },
    h('p', { class: 'muted small secondary', text: communityName(community) }),
    ...Object.values(f).map((x) => x.el), error, status,
    h('div', { class: 'stack' }, submitBtn, draftBtn, saved ? discard : null));
  form.addEventListener('submit', (e) => { e.preventDefault(); send(submitBtn, true); });
  if (draftBtn) draftBtn.addEventListener('click', () => send(draftBtn, false));
  return { title: existing ? tr('projects.form.editTitle') : tr('projects.form.newTitle'), back: existing ? `/projects/${existing.id}` : '/projects', node: form };
}

/** Routes for the shell: registerProjectRoutes(router.route). '/projects/new' before '/projects/:id'. */
export function registerProjectRoutes(route) {
  route('/projects', projectList);
  route('/projects/new', projectForm);
  route('/projects/:id/edit', projectForm);
  route('/projects/:id', projectDetail);
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = routeTable(registerProjectRoutes);

/**
 * A project opened from a link: its words, styles, the project, its history and (for a member, most likely
 * the project's community) the categories start with the session (app.js), not after the shell's words.
 */
export const WARM = {
  '/projects/:id': ({ params, locale }) => {
    const id = Number(params.id);
    useStylesheet('/css/projects.css');
    preloadBundle('projects', locale);
    preloadBundle('comments', locale);
    startEarly(projectUrl(id), locale);
    startEarly(eventsUrl(id), locale);
    const m = currentMembership();
    if (m && !categoryCache.has(m.community.id)) startEarly(categoriesUrl(m.community.id), locale);
  },
};
