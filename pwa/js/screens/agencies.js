// Outside agencies (部门报到, issue 19): the agency's desk (the reports communities transferred to it: to accept,
// in progress, resolved, returned) and the street's published monthly league table of agencies. Loaded on demand
// (LAZY_SCREENS in app.js); the words are the agencies bundle's.
import { api } from '../api.js';
import { bundle, formatDateTime, formatMonth, formatNumber } from '../i18n.js';
import { navigate } from '../router.js';
import { chips, emptyState, errorText, h, linkButton, pill, useStylesheet } from '../ui.js';
import { requireUser } from './common.js';

const tr = bundle('agencies');
const TABS = ['open', 'resolved', 'returned'];

async function prepare() {
  useStylesheet('/css/agencies.css');
  await tr.ready();
}

const num = (v) => formatNumber(v ?? 0);
const pct = (v) => (typeof v === 'number' ? `${formatNumber(Math.round(v * 100))}%` : '—');
const stars = (v) => (typeof v === 'number' ? `${formatNumber(v)} ★` : '—');
const share = (n, of, v) => (of ? tr('ag.card.ofShare', { n: num(n), of: num(of), v: pct(v) }) : '—');

function transferCard(t) {
  const r = t.report;
  const due = t.state === 'pending' ? tr('ag.respondBy', { time: formatDateTime(t.respond_due_at) })
    : t.state === 'accepted' ? tr('ag.resolveBy', { time: formatDateTime(t.resolve_due_at) }) : null;
  return h('li', { class: 'ag-item', dataset: { state: t.state } },
    h('a', { class: 'ag-item__link', href: `/reports/${r.id}` },
      h('span', { class: 'ag-item__head' },
        pill(tr(`ag.state.${t.state}`), t.state === 'pending' ? 'warn' : t.state === 'accepted' ? 'info' : 'ok'),
        t.is_late ? pill(tr('ag.late'), 'danger') : null,
        h('span', { class: 'muted small', text: r.category_label })),
      h('span', { class: 'ag-item__text', 'data-user-content': '', text: r.description }),
      h('span', { class: 'muted small', 'data-user-content': '', text: [r.grid && r.grid.name, r.location_text].filter(Boolean).join(' · ') }),
      due ? h('span', { class: `small${t.is_late ? ' ag-late' : ''}`, text: due }) : null,
      t.state === 'returned' && t.return_reason ? h('span', { class: 'small', 'data-user-content': '', text: tr('ag.returnReason', { reason: t.return_reason }) }) : null));
}

async function inboxScreen(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const id = Number(ctx.params.id);
  const tab = TABS.includes(ctx.query.state) ? ctx.query.state : 'open';
  let agency;
  let page;
  try {
    [agency, page] = await Promise.all([
      api.get(`/api/v1/agencies/${id}`, { fresh: true }),
      api.get(`/api/v1/agencies/${id}/transfers?state=${tab}&limit=50`, { fresh: true }),
    ]);
  } catch (err) {
    const text = err && err.status === 403 ? tr('ag.noAccess') : errorText(err);
    return { title: tr('ag.meTitle'), back: '/me', node: emptyState({ iconName: 'shield', title: text }) };
  }
  const tabs = chips(TABS.map((value) => ({ value, label: tr(`ag.tab.${value}`) })), tab,
    (value) => navigate(`/agencies/${id}?state=${value}`, { replace: true }), { label: tr('ag.meTitle') });
  const served = (agency.communities || []).map((c) => c.name).join('、');
  const node = h('div', { class: 'ag-screen', id: 'agency-inbox' },
    h('section', { class: 'card' },
      h('h2', { class: 'card__title', 'data-user-content': '', text: agency.name }),
      h('p', { class: 'muted small', text: `${tr(`ag.kind.${agency.kind}`)} · ${agency.region_name}` }),
      served ? h('p', { class: 'small', 'data-user-content': '', text: tr('ag.serves', { names: served }) }) : null,
      linkButton(tr('ag.leagueLink'), `/regions/${agency.region_id}/agency-league`, { variant: 'ghost', iconName: 'check' })),
    tabs,
    page.items.length
      ? h('ul', { class: 'ag-list' }, page.items.map(transferCard))
      : emptyState({ iconName: 'check', title: tr('ag.empty'), body: tr('ag.emptyBody') }));
  return { title: tr('ag.meTitle'), back: '/me', node };
}

function monthShift(month, by) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function leagueRow(row) {
  const f = row.figures;
  return h('li', { class: 'ag-rank', dataset: { rank: String(row.rank) } },
    h('span', { class: 'ag-rank__head' },
      h('span', { class: 'ag-rank__n', text: tr('ag.rank', { n: num(row.rank) }) }),
      h('span', { class: 'ag-rank__name', 'data-user-content': '', text: row.agency.name }),
      h('span', { class: 'muted small', text: tr(`ag.kind.${row.agency.kind}`) })),
    h('span', { class: 'ag-rank__figures' },
      h('span', { text: tr('ag.fig.received', { n: num(f.received) }) }),
      h('span', { text: tr('ag.fig.resolved', { n: num(f.resolved) }) }),
      h('span', { text: tr('ag.fig.onTime', { v: pct(f.resolve_on_time_share) }) }),
      h('span', { text: tr('ag.fig.response', { v: pct(f.response_on_time_share) }) }),
      h('span', { text: tr('ag.fig.stars', { v: stars(f.mean_stars) }) }),
      h('span', { text: tr('ag.fig.reopen', { v: pct(f.reopen_rate) }) }),
      h('span', { text: tr('ag.fig.open', { n: num(f.open) }) }),
      f.overdue ? h('span', { class: 'ag-late', text: tr('ag.fig.overdue', { n: num(f.overdue) }) }) : null));
}

function monthName(month) {
  return formatMonth(month);
}

/** One agency's card for a month: received, answered on time, returned, resolved on time, reopened, stars, now. */
function scorecardRow(row) {
  const f = row.figures;
  return h('li', { class: 'ag-rank ag-card', dataset: { agency: String(row.agency.id) } },
    h('span', { class: 'ag-rank__head' },
      h('span', { class: 'ag-rank__n', text: tr('ag.rank', { n: num(row.rank) }) }),
      h('span', { class: 'ag-rank__name', 'data-user-content': '', text: row.agency.name }),
      h('span', { class: 'muted small', text: tr(`ag.kind.${row.agency.kind}`) })),
    h('dl', { class: 'ag-card__figures' },
      [
        [tr('ag.card.received'), num(f.received)],
        [tr('ag.card.answeredOnTime'), share(f.answered_on_time, f.answered, f.response_on_time_share)],
        [tr('ag.card.returned'), num(f.returned)],
        [tr('ag.card.resolvedOnTime'), share(f.resolved_on_time, f.resolved, f.resolve_on_time_share)],
        [tr('ag.card.reopenRate'), pct(f.reopen_rate)],
        [tr('ag.card.stars'), f.ratings ? tr('ag.card.starsOf', { v: stars(f.mean_stars), n: num(f.ratings) }) : '—'],
        [tr('ag.card.openNow'), num(f.open)],
        [tr('ag.card.overdueNow'), num(f.overdue), f.overdue ? 'ag-late' : null],
      ].map(([label, value, cls]) => h('div', { class: 'ag-card__pair' },
        h('dt', { text: label }), h('dd', { class: cls || undefined, text: value })))));
}

/** A community's agency scorecards by month (committee, officials of its street or district): GET agency-scorecards. */
async function communityScorecardsScreen(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const cid = Number(ctx.params.id);
  const month = /^\d{4}-\d{2}$/.test(ctx.query.month || '') ? ctx.query.month : null;
  const region = Number(ctx.query.region) > 0 ? Number(ctx.query.region) : null;
  const back = `/committee/insights?community=${cid}${region ? `&region=${region}` : ''}`;
  let data;
  let community = null;
  try {
    [data, community] = await Promise.all([
      api.get(`/api/v1/communities/${cid}/agency-scorecards${month ? `?month=${month}` : ''}`, { fresh: true }),
      api.get(`/api/v1/communities/${cid}`).catch(() => null), // only for its street's published league table
    ]);
  } catch (err) {
    const body = err && err.status === 403 ? tr('ag.cardsNoAccess') : errorText(err);
    return { title: tr('ag.cardsTitle'), back, node: emptyState({ iconName: 'shield', title: tr('ag.cardsUnavailable'), body }) };
  }
  const shown = data.month || month || new Date().toISOString().slice(0, 7);
  const here = (m) => `/communities/${cid}/agency-scorecards?month=${m}${region ? `&region=${region}` : ''}`;
  // a select of the last twelve months named in the reader's language (a native month input speaks the browser's)
  const thisMonth = new Date().toISOString().slice(0, 7);
  const months = Array.from({ length: 12 }, (_, i) => monthShift(thisMonth, -i));
  if (!months.includes(shown)) months.unshift(shown);
  const monthInput = h('select', { class: 'input', name: 'month', 'aria-label': tr('ag.cardsMonth') },
    months.map((m) => h('option', { value: m, selected: m === shown, text: monthName(m) })));
  monthInput.addEventListener('change', () => navigate(here(monthInput.value), { replace: true }));
  const items = data.items || [];
  const node = h('div', { class: 'ag-screen', id: 'agency-scorecards' },
    h('p', { class: 'muted', text: tr('ag.cardsIntro', { month: monthName(shown) }) }),
    h('div', { class: 'ag-months ag-months--pick' },
      linkButton(tr('ag.prevMonth'), here(monthShift(shown, -1)), { variant: 'ghost' }),
      h('label', { class: 'ag-months__pick' }, h('span', { class: 'visually-hidden', text: tr('ag.cardsMonth') }), monthInput),
      linkButton(tr('ag.nextMonth'), here(monthShift(shown, 1)), { variant: 'ghost' })),
    items.length
      ? h('ol', { class: 'ag-league' }, items.map(scorecardRow))
      : emptyState({ iconName: 'check', title: tr('ag.cardsEmpty'), body: tr('ag.cardsEmptyBody') }),
    community && community.street_id
      ? linkButton(tr('ag.leagueLink'), `/regions/${community.street_id}/agency-league?month=${shown}`, { variant: 'ghost', iconName: 'check' })
      : null);
  return { title: tr('ag.cardsTitle'), back, node };
}

async function leagueScreen(ctx) {
  await prepare();
  const rid = Number(ctx.params.id);
  const month = /^\d{4}-\d{2}$/.test(ctx.query.month || '') ? ctx.query.month : null;
  let data;
  try {
    data = await api.get(`/api/v1/regions/${rid}/agency-league${month ? `?month=${month}` : ''}`, { fresh: true });
  } catch (err) {
    return { title: tr('ag.leagueTitle'), back: '/', node: emptyState({ iconName: 'shield', title: errorText(err) }) };
  }
  const monthLabel = formatMonth(data.month);
  const withFigures = data.items.filter((row) => row.figures.received || row.figures.open || row.figures.resolved);
  const node = h('div', { class: 'ag-screen', id: 'agency-league' },
    h('p', { class: 'muted', 'data-user-content': '', text: tr('ag.leagueIntro', { region: data.region.name, month: monthLabel }) }),
    h('nav', { class: 'ag-months' },
      linkButton(tr('ag.prevMonth'), `/regions/${rid}/agency-league?month=${monthShift(data.month, -1)}`, { variant: 'ghost' }),
      linkButton(tr('ag.nextMonth'), `/regions/${rid}/agency-league?month=${monthShift(data.month, 1)}`, { variant: 'ghost' })),
    withFigures.length
      ? h('ol', { class: 'ag-league' }, data.items.map(leagueRow))
      : emptyState({ iconName: 'check', title: tr('ag.leagueEmpty') }));
  return { title: tr('ag.leagueTitle'), back: '/', node };
}

export const ROUTES = {
  '/agencies/:id': inboxScreen,
  '/regions/:id/agency-league': leagueScreen,
  '/communities/:id/agency-scorecards': communityScorecardsScreen,
};
