// Moderation (内容治理): the committee's queue with one-tap actions and a reason picker, appeals to
// decide, the audit log with filters, and the author's view of what was done about them (with the appeal
// form and why / until when a suspension runs). The shell loads this module when one of its ROUTES opens
// (LAZY_SCREENS in app.js); content screens add flagButton(targetType, targetId, {authorId, hidden}) from
// moderation-links.js next to their content. User text: textContent only.
import { api } from '../api.js';
import { bundle, formatDateTime, formatMoney, formatNumber, t } from '../i18n.js';
import { currentMembership, isCommittee, state } from '../store.js';
import {
  button, chips, clear, emptyState, errorText, field, formError, h, linkButton, openSheet, pill, showErrors,
  skeleton, toast, withLoading
} from '../ui.js';
import { requireUser } from './common.js';
import { FLAG_REASONS, prepare, suspensionBanner, targetHref } from './moderation-links.js';

// The pieces other screens draw live in moderation-links.js; exported here too for older imports.
export { committeeLinks, flagButton, myModerationLink, openFlagSheet, suspensionBanner, targetHref } from './moderation-links.js';

const tr = bundle('moderation');
const TARGET_TYPES = ['project', 'comment', 'report', 'aid', 'notice', 'activity', 'organisation', 'member'];
const ACTION_KIND = { hide: 'danger', restore: 'ok', warn: 'warn', suspend: 'danger', lift_suspension: 'ok' };
const PAGE = 20;

function errorToast(err) {
  toast(errorText(err), { type: 'error' });
}

/* ---------- shared pieces ---------- */

function committeeGate(title) {
  const m = currentMembership();
  if (!isCommittee(m)) return { gate: { title, back: '/', node: emptyState({ iconName: 'users', title: tr('mod.onlyCommittee') }) } };
  return { cid: m.community.id };
}

function actionLabel(action) {
  return tr(`mod.action.${action}`);
}

/** "hidden", "warned"...: an action already taken, as the author and the history show it. */
function doneLabel(action) {
  return tr(`mod.did.${action}`);
}

function pagedList(container, fetchPage, render, emptyText) {
  let cursor = null;
  const listEl = h('ul', { class: 'mod-list' });
  const more = button(tr('mod.more'), { variant: 'secondary', block: true });
  more.hidden = true;
  const load = async (reset = false) => {
    if (reset) { cursor = null; clear(listEl).append(h('li', {}, skeleton(2))); }
    const page = await fetchPage(cursor);
    if (reset) clear(listEl);
    page.items.forEach((item) => listEl.append(render(item)));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (!listEl.children.length) listEl.append(h('li', {}, emptyState({ iconName: 'check', title: emptyText })));
  };
  more.addEventListener('click', () => withLoading(more, () => load()));
  clear(container).append(listEl, more);
  return load;
}

/**
 * A sheet asking for the mandatory reason (picked from presets or typed), plus days for a suspension.
 * Resolves {reason, days} or null.
 */
function reasonSheet({ title, confirmLabel, withDays = false, danger = false, presets = true }) {
  return new Promise((resolve) => {
    let result = null;
    const reason = field({ name: 'reason', label: tr('mod.reasonLabel'), hint: tr('mod.reasonHint'), multiline: true, required: true, maxlength: 1000 });
    const picker = presets ? chips(FLAG_REASONS.filter((r) => r !== 'other').map((r) => ({ value: r, label: tr(`mod.reason.${r}`) })), null,
      (value) => { reason.input.value = tr(`mod.preset.${value}`); reason.setError(null); }, { label: tr('mod.reasonPresets') }) : null;
    if (picker) picker.classList.add('mod-reasons');
    const days = withDays ? field({ name: 'days', label: tr('mod.days'), type: 'number', value: '7', inputmode: 'numeric', min: 1, max: 365, required: true }) : null;
    const error = formError();
    const send = button(confirmLabel, { type: 'submit', block: true, variant: danger ? 'danger' : 'primary', id: 'reason-send' });
    const sheet = openSheet({
      title,
      content: (close) => {
        const form = h('form', { class: 'mod-reason-form', novalidate: true }, picker, reason.el, days ? days.el : null, error,
          h('div', { class: 'sheet__actions' }, send, button(t('common.cancel'), { variant: 'ghost', block: true, onClick: () => close() })));
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          const text = reason.input.value.trim();
          if (!text) { reason.setError(tr('mod.reasonRequired')); reason.input.focus(); return; }
          const n = days ? Number(days.input.value) : null;
          if (days && !(Number.isInteger(n) && n >= 1 && n <= 365)) { days.setError(tr('mod.daysRange')); days.input.focus(); return; }
          result = { reason: text, days: n };
          close('ok');
        });
        return form;
      },
    });
    sheet.closed.then(() => resolve(result));
  });
}

/* ---------- the committee's queue ---------- */

function queueCard(item, reload) {
  const href = targetHref(item.target_type, item.target_id);
  const reasons = Object.entries(item.reasons || {}).sort((a, b) => b[1] - a[1]);
  const history = item.author_history || [];
  const act = async (btn, action) => {
    const answer = await reasonSheet({
      title: tr('mod.actTitle', { action: actionLabel(action) }), confirmLabel: actionLabel(action),
      withDays: action === 'suspend', danger: action === 'hide' || action === 'suspend',
    });
    if (!answer) return;
    await withLoading(btn, async () => {
      try {
        const done = await api.post('/api/v1/moderation/actions', { target_type: item.target_type, target_id: item.target_id, action, reason: answer.reason, days: answer.days });
        // Suspending a committee member takes two members: the first request applies nothing yet.
        toast(done && done.awaiting_second ? tr('mod.awaitingSecond') : tr('mod.done', { action: actionLabel(action) }));
        reload();
      } catch (err) {
        errorToast(err);
      }
    });
  };
  const actionButton = (action, variant) => {
    const b = button(actionLabel(action), { variant, small: true, dataset: { action } });
    b.addEventListener('click', () => act(b, action));
    return b;
  };
  const hideable = item.target_type !== 'member';
  return h('li', { class: 'card mod-case', dataset: { caseId: item.id, targetType: item.target_type, targetId: item.target_id, state: item.state } },
    h('p', { class: 'row mod-case__head' },
      pill(tr(`mod.type.${item.target_type}`)),
      pill(tr(`mod.state.${item.state}`), item.state === 'hidden' ? 'danger' : item.state === 'open' ? 'warn' : 'ok'),
      item.is_held_by_filter ? pill(tr('mod.heldByFilter'), 'warn') : null,
      item.brigade ? pill(tr('mod.brigade', { count: item.new_member_flags }), 'danger') : null,
      h('strong', { class: 'mod-case__count', text: tr('mod.flagCount', { count: item.flag_count }) })),
    h('blockquote', { class: 'mod-case__excerpt', text: item.excerpt || tr('mod.noExcerpt') }),
    href ? h('p', { class: 'small' }, h('a', { href, text: tr('mod.open') })) : null,
    reasons.length ? h('p', { class: 'mod-case__reasons' }, reasons.map(([r, n]) => pill(`${tr(`mod.reason.${r}`)} × ${n}`))) : null,
    (item.flag_texts || []).length ? h('ul', { class: 'mod-case__texts small' }, item.flag_texts.map((text) => h('li', { text }))) : null,
    h('details', { class: 'mod-case__author' },
      h('summary', { text: tr('mod.authorHistory', { name: item.author ? item.author.display_name : tr('mod.formerResident'), count: history.length }) }),
      history.length ? h('ul', { class: 'small' }, history.map((a) => h('li', {}, pill(doneLabel(a.action), ACTION_KIND[a.action]), ' ', h('span', { text: `${a.reason} · ${formatDateTime(a.created_at)}` }))))
        : h('p', { class: 'small muted', text: tr('mod.noHistory') })),
    h('div', { class: 'mod-case__actions' },
      hideable && !item.is_hidden ? actionButton('hide', 'danger') : null,
      hideable && (item.is_hidden || item.flag_count) ? actionButton('restore', 'secondary') : null,
      item.author ? actionButton('warn', 'secondary') : null,
      item.author ? actionButton('suspend', 'ghost') : null));
}

async function queueScreen(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const { gate, cid } = committeeGate(tr('mod.queueTitle'));
  if (gate) return gate;
  const filters = { state: ctx.query.state || '', type: ctx.query.type || '' };
  const body = h('div', { id: 'moderation-queue' });
  let load;
  const reload = () => load(true).catch(errorToast);
  const fetchPage = (cursor) => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (filters.state) q.set('state', filters.state);
    if (filters.type) q.set('target_type', filters.type);
    if (cursor) q.set('cursor', cursor);
    return api.get(`/api/v1/communities/${cid}/moderation/queue?${q}`, { fresh: true });
  };
  load = pagedList(body, fetchPage, (item) => queueCard(item, reload), tr('mod.queueEmpty'));
  const stateChips = chips(['', 'open', 'hidden', 'resolved'].map((s) => ({ value: s, label: s ? tr(`mod.state.${s}`) : tr('mod.pending') })), filters.state,
    (value) => { filters.state = value; reload(); }, { label: tr('mod.filterState') });
  const typeChips = chips(['', ...TARGET_TYPES].map((s) => ({ value: s, label: s ? tr(`mod.type.${s}`) : tr('mod.allTypes') })), filters.type,
    (value) => { filters.type = value; reload(); }, { label: tr('mod.filterType') });
  await load(true);
  return {
    title: tr('mod.queueTitle'),
    back: '/',
    node: h('div', { class: 'mod-screen' },
      h('p', { class: 'muted small secondary', text: tr('mod.queueExplain') }),
      h('div', { class: 'mod-filters' }, stateChips, typeChips),
      body,
      h('p', { class: 'row mod-links' }, linkButton(tr('mod.appealsTitle'), '/committee/appeals', { variant: 'ghost' }), linkButton(tr('mod.auditTitle'), '/committee/audit', { variant: 'ghost' }))),
  };
}

/* ---------- appeals (committee) ---------- */

function appealCard(appeal, reload) {
  const decide = async (btn, decision) => {
    const answer = await reasonSheet({ title: tr(`mod.decide.${decision}`), confirmLabel: tr(`mod.decide.${decision}`), presets: false });
    if (!answer) return;
    await withLoading(btn, async () => {
      try {
        await api.post(`/api/v1/appeals/${appeal.id}/decision`, { decision, reason: answer.reason });
        toast(tr('mod.decided'));
        reload();
      } catch (err) {
        errorToast(err);
      }
    });
  };
  const decideButton = (decision, variant) => {
    const b = button(tr(`mod.decide.${decision}`), { variant, small: true, dataset: { decision } });
    b.addEventListener('click', () => decide(b, decision));
    return b;
  };
  const a = appeal.action;
  const href = a && targetHref(a.target_type, a.target_id);
  return h('li', { class: 'card mod-appeal', dataset: { appealId: appeal.id, status: appeal.status } },
    h('p', { class: 'row' }, pill(tr(`mod.appealStatus.${appeal.status}`), appeal.status === 'pending' ? 'warn' : appeal.status === 'reversed' ? 'ok' : null),
      h('span', { class: 'small muted', text: `${appeal.author ? appeal.author.display_name : ''} · ${formatDateTime(appeal.created_at)}` })),
    a ? h('p', { class: 'small' }, pill(doneLabel(a.action), ACTION_KIND[a.action]), ' ', h('span', { text: tr('mod.actionReason', { reason: a.reason }) }),
      href ? [' · ', h('a', { href, text: tr(`mod.type.${a.target_type}`) })] : null) : null,
    h('blockquote', { class: 'mod-case__excerpt', text: appeal.text }),
    appeal.decision_reason ? h('p', { class: 'small', text: tr('mod.decisionReason', { reason: appeal.decision_reason }) }) : null,
    appeal.status === 'pending' ? h('div', { class: 'mod-case__actions' }, decideButton('uphold', 'secondary'), decideButton('reverse', 'primary')) : null);
}

async function appealsScreen(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const { gate, cid } = committeeGate(tr('mod.appealsTitle'));
  if (gate) return gate;
  let status = ctx.query.status || 'pending';
  const body = h('div', { id: 'appeal-list' });
  let load;
  const reload = () => load(true).catch(errorToast);
  load = pagedList(body, (cursor) => api.get(`/api/v1/communities/${cid}/appeals?status=${status}&limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`, { fresh: true }),
    (appeal) => appealCard(appeal, reload), tr('mod.appealsEmpty'));
  const statusChips = chips(['pending', 'upheld', 'reversed'].map((s) => ({ value: s, label: tr(`mod.appealStatus.${s}`) })), status,
    (value) => { status = value; reload(); }, { label: tr('mod.filterState') });
  await load(true);
  return { title: tr('mod.appealsTitle'), back: '/committee/moderation', node: h('div', { class: 'mod-screen' }, h('p', { class: 'muted small secondary', text: tr('mod.appealsExplain') }), statusChips, body) };
}

/* ---------- audit log (committee) ---------- */

const AUDIT_PREFIXES = ['', 'moderation', 'appeal', 'member', 'report', 'project', 'poll', 'notice', 'organisation', 'signup'];
const AUDIT_TARGET_TYPES = ['project', 'comment', 'report', 'aid', 'notice', 'activity', 'organisation', 'member', 'user', 'community',
  'grid', 'appeal', 'poll', 'shift_signup'];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
// Other domains' words for their own states, so the log says "待审核 → 已通过" exactly as their screens do.
const reportWords = bundle('reports');
const projectWords = bundle('projects');
const pollWords = bundle('polls');

/** "member.verify" → "核实居民"; an action this screen does not know yet falls back to its domain's name. */
function auditActionLabel(action) {
  const key = `mod.auditAction.${action}`;
  if (tr.has(key)) return tr(key);
  const domain = `mod.audit.${String(action).split('.')[0]}`;
  return tr.has(domain) ? tr(domain) : tr('mod.auditOther');
}

function targetLabel(type) {
  const key = `mod.type.${type}`;
  return tr.has(key) ? tr(key) : tr('mod.type.other');
}

function statusWord(targetType, value) {
  const candidates = {
    report: [reportWords, `status.${value}`],
    project: [projectWords, `projects.status.${value}`],
    poll: [pollWords, `polls.status.${value}`],
    appeal: [tr, `mod.appealStatus.${value}`],
  }[targetType];
  if (candidates && candidates[0].has(candidates[1])) return candidates[0](candidates[1]);
  return tr.has(`mod.value.${value}`) ? tr(`mod.value.${value}`) : String(value);
}

/** One before/after value as a person reads it: translated states and roles, local times, 是/否. */
function auditValue(field, value, targetType) {
  if (value === null || value === undefined || value === '') return tr('mod.value.none');
  if (typeof value === 'boolean') return value ? tr('mod.value.yes') : tr('mod.value.no');
  if (Array.isArray(value)) return value.length ? value.map((v) => auditValue(field, v, targetType)).join('、') : tr('mod.value.none');
  if (field === 'status') return statusWord(targetType, value);
  if (field === 'role') return t(`role.${value}`);
  if (field === 'method') return pollWords.has(`polls.method.${value}`) ? pollWords(`polls.method.${value}`) : String(value);
  if (field.endsWith('_id') || field.endsWith('_ids')) return tr('mod.value.number', { id: value });
  if (field === 'budget_cents') return formatMoney(Number(value));
  if (field === 'hours') return tr('mod.value.hours', { hours: formatNumber(Number(value), { maximumFractionDigits: 2 }) });
  if (typeof value === 'string' && ISO_TIME.test(value)) return formatDateTime(value);
  if (typeof value === 'object') return tr('mod.value.changed');
  // a code (an aid post's kind, a signup's state) in the reader's words when the bundle has them
  return tr.has(`mod.value.${value}`) ? tr(`mod.value.${value}`) : String(value);
}

/**
 * What changed, one line per field this screen knows ("状态：待核实 → 已认证"). A field it does not know is
 * not shown rather than shown as a raw key; add its label to mod.field.* when a domain starts recording it.
 */
function auditChanges(entry) {
  const before = entry.before || {};
  const after = entry.after || {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => tr.has(`mod.field.${f}`));
  return fields.map((field) => {
    const label = tr(`mod.field.${field}`);
    // the server names the ids (assignee_id: 14 is 李网格员); the number only when the thing is gone
    const named = (labels, value) => (labels && labels[field] !== undefined ? [].concat(labels[field]).join('、') : auditValue(field, value, entry.target_type));
    const from = field in before ? named(entry.before_labels, before[field]) : null;
    const to = field in after ? named(entry.after_labels, after[field]) : null;
    const text = from !== null && to !== null && entry.before && entry.after ? `${from} → ${to}` : (to ?? from);
    return h('li', {}, h('span', { class: 'mod-audit__field', text: `${label}${tr('mod.colon')}` }), h('span', { text }));
  });
}

function auditItem(entry) {
  const href = targetHref(entry.target_type, entry.target_id);
  // "居民 张阿姨", "随手拍 “垃圾堆放未清理”": the person's name or the item's title (the number only when it is gone)
  const what = entry.target_label ? h('span', { 'data-user-content': '', text: entry.target_label })
    : entry.target_id ? tr('mod.value.number', { id: entry.target_id }) : '';
  const target = [h('span', { text: targetLabel(entry.target_type) }), what ? ' ' : null, what];
  const changes = auditChanges(entry);
  return h('li', { class: 'mod-audit', dataset: { entryId: entry.id, action: entry.action } },
    h('p', { class: 'row' }, h('strong', { class: 'mod-audit__action', text: auditActionLabel(entry.action) }),
      h('time', { class: 'small muted', datetime: entry.created_at, text: formatDateTime(entry.created_at) })),
    h('p', { class: 'small' }, h('span', { text: entry.actor ? entry.actor.display_name : tr('mod.system') }), ' · ',
      href ? h('a', { href }, target) : h('span', {}, target)),
    entry.reason ? h('p', { class: 'small', text: tr('mod.actionReason', { reason: entry.reason }) }) : null,
    changes.length ? h('ul', { class: 'small muted mod-audit__change' }, changes) : null);
}

async function auditScreen(ctx) {
  await Promise.all([prepare(), reportWords.ready(), projectWords.ready(), pollWords.ready()]);
  if (!requireUser(ctx)) return null;
  const { gate, cid } = committeeGate(tr('mod.auditTitle'));
  if (gate) return gate;
  const filters = { action: ctx.query.action || '', target_type: ctx.query.target_type || '' };
  const body = h('div', { id: 'audit-log' });
  let load;
  const reload = () => load(true).catch(errorToast);
  load = pagedList(body, (cursor) => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (filters.action) q.set('action', filters.action);
    if (filters.target_type) q.set('target_type', filters.target_type);
    if (cursor) q.set('cursor', cursor);
    return api.get(`/api/v1/communities/${cid}/audit-log?${q}`, { fresh: true });
  }, auditItem, tr('mod.auditEmpty'));
  const actionChips = chips(AUDIT_PREFIXES.map((p) => ({ value: p, label: p ? tr(`mod.audit.${p}`) : tr('mod.allActions') })), filters.action,
    (value) => { filters.action = value; reload(); }, { label: tr('mod.filterAction') });
  const typeField = field({ name: 'target_type', label: tr('mod.filterType'), value: filters.target_type,
    options: [{ value: '', label: tr('mod.allTypes') }, ...AUDIT_TARGET_TYPES.map((v) => ({ value: v, label: targetLabel(v) }))] });
  typeField.input.addEventListener('change', () => { filters.target_type = typeField.input.value; reload(); });
  await load(true);
  return {
    title: tr('mod.auditTitle'),
    back: '/committee/moderation',
    node: h('div', { class: 'mod-screen' }, h('p', { class: 'muted small secondary', text: tr('mod.auditExplain') }), actionChips, typeField.el, body),
  };
}

/* ---------- what the committee did about me, and my appeals ---------- */

function appealForm(action, redraw) {
  const text = field({ name: 'appeal', label: tr('mod.appealLabel'), hint: tr('mod.appealHint'), multiline: true, required: true, maxlength: 2000 });
  const error = formError();
  const send = button(tr('mod.appealSend'), { type: 'submit', block: true, dataset: { appealFor: action.id } });
  const form = h('form', { class: 'mod-appeal-form', novalidate: true }, text.el, error, send);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = text.input.value.trim();
    if (!value) { text.setError(tr('mod.appealRequired')); text.input.focus(); return; }
    withLoading(send, async () => {
      try {
        await api.post('/api/v1/appeals', { action_id: action.id, text: value });
        toast(tr('mod.appealSent'));
        redraw();
      } catch (err) {
        showErrors(err, { text }, error);
      }
    });
  });
  return form;
}

function myActionCard(action, redraw) {
  const href = targetHref(action.target_type, action.target_id);
  const appeal = action.appeal;
  const appealable = !appeal && action.action !== 'lift_suspension';
  const formSlot = h('div', {});
  const open = appealable ? button(tr('mod.appeal'), { variant: 'secondary', block: true, dataset: { openAppeal: action.id } }) : null;
  if (open) open.addEventListener('click', () => { open.hidden = true; formSlot.append(appealForm(action, redraw)); formSlot.querySelector('textarea').focus(); });
  return h('li', { class: 'card mod-mine', dataset: { actionId: action.id, action: action.action } },
    h('p', { class: 'row' }, pill(doneLabel(action.action), ACTION_KIND[action.action]), h('span', { class: 'small muted', text: formatDateTime(action.created_at) })),
    h('p', { class: 'small' }, h('span', { text: tr(`mod.type.${action.target_type}`) }), href ? [' · ', h('a', { href, text: tr('mod.open') })] : null),
    h('p', { class: 'mod-mine__reason', text: tr('mod.actionReason', { reason: action.reason }) }),
    action.suspended_until ? h('p', { class: 'notice', text: tr('mod.suspendedUntil', { when: formatDateTime(action.suspended_until) }) }) : null,
    appeal ? h('p', { class: `notice${appeal.status === 'reversed' ? ' notice--ok' : ''} mod-mine__appeal`, dataset: { appealStatus: appeal.status } },
      h('strong', { text: tr(`mod.appealStatus.${appeal.status}`) }), appeal.decision_reason ? h('span', { text: ` — ${appeal.decision_reason}` }) : null) : null,
    open, formSlot);
}

async function mineScreen(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const m = currentMembership();
  if (!m) return { title: tr('mod.mineTitle'), back: '/me', node: emptyState({ iconName: 'building', title: tr('mod.noCommunity') }) };
  const body = h('div', { id: 'moderation-mine' }, skeleton(2));
  const draw = async () => {
    const actions = await api.get(`/api/v1/communities/${m.community.id}/moderation/mine`, { fresh: true });
    clear(body).append(actions.length
      ? h('ul', { class: 'mod-list' }, actions.map((a) => myActionCard(a, () => draw().catch(errorToast))))
      : emptyState({ iconName: 'check', title: tr('mod.mineEmpty') }));
  };
  await draw();
  return {
    title: tr('mod.mineTitle'),
    back: '/me',
    node: h('div', { class: 'mod-screen' }, suspensionBanner(m), h('p', { class: 'muted small', text: tr('mod.mineExplain') }), body),
  };
}

/* ---------- routes (LAZY_SCREENS in app.js) ---------- */

export const ROUTES = {
  '/committee/moderation': queueScreen,
  '/committee/appeals': appealsScreen,
  '/committee/audit': auditScreen,
  '/moderation/mine': mineScreen,
};

export function registerModerationRoutes(route) {
  for (const [pattern, handler] of Object.entries(ROUTES)) route(pattern, handler);
}
