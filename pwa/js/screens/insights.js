// The committee's dashboard (where a committee member starts the day): period switcher, big numbers with
// 12-week sparklines, early warnings, the SVG grid map, per-grid table, satisfaction by category,
// participation, aid, volunteering, moderation, weekly charts and CSV exports.
// The shell mounts it with registerInsightsRoutes(router.route).
import { api } from '../api.js';
import { bundle, formatDateTime, formatDay, formatNumber } from '../i18n.js';
import { navigate, routeTable } from '../router.js';
import { currentMembership, getCommunityId, memberships, state } from '../store.js';
import { button, chips, clear, emptyState, errorText, h, linkButton, openSheet, pill, useStylesheet } from '../ui.js';
import { dashboardLedgerLinks, patrolCoverageLink } from './tasks-links.js';
import { communityName, requireUser } from './common.js';
import { bars, sparkline } from './insights-charts.js';
import { gridMap } from './insights-map.js';

const tr = bundle('insights');
const PERIODS = ['week', 'month', 'quarter', 'custom'];
const MAP_FIGURES = ['open', 'overdue', 'new', 'mean_stars', 'within_deadline_share', 'resolve_hours_median'];
const EXPORTS = ['reports', 'projects', 'polls', 'aid', 'volunteer-hours'];

async function prepare() {
  useStylesheet('/css/insights.css');
  await tr.ready();
}

/* ---------- formatting ---------- */

const num = (v) => formatNumber(v);
const pct = (v) => (typeof v === 'number' ? `${formatNumber(v * 100)}%` : '—');
const hrs = (v) => (typeof v === 'number' ? tr('insights.hours', { n: formatNumber(v) }) : '—');
const stars = (v) => (typeof v === 'number' ? `${formatNumber(v)} ★` : '—');
const FORMAT = { open: num, overdue: num, new: num, resolved: num, mean_stars: stars, within_deadline_share: pct, resolve_hours_median: hrs };

/** The community to show: ?community=, else a committee membership (current first), else the remembered one. */
function communityOf(ctx) {
  const fromQuery = Number(ctx.query.community);
  if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const current = currentMembership();
  if (current && current.role === 'committee') return current.community.id;
  const committee = memberships().find((m) => m.role === 'committee' && m.status === 'verified');
  if (committee) return committee.community.id;
  return current ? current.community.id : getCommunityId();
}

function periodQuery(q) {
  // "custom" before its two dates are chosen shows this week's figures with the date form open
  const custom = q.period === 'custom' && q.start && q.end;
  const params = new URLSearchParams({ period: custom || q.period !== 'custom' ? q.period || 'week' : 'week' });
  if (custom) {
    params.set('start', q.start);
    params.set('end', q.end);
  }
  return params;
}

function here(cid, q, extra = {}) {
  const params = periodQuery({ ...q, ...extra });
  params.set('community', cid);
  if (extra.figure || q.figure) params.set('figure', extra.figure || q.figure);
  if (q.region) params.set('region', q.region);
  return `/committee/insights?${params}`;
}

/* ---------- building blocks ---------- */

function tile({ label, value, spark, kind, hint }) {
  return h('div', { class: `itile${kind ? ` itile--${kind}` : ''}` },
    h('span', { class: 'itile__label', text: label }),
    h('span', { class: 'itile__value', text: value }),
    hint ? h('span', { class: 'itile__hint secondary', text: hint }) : null,
    spark || null);
}

function section(title, ...children) {
  return h('section', { class: 'isection' }, h('h2', { class: 'isection__title', text: title }), ...children);
}

function table(headers, rows, { caption } = {}) {
  return h('div', { class: 'itable-wrap', tabindex: 0, role: 'region', 'aria-label': caption || '' },
    h('table', { class: 'itable' },
      caption ? h('caption', { class: 'visually-hidden', text: caption }) : null,
      h('thead', {}, h('tr', {}, headers.map((x, i) => h('th', { scope: 'col', class: i ? 'num' : '', text: x })))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c, i) => (i === 0
        ? h('th', { scope: 'row' }, c)
        : h('td', { class: 'num' }, c))))))));
}

function periodSwitcher(cid, q, period) {
  const wrap = h('div', { class: 'iperiod' });
  wrap.append(chips(PERIODS.map((p) => ({ value: p, label: tr(`insights.period.${p}`) })), q.period || 'week', (p) => {
    if (p !== 'custom') navigate(here(cid, q, { period: p }));
    else customForm.hidden = false;
  }, { label: tr('insights.period.label') }));
  const start = h('input', { type: 'date', name: 'start', value: q.start || period.start, required: true, 'aria-label': tr('insights.period.start') });
  const end = h('input', { type: 'date', name: 'end', value: q.end || period.end, required: true, 'aria-label': tr('insights.period.end') });
  const customForm = h('form', { class: 'iperiod__custom', hidden: (q.period || 'week') !== 'custom', onsubmit: (e) => {
    e.preventDefault();
    navigate(here(cid, q, { period: 'custom', start: start.value, end: end.value }));
  } }, start, h('span', { text: '–' }), end, button(tr('insights.period.apply'), { type: 'submit', small: true }));
  wrap.append(customForm, h('p', { class: 'muted iperiod__range', text: tr('insights.period.range', { start: formatDay(period.start), end: formatDay(period.end) }) }));
  return wrap;
}

function warningList(warnings) {
  if (!warnings.length) return h('p', { class: 'iwarn iwarn--none', text: tr('insights.warnings.none') });
  return h('ul', { class: 'iwarn-list' }, warnings.map((w) => {
    const text = w.kind === 'grid_surge'
      ? tr('insights.warnings.surge', { grid: (w.grid && w.grid.name) || '', count: w.count, mean: num(w.baseline_mean), threshold: num(w.threshold) })
      : tr('insights.warnings.reopen', { category: w.label, recent: pct(w.recent_rate), baseline: pct(w.baseline_rate) });
    return h('li', { class: 'iwarn', role: 'note' }, h('span', { class: 'iwarn__icon', 'aria-hidden': 'true', text: '!' }),
      h('span', { text }), w.notified ? pill(tr('insights.warnings.notified'), 'ok') : null);
  }));
}

function bigNumbers(figures, series) {
  const r = figures.reports;
  const spark = (name, label) => (series && series[name] ? sparkline(series[name], { label: tr('insights.sparkLabel', { figure: label }) }) : null);
  return h('div', { class: 'itiles' },
    tile({ label: tr('insights.fig.new'), value: num(r.new), spark: spark('reports_new', tr('insights.fig.new')) }),
    tile({ label: tr('insights.fig.open'), value: num(r.open), hint: tr('insights.now') }),
    tile({ label: tr('insights.fig.overdue'), value: num(r.overdue), kind: r.overdue ? 'danger' : null, hint: tr('insights.now') }),
    tile({ label: tr('insights.fig.resolved'), value: num(r.resolved), spark: spark('reports_resolved', tr('insights.fig.resolved')) }),
    tile({ label: tr('insights.fig.resolveMedian'), value: hrs(r.resolve_hours.median), hint: tr('insights.p90', { v: hrs(r.resolve_hours.p90) }), spark: spark('resolve_hours_median', tr('insights.fig.resolveMedian')) }),
    tile({ label: tr('insights.fig.withinDeadline'), value: pct(r.within_deadline_share), spark: spark('within_deadline_share', tr('insights.fig.withinDeadline')) }),
    tile({ label: tr('insights.fig.satisfaction'), value: stars(r.satisfaction.mean_stars), hint: tr('insights.ratings', { n: r.satisfaction.ratings, share: pct(r.satisfaction.share_4_plus) }), spark: spark('mean_stars', tr('insights.fig.satisfaction')) }),
    tile({ label: tr('insights.fig.reopenRate'), value: pct(r.reopen_rate), kind: r.reopen_rate > 0.2 ? 'warn' : null, spark: spark('reopen_rate', tr('insights.fig.reopenRate')) }));
}

function timing(r) {
  return table([tr('insights.col.step'), tr('insights.col.median'), tr('insights.col.p90'), tr('insights.col.count')], [
    [tr('insights.fig.accept'), hrs(r.accept_hours.median), hrs(r.accept_hours.p90), num(r.accept_hours.count)],
    [tr('insights.fig.resolve'), hrs(r.resolve_hours.median), hrs(r.resolve_hours.p90), num(r.resolve_hours.count)],
  ], { caption: tr('insights.timing') });
}

function gridName(grid) {
  return grid ? (grid.name || tr('insights.gridNumber', { number: grid.number })) : tr('insights.noGrid');
}

function gridTable(rows, onSelect) {
  return table([tr('insights.col.grid'), tr('insights.fig.new'), tr('insights.fig.open'), tr('insights.fig.overdue'), tr('insights.fig.resolved'),
    tr('insights.fig.withinDeadline'), tr('insights.fig.satisfaction'), tr('insights.fig.householdVote')],
  rows.map((row) => {
    const r = row.figures.reports;
    const name = row.grid ? h('button', { type: 'button', class: 'ilink', onclick: () => onSelect(row.grid.id), text: gridName(row.grid) }) : gridName(row.grid);
    return [name, num(r.new), num(r.open), h('span', { class: r.overdue ? 'text-danger' : '', text: num(r.overdue) }), num(r.resolved),
      pct(r.within_deadline_share), stars(r.satisfaction.mean_stars), pct(row.figures.participation.household_vote_share)];
  }), { caption: tr('insights.grids') });
}

/** Each handler's scorecard for the period (issue 19): on time, reopened, satisfaction; open and overdue now. */
function scorecardTable(cards) {
  if (!cards || !cards.items.length) return h('p', { class: 'muted', text: tr('insights.scorecards.none') });
  return table([tr('insights.scorecards.handler'), tr('insights.scorecards.responseOnTime'), tr('insights.fig.resolved'),
    tr('insights.scorecards.resolveOnTime'), tr('insights.fig.reopenRate'), tr('insights.fig.satisfaction'), tr('insights.fig.overdue'),
    tr('insights.scorecards.patrols')],
  cards.items.map((row) => {
    const f = row.figures;
    const name = (row.handler && row.handler.display_name) || tr('insights.formerResident');
    const grids = row.grids.map((g) => gridName(g)).join('、');
    return [h('span', {}, h('span', { 'data-user-content': '', text: name }), grids ? h('span', { class: 'muted small iscore__grids', text: grids }) : null),
      pct(f.response_on_time_share), num(f.resolved), pct(f.resolve_on_time_share), pct(f.reopen_rate), stars(f.mean_stars),
      h('span', { class: f.overdue ? 'text-danger' : '', text: num(f.overdue) }), num(f.patrols_done || 0)];
  }), { caption: tr('insights.scorecards.title') });
}

function categoryTable(categories) {
  const used = categories.filter((c) => c.reports.new || c.reports.open || c.reports.resolved || c.reports.satisfaction.ratings || c.reports.satisfaction.confirmed_by_default);
  if (!used.length) return h('p', { class: 'muted', text: tr('insights.noReports') });
  return table([tr('insights.col.category'), tr('insights.fig.new'), tr('insights.fig.open'), tr('insights.fig.resolveMedian'), tr('insights.fig.reopenRate'),
    tr('insights.fig.satisfaction'), tr('insights.col.share4'), tr('insights.col.ratings'), tr('insights.col.byDefault')],
  used.map((c) => {
    const r = c.reports;
    return [c.label, num(r.new), num(r.open), hrs(r.resolve_hours.median), pct(r.reopen_rate), stars(r.satisfaction.mean_stars),
      pct(r.satisfaction.share_4_plus), num(r.satisfaction.ratings), num(r.satisfaction.confirmed_by_default)];
  }), { caption: tr('insights.byCategory') });
}

function kvList(pairs) {
  return h('dl', { class: 'kv ikv' }, pairs.map(([k, v]) => [h('dt', { text: k }), h('dd', { class: 'num', text: v })]));
}

function participation(p) {
  return kvList([
    [tr('insights.fig.verifiedResidents'), num(p.verified_residents)], [tr('insights.fig.verifiedHouseholds'), num(p.verified_households)],
    [tr('insights.fig.householdVote'), `${pct(p.household_vote_share)} (${num(p.voting_households)})`], [tr('insights.fig.ballots'), num(p.ballots)],
    [tr('insights.fig.projectsSubmitted'), num(p.projects_submitted)], [tr('insights.fig.projectsApproved'), num(p.projects_approved)],
    [tr('insights.fig.projectsCompleted'), num(p.projects_completed)], [tr('insights.fig.projectRatings'), `${num(p.project_ratings)} · ${stars(p.project_mean_stars)}`],
  ]);
}

function aidAndVolunteering(a, v) {
  return kvList([
    [tr('insights.fig.aidPosts'), num(a.posts)], [tr('insights.fig.aidMatched'), `${pct(a.matched_share)} (${num(a.matched)})`],
    [tr('insights.fig.aidMatchMedian'), hrs(a.match_hours_median)], [tr('insights.fig.aidHours'), hrs(a.hours_exchanged)],
    [tr('insights.fig.activities'), num(v.activities)], [tr('insights.fig.signups'), num(v.signups)],
    [tr('insights.fig.attendance'), pct(v.attendance_rate)], [tr('insights.fig.volunteerHours'), hrs(v.hours)],
  ]);
}

function moderation(m) {
  if (!m) return null;
  const actions = Object.entries(m.actions).filter(([, n]) => n).map(([name, n]) => `${tr(`insights.action.${name}`)} ${n}`).join(' · ') || '0';
  return kvList([
    [tr('insights.fig.flags'), num(m.flags)], [tr('insights.fig.actions'), actions],
    [tr('insights.fig.appeals'), tr('insights.appeals', { filed: m.appeals.filed, pending: m.appeals.pending, upheld: m.appeals.upheld, reversed: m.appeals.reversed })],
  ]);
}

function weeklyCharts(trend) {
  if (!trend) return h('p', { class: 'muted', text: tr('insights.trendsUnavailable') });
  const s = trend.series;
  const chart = (name, format = num) => h('figure', { class: 'ichart' },
    h('figcaption', { text: tr(`insights.trend.${name}`) }),
    bars(s[name], { weeks: trend.weeks, format, label: tr('insights.trendLabel', { figure: tr(`insights.trend.${name}`), last: format(s[name][s[name].length - 1]) }) }),
    h('span', { class: 'ichart__axis secondary' }, h('span', { text: formatDay(trend.weeks[0].start) }), h('span', { text: formatDay(trend.weeks[trend.weeks.length - 1].end) })));
  return h('div', { class: 'icharts' }, chart('reports_new'), chart('reports_resolved'), chart('resolve_hours_median', hrs),
    chart('within_deadline_share', pct), chart('mean_stars', stars), chart('ballots'), chart('aid_posts'), chart('volunteer_hours', hrs));
}

function exportButtons(cid, q) {
  const query = periodQuery(q).toString();
  return h('div', { class: 'iexports' },
    EXPORTS.map((name) => linkButton(tr(`insights.export.${name}`), `/api/v1/communities/${cid}/exports/${name}.csv?${query}`, { variant: 'secondary', download: '', iconName: 'copy' })),
    h('a', { class: 'ilink', href: `/api/v1/communities/${cid}/open-data.json`, 'data-external': '', target: '_blank', rel: 'noopener', text: tr('insights.openData') }));
}

function gridSheet(grid, row) {
  const f = row ? row.figures : null;
  const content = h('div', { class: 'igrid-sheet' },
    h('p', {}, h('strong', { text: tr('insights.responsible') }), ' ',
      h('span', { text: grid.responsible ? (grid.responsible.display_name || tr('insights.formerResident')) : tr('insights.noResponsible') })),
    f ? kvList([
      [tr('insights.fig.new'), num(f.reports.new)], [tr('insights.fig.open'), num(f.reports.open)], [tr('insights.fig.overdue'), num(f.reports.overdue)],
      [tr('insights.fig.resolved'), num(f.reports.resolved)], [tr('insights.fig.resolveMedian'), hrs(f.reports.resolve_hours.median)],
      [tr('insights.fig.withinDeadline'), pct(f.reports.within_deadline_share)], [tr('insights.fig.reopenRate'), pct(f.reports.reopen_rate)],
      [tr('insights.fig.satisfaction'), stars(f.reports.satisfaction.mean_stars)], [tr('insights.fig.householdVote'), pct(f.participation.household_vote_share)],
      [tr('insights.fig.aidPosts'), num(f.aid.posts)], [tr('insights.fig.volunteerHours'), hrs(f.volunteering.hours)],
    ]) : null);
  openSheet({ title: gridName(grid), content });
}

function mapSection(cid, q, mapData, dashboard) {
  const figure = MAP_FIGURES.includes(q.figure) ? q.figure : 'open';
  const labels = new Map(dashboard.categories.map((c) => [c.category, c.label]));
  const rowsById = new Map(dashboard.grids.filter((r) => r.grid).map((r) => [r.grid.id, r]));
  const holder = h('div', {});
  const draw = (name) => {
    const grids = mapData.grids.map((g) => ({ ...g, value: g.figures[name] }));
    const { node, unmapped } = gridMap({ grids, pins: mapData.pins, figure: name, format: FORMAT[name], tr,
      categoryLabel: (key) => labels.get(key) || key, onSelect: (g) => gridSheet(g, rowsById.get(g.id)) });
    clear(holder).append(node);
    if (unmapped.length) {
      holder.append(h('p', { class: 'muted', text: tr('insights.map.unmapped') }),
        h('div', { class: 'chips' }, unmapped.map((g) => h('button', { type: 'button', class: 'chip', onclick: () => gridSheet(g, rowsById.get(g.id)), text: `${gridName(g)} · ${FORMAT[name](g.value)}` }))));
    }
  };
  draw(figure);
  return h('div', { class: 'imap-section' },
    chips(MAP_FIGURES.map((name) => ({ value: name, label: tr(`insights.map.${name}`) })), figure, (name) => {
      history.replaceState(null, '', here(cid, q, { figure: name }));
      draw(name);
    }, { label: tr('insights.map.choose') }),
    holder);
}

/** Exports list reports one by one: the committee's and the platform admin's, not the officials' above. */
function exportsAllowed(cid) {
  if (state.user && state.user.is_platform_admin) return true;
  return memberships().some((m) => m.community.id === cid && m.role === 'committee' && m.status === 'verified');
}

/* ---------- the screen ---------- */

async function dashboardScreen(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const cid = communityOf(ctx);
  if (!cid) {
    return { title: tr('insights.title'), node: emptyState({ iconName: 'building', title: tr('insights.noCommunity'), action: linkButton(tr('insights.findCommunity'), '/communities') }) };
  }
  const q = { period: PERIODS.includes(ctx.query.period) ? ctx.query.period : 'week', start: ctx.query.start, end: ctx.query.end, figure: ctx.query.figure, region: ctx.query.region };
  const query = periodQuery(q).toString();
  let dashboard;
  let trend = null;
  let mapData = null;
  let cards = null;
  try {
    [dashboard, trend, mapData, cards] = await Promise.all([
      api.get(`/api/v1/communities/${cid}/insights?${query}`, { fresh: true }),
      api.get(`/api/v1/communities/${cid}/insights/trends`, { fresh: true }).catch(() => null),
      api.get(`/api/v1/communities/${cid}/insights/map?${query}`, { fresh: true }).catch(() => null),
      api.get(`/api/v1/communities/${cid}/insights/scorecards?${query}`, { fresh: true }).catch(() => null),
    ]);
  } catch (err) {
    const body = err.status === 403 ? tr('insights.committeeOnly') : errorText(err);
    return { title: tr('insights.title'), back: '/', node: emptyState({ iconName: 'users', title: tr('insights.unavailable'), body }) };
  }
  const f = dashboard.figures;
  const selectGrid = (gridId) => {
    const row = dashboard.grids.find((r) => r.grid && r.grid.id === gridId);
    if (row) gridSheet(row.grid, row);
  };
  const node = h('div', { class: 'insights' },
    h('header', { class: 'insights__head' },
      h('div', {}, h('h1', { class: 'insights__title', text: communityName(dashboard.community) }),
        h('p', { class: 'muted secondary', text: tr('insights.generated', { at: formatDateTime(dashboard.generated_at) }) })),
      periodSwitcher(cid, q, dashboard.period)),
    section(tr('insights.warnings.title'), warningList(dashboard.warnings)),
    bigNumbers(f, trend && trend.series),
    h('div', { class: 'insights__split' },
      section(tr('insights.map.title'), mapData ? mapSection(cid, q, mapData, dashboard) : h('p', { class: 'muted', text: tr('insights.map.unavailable') })),
      h('div', {},
        section(tr('insights.grids'), gridTable(dashboard.grids, selectGrid)),
        section(tr('insights.timing'), timing(f.reports)))),
    section(tr('insights.scorecards.title'), scorecardTable(cards)),
    patrolCoverageLink(cid),
    dashboardLedgerLinks(cid, Number(ctx.query.region) > 0 ? Number(ctx.query.region) : null),
    section(tr('insights.byCategory'), categoryTable(dashboard.categories)),
    section(tr('insights.trends'), weeklyCharts(trend)),
    h('div', { class: 'insights__cols' },
      section(tr('insights.participation'), participation(f.participation)),
      section(tr('insights.aidVolunteering'), aidAndVolunteering(f.aid, f.volunteering)),
      section(tr('insights.moderation'), moderation(f.moderation))),
    exportsAllowed(cid) ? section(tr('insights.exports'), exportButtons(cid, q)) : null);
  // a street or district official came from their roll-up (/region/{id}): back goes there
  const region = Number(ctx.query.region);
  return { title: tr('insights.title'), back: Number.isInteger(region) && region > 0 ? `/region/${region}` : '/', node };
}

export function registerInsightsRoutes(route) {
  route('/committee/insights', dashboardScreen);
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = routeTable(registerInsightsRoutes);
