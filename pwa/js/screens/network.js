// Street and district officials (issue 19): the roll-up of the communities under a street or a district,
// worst first, with each community's warnings; a community opens its dashboard (the drill-down to its grids).
// Loaded on demand (LAZY_SCREENS in app.js): residents never download it.
import { api } from '../api.js';
import { bundle, formatDateTime, formatNumber } from '../i18n.js';
import { navigate } from '../router.js';
import { memberships, state } from '../store.js';
import {
  button, card, chips, emptyState, errorText, formError, h, linkButton, list, listItem, pill, showErrors, toast, useStylesheet, withLoading
} from '../ui.js';
import { communityName, requireUser } from './common.js';

const tr = bundle('network');
const PERIODS = ['week', 'month', 'quarter'];

async function prepare() {
  useStylesheet('/css/insights.css');
  useStylesheet('/css/network.css');
  await tr.ready();
}

const num = (v) => formatNumber(v ?? 0);
const pct = (v) => (typeof v === 'number' ? `${formatNumber(Math.round(v * 100))}%` : '—');
const stars = (v) => (typeof v === 'number' ? `${formatNumber(v)} ★` : '—');

function myRegions() {
  return (state.user && state.user.official_regions) || [];
}

function tile(label, value, kind) {
  return h('div', { class: `itile${kind ? ` itile--${kind}` : ''}` },
    h('span', { class: 'itile__label', text: label }),
    h('span', { class: 'itile__value', text: value }));
}

function warningText(w) {
  return w.kind === 'grid_surge'
    ? tr('network.warning.surge', { grid: (w.grid && w.grid.name) || '', count: num(w.count) })
    : tr('network.warning.reopen', { category: w.label || '', rate: pct(w.recent_rate) });
}

/** One community: its name (and street in a district), four figures, its warnings; opens its dashboard. */
function communityRow(row, regionId, showStreet, period) {
  const r = row.figures.reports;
  const href = `/committee/insights?community=${row.community.id}&period=${period}&region=${regionId}`;
  return h('li', { class: 'net-row' },
    h('a', { class: 'net-row__link', href },
      h('span', { class: 'net-row__head' },
        h('span', { class: 'net-row__name', 'data-user-content': '', text: communityName(row.community) }),
        r.overdue ? pill(tr('network.overdueCount', { n: num(r.overdue) }), 'danger') : pill(tr('network.noneOverdue'), 'ok')),
      showStreet && row.street ? h('span', { class: 'muted small', 'data-user-content': '', text: row.street.name }) : null,
      h('span', { class: 'net-row__figures' },
        h('span', { text: tr('network.fig.open', { n: num(r.open) }) }),
        h('span', { text: tr('network.fig.resolved', { n: num(r.resolved) }) }),
        h('span', { text: tr('network.fig.onTime', { v: pct(r.within_deadline_share) }) }),
        h('span', { text: tr('network.fig.stars', { v: stars(r.satisfaction.mean_stars) }) })),
      row.warnings.length
        ? h('ul', { class: 'iwarn-list net-row__warnings' }, row.warnings.map((w) => h('li', { class: 'iwarn', role: 'note' },
          h('span', { class: 'iwarn__icon', 'aria-hidden': 'true', text: '!' }), h('span', { text: warningText(w) }))))
        : null));
}

/** Worst first: most overdue, then most open, then by name. */
function worstFirst(a, b) {
  const ra = a.figures.reports;
  const rb = b.figures.reports;
  return (rb.overdue - ra.overdue) || (rb.open - ra.open) || communityName(a.community).localeCompare(communityName(b.community));
}

async function regionScreen(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const rid = Number(ctx.params.id);
  const period = PERIODS.includes(ctx.query.period) ? ctx.query.period : 'week';
  let data;
  let regions = [];
  try {
    [data, regions] = await Promise.all([
      api.get(`/api/v1/regions/${rid}/insights?period=${period}`, { fresh: true }),
      api.get('/api/v1/regions', { fresh: true }).then((r) => r.items).catch(() => []),
    ]);
  } catch (err) {
    const body = err.status === 403 ? tr('network.officialsOnly') : errorText(err);
    return { title: tr('network.title'), back: '/me', node: emptyState({ iconName: 'shield', title: tr('network.unavailable'), body }) };
  }
  const region = data.region;
  const totals = data.totals.reports;
  const rows = [...data.communities].sort(worstFirst);
  const warned = rows.filter((row) => row.warnings.length).length;
  const streets = region.kind === 'district' ? regions.filter((r) => r.parent_id === region.id) : [];
  const parent = region.kind === 'street' ? regions.find((r) => r.id === region.parent_id) : null;
  const node = h('div', { class: 'insights net' },
    h('header', { class: 'insights__head' },
      h('div', {},
        h('h1', { class: 'insights__title', 'data-user-content': '', text: region.name }),
        h('p', { class: 'muted secondary', text: tr(`network.kind.${region.kind}`, { n: num(rows.length) }) }),
        h('p', { class: 'muted small', text: tr('network.generated', { at: formatDateTime(data.generated_at) }) })),
      chips(PERIODS.map((p) => ({ value: p, label: tr(`network.period.${p}`) })), period,
        (p) => navigate(`/region/${rid}?period=${p}`, { replace: true }), { label: tr('network.period.label') })),
    h('div', { class: 'itiles' },
      tile(tr('network.tile.new'), num(totals.new)),
      tile(tr('network.tile.open'), num(totals.open)),
      tile(tr('network.tile.overdue'), num(totals.overdue), totals.overdue ? 'danger' : null),
      tile(tr('network.tile.warned'), num(warned), warned ? 'warn' : null)),
    parent ? h('p', { class: 'net-up' }, linkButton(tr('network.upTo', { name: parent.name }), `/region/${parent.id}?period=${period}`, { variant: 'ghost', iconName: 'chevron' })) : null,
    streets.length ? h('section', { class: 'isection' }, h('h2', { class: 'isection__title', text: tr('network.streets') }),
      list(streets.map((s) => listItem({ href: `/region/${s.id}?period=${period}`, iconName: 'building', title: s.name,
        meta: tr('network.communityCount', { n: num(s.communities.length) }) })))) : null,
    h('section', { class: 'isection' },
      h('h2', { class: 'isection__title', text: tr('network.communities') }),
      h('p', { class: 'muted small', text: tr('network.sortNote') }),
      rows.length ? h('ul', { class: 'net-rows' }, rows.map((row) => communityRow(row, rid, region.kind === 'district', period)))
        : emptyState({ iconName: 'building', title: tr('network.noCommunities') })));
  return { title: tr('network.title'), back: '/me', node };
}

/** /region: the one region I officiate opens at once; several are listed. */
async function myRegionsScreen(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const mine = myRegions();
  if (mine.length === 1) {
    navigate(`/region/${mine[0].id}`, { replace: true });
    return null;
  }
  const node = mine.length
    ? list(mine.map((r) => listItem({ href: `/region/${r.id}`, iconName: 'building', title: r.name, meta: tr(`network.role.${r.kind}`) })))
    : emptyState({ iconName: 'shield', title: tr('network.unavailable'), body: tr('network.officialsOnly') });
  return { title: tr('network.title'), back: '/me', node };
}

/* ---------- 权责清单: who handles which category, within which deadlines (published; the committee edits) ---------- */

const HANDLERS = ['grid_worker', 'committee'];

function isCommitteeOf(cid) {
  return memberships().some((m) => m.community.id === cid && m.role === 'committee' && m.status === 'verified');
}

function dutyRow(row) {
  return h('li', { class: 'list-item net-duty', dataset: { category: row.category } },
    h('span', { class: 'list-item__body' },
      h('span', { class: 'list-item__title', text: row.label }),
      h('span', { class: 'list-item__meta', text: tr('duty.deadlines', { hours: num(row.respond_hours), days: num(row.resolve_days) }) })),
    pill(tr(`duty.handler.${row.handler}`), row.handler === 'committee' ? 'warn' : 'ok'));
}

function dutyEditor(cid, items) {
  const inputs = items.map((row) => {
    const handler = h('select', { class: 'input', name: `handler-${row.category}`, 'aria-label': tr('duty.handlerOf', { category: row.label }) },
      HANDLERS.map((key) => h('option', { value: key, selected: key === row.handler, text: tr(`duty.handler.${key}`) })));
    const hours = h('input', { class: 'input', type: 'number', min: 1, max: 720, required: true, inputmode: 'numeric', value: row.respond_hours, name: `hours-${row.category}`, 'aria-label': tr('duty.hoursOf', { category: row.label }) });
    const days = h('input', { class: 'input', type: 'number', min: 1, max: 365, required: true, inputmode: 'numeric', value: row.resolve_days, name: `days-${row.category}`, 'aria-label': tr('duty.daysOf', { category: row.label }) });
    return { row, handler, hours, days };
  });
  const error = formError();
  const submit = button(tr('duty.save'), { type: 'submit', block: true });
  const form = h('form', { class: 'form net-duty-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    const body = { items: inputs.map(({ row, handler, hours, days }) => ({ category: row.category, handler: handler.value,
      respond_hours: Number(hours.value), resolve_days: Number(days.value) })) };
    withLoading(submit, async () => {
      try {
        await api.put(`/api/v1/communities/${cid}/responsibilities`, body);
        toast(tr('duty.saved'));
        navigate(`/communities/${cid}/responsibilities`, { replace: true });
      } catch (err) {
        showErrors(err, {}, error);
      }
    });
  } },
  inputs.map(({ row, handler, hours, days }) => h('fieldset', { class: 'net-duty-edit' },
    h('legend', { text: row.label }),
    h('label', { class: 'net-duty-edit__field' }, h('span', { text: tr('duty.handler') }), handler),
    h('span', { class: 'net-duty-edit__pair' },
      h('label', { class: 'net-duty-edit__field' }, h('span', { text: tr('duty.hours') }), hours),
      h('label', { class: 'net-duty-edit__field' }, h('span', { text: tr('duty.days') }), days)))),
  error, submit);
  return h('div', { class: 'section' }, h('h2', { class: 'section__title', text: tr('duty.editTitle') }), card(form));
}

async function responsibilitiesScreen(ctx) {
  await prepare();
  const cid = Number(ctx.params.id);
  let data;
  try {
    data = await api.get(`/api/v1/communities/${cid}/responsibilities`, { fresh: true });
  } catch (err) {
    return { title: tr('duty.title'), back: `/communities/${cid}`, node: emptyState({ iconName: 'building', title: tr('duty.unavailable'), body: errorText(err) }) };
  }
  const node = h('div', { class: 'net' },
    h('h1', { class: 'insights__title', 'data-user-content': '', text: communityName(data.community) }),
    h('p', { class: 'muted', text: tr('duty.intro') }),
    h('ul', { class: 'list' }, data.items.map(dutyRow)),
    isCommitteeOf(cid) ? dutyEditor(cid, data.items) : null);
  return { title: tr('duty.title'), back: `/communities/${cid}`, node };
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = { '/region': myRegionsScreen, '/region/:id': regionScreen, '/communities/:id/responsibilities': responsibilitiesScreen };
