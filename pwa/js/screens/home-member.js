// Home for a member: what residents open the app for, like a community mini-program. An urgent notice
// first; then, for staff, their queues (each one tap away); polls I have not voted in; my reports, aid posts
// and next shift; what is new in my grid; the latest notices. One request: GET /communities/{cid}/home.
// Loaded on demand by home.js (the first load stays small).
import { api } from '../api.js';
import { bundle, formatDate, formatDateTime } from '../i18n.js';
import { icon } from '../icons.js';
import { navigate } from '../router.js';
import { isCommittee, memberships, setCommunityId, state } from '../store.js';
import { chips, emptyState, errorText, h, linkButton, list, listItem, pill, skeleton, useStylesheet } from '../ui.js';
import { communityName, gridText, roleText, statusPill } from './common.js';
import { committeeLinks, suspensionBanner } from './moderation-links.js';

const tr = bundle('home');

// Where each staff count leads: its queue, in one tap.
const QUEUES = {
  members_pending: '/committee/members',
  reports_new: '/reports/queue?view=new',
  reports_in_progress: '/reports/queue',
  reports_overdue: '/reports/queue?view=overdue',
  projects_to_review: '/projects?status=in_review',
  moderation_open: '/committee/moderation',
  appeals_pending: '/committee/appeals',
  organisations_pending: '/committee/organisations',
};
const URGENT_COUNTS = new Set(['reports_overdue']);
const KIND_ICON = { report: 'camera', aid: 'help', project: 'vote', activity: 'users', poll: 'vote', notice: 'globe', shift: 'clock' };
const KIND_HREF = {
  notice: (id) => `/notices/${id}`, poll: (id) => `/polls/${id}`, report: (id) => `/reports/${id}`,
  aid: (id) => `/help/aid/${id}`, project: (id) => `/projects/${id}`, activity: (id) => `/help/activities/${id}`,
  shift: (id) => `/help/activities/${id}`,
};
const STATE_KIND = { submitted: 'warn', reopened: 'warn', resolved: 'ok', confirmed: 'ok', rejected: 'danger', open: 'ok', matched: 'ok', waitlisted: 'warn' };

function section(title, { id, more } = {}, ...children) {
  const body = children.flat().filter(Boolean);
  if (!body.length) return null;
  return h('section', { class: 'section home-section', id },
    // h2: the sections sit right under the app bar's h1 (axe and Lighthouse: heading-order)
    h('div', { class: 'home-section__head' }, h('h2', { class: 'section__title', text: title }), more || null),
    ...body);
}

function moreLink(label, href) {
  return h('a', { class: 'home-more', href }, h('span', { text: label }), icon('chevron', { size: 18 }));
}

/** The user-content title of an item, marked so that translators and the journey checks leave it alone. */
function itemLink({ href, iconName, title, meta, pills = [], dataset }) {
  return h('li', { dataset }, h('a', { class: 'list-item home-item', href },
    icon(iconName),
    h('span', { class: 'list-item__body' },
      h('span', { class: 'list-item__title home-item__title', 'data-user-content': '', text: title }),
      meta || pills.length ? h('span', { class: 'list-item__meta row' }, pills, meta ? h('span', { text: meta }) : null) : null),
    h('span', { class: 'list-item__chev' }, icon('chevron'))));
}

function stateText(item) {
  const key = `state.${item.kind}.${item.state}`;
  return item.state && tr.has(key) ? tr(key) : null;
}

function statePill(item) {
  const text = stateText(item);
  if (!text) return null;
  const kind = item.kind === 'shift' && item.state === 'confirmed' ? 'ok' : STATE_KIND[item.state];
  return pill(text, kind);
}

/* ---------- the parts ---------- */

function urgentBanners(items) {
  // A plain link: role=alert on an <a> would hide that it is a link (axe: aria-allowed-role, link-name).
  return items.map((n) => h('a', { class: 'home-urgent', href: `/notices/${n.id}`, dataset: { state: 'urgent' } },
    h('span', { class: 'home-urgent__label' }, icon('globe', { size: 20 }), h('span', { text: tr('urgent.label') })),
    h('strong', { class: 'home-urgent__title', 'data-user-content': '', text: n.title }),
    h('span', { class: 'home-urgent__when', text: formatDateTime(n.at) })));
}

function greeting(m, user) {
  return h('section', { class: 'card home-hello', id: 'membership-card', dataset: { status: m.status, role: m.role } },
    h('p', { class: 'home-hello__name', text: tr('hello', { name: user.display_name }) }),
    h('p', { class: 'home-hello__where row' },
      h('strong', { 'data-user-content': '', text: communityName(m.community) }),
      h('span', { class: 'muted', text: `${roleText(m.role)} · ${gridText(m.grid)}` }),
      m.status === 'verified' ? null : statusPill(m.status)));
}

/** What a pending resident can do while the committee checks their household: the truth and a next step. */
function pendingNote() {
  return h('section', { class: 'notice home-pending', role: 'note', id: 'pending-note' },
    h('strong', { text: tr('pending.title') }),
    h('p', { text: tr('pending.body') }),
    h('ul', { class: 'home-pending__list' }, ['pending.can1', 'pending.can2', 'pending.can3'].map((k) => h('li', { text: tr(k) }))),
    h('p', { class: 'small', text: tr('pending.wait') }));
}

function staffTiles(staff) {
  const tiles = Object.entries(staff.counts).filter(([key]) => QUEUES[key]).map(([key, count]) => {
    const alert = count > 0 && URGENT_COUNTS.has(key);
    return h('a', { class: `home-tile${count ? '' : ' home-tile--zero'}${alert ? ' home-tile--alert' : ''}`, href: QUEUES[key], dataset: { count: key } },
      h('span', { class: 'home-tile__count', text: String(count) }),
      h('span', { class: 'home-tile__label', text: tr(`count.${key}`) }));
  });
  return section(tr(staff.role === 'committee' ? 'staff.committee' : 'staff.grid'), { id: 'home-staff' },
    h('div', { class: 'home-tiles' }, tiles));
}

/** Open surveys I may answer and have not (none: the section is left out; the surveys list is one tap away). */
function surveysPart(surveys) {
  const items = (surveys || []).map((s) => itemLink({ href: `/surveys/${s.id}`, iconName: 'ticket', title: s.title,
    dataset: { kind: 'survey' }, pills: [pill(tr('surveys.notAnswered'), 'warn')],
    meta: s.at ? tr('surveys.closes', { when: formatDateTime(s.at) }) : tr('surveys.noDeadline') }));
  return section(tr('surveys.title'), { id: 'home-surveys', more: moreLink(tr('surveys.all'), '/surveys') }, items.length ? list(items) : null);
}

function pollsPart(polls, m) {
  const items = polls.map((p) => itemLink({ href: `/polls/${p.id}`, iconName: 'vote', title: p.title, dataset: { kind: 'poll', method: p.state },
    pills: [pill(tr('polls.notVoted'), 'warn')],
    meta: `${tr(`method.${p.state}`)} · ${tr('polls.closes', { when: formatDateTime(p.at) })}` }));
  const more = moreLink(tr('polls.all'), '/polls');
  if (!items.length) {
    return m.status === 'verified' ? section(tr('polls.title'), { id: 'home-polls', more }, h('p', { class: 'muted home-quiet', text: tr('polls.none') })) : null;
  }
  return section(tr('polls.title'), { id: 'home-polls', more }, list(items));
}

function minePart(data) {
  const rows = [];
  const shift = data.next_shift;
  if (shift) {
    rows.push(itemLink({ href: KIND_HREF.shift(shift.id), iconName: 'clock', title: shift.title, dataset: { kind: 'shift', state: shift.state },
      pills: [pill(tr('mine.nextShift'), 'ok'), statePill(shift)].filter(Boolean),
      meta: [formatDateTime(shift.at, { weekday: true }), shift.detail].filter(Boolean).join(' · ') }));
  }
  for (const item of data.mine) {
    const meta = item.kind === 'report' ? item.detail_label : item.kind === 'aid' ? tr(`aid.${item.detail}`) : null;
    rows.push(itemLink({ href: KIND_HREF[item.kind](item.id), iconName: KIND_ICON[item.kind], title: item.title,
      dataset: { kind: item.kind, status: item.state }, pills: [statePill(item)].filter(Boolean), meta }));
  }
  const links = h('div', { class: 'home-links' },
    moreLink(tr('mine.reports'), '/reports/mine'), moreLink(tr('mine.aid'), '/help/mine'));
  return section(tr('mine.title'), { id: 'home-mine' }, rows.length ? list(rows) : h('p', { class: 'muted home-quiet', text: tr('mine.none') }), links);
}

function gridPart(items, m) {
  if (!items.length) return null;
  const rows = items.map((item) => itemLink({ href: KIND_HREF[item.kind](item.id), iconName: KIND_ICON[item.kind], title: item.title,
    dataset: { kind: item.kind },
    meta: [tr(`kind.${item.kind}`), item.kind === 'report' ? item.detail_label : null, formatDate(item.at)].filter(Boolean).join(' · ') }));
  return section(tr('grid.title', { grid: gridText(m.grid) }), { id: 'home-grid' }, list(rows));
}

function noticesPart(items) {
  const rows = items.map((n) => itemLink({ href: `/notices/${n.id}`, iconName: 'globe', title: n.title, dataset: { kind: 'notice', state: n.state },
    pills: [n.state === 'pinned' ? pill(tr('notices.pinned')) : null, n.detail === 'unread' ? pill(tr('notices.unread'), 'warn') : null].filter(Boolean),
    meta: formatDate(n.at) }));
  return section(tr('notices.title'), { id: 'home-notices', more: moreLink(tr('notices.all'), '/notices') },
    rows.length ? list(rows) : h('p', { class: 'muted home-quiet', text: tr('notices.none') }));
}

function toolsPart(m) {
  const links = [];
  if (isCommittee(m)) {
    links.push(
      listItem({ href: '/committee/insights', iconName: 'sparkle', title: tr('tools.insights') }),
      listItem({ href: '/notices/new', iconName: 'globe', title: tr('tools.notice') }),
      listItem({ href: '/polls/new', iconName: 'vote', title: tr('tools.poll') }),
      ...committeeLinks());
  }
  if (m.status === 'verified') links.push(listItem({ href: '/me#invite', iconName: 'ticket', title: tr('tools.invite'), meta: tr('tools.inviteMeta'), secondaryMeta: true }));
  return links.length ? section(tr(isCommittee(m) ? 'tools.committee' : 'tools.title'), { id: 'home-tools' }, list(links)) : null;
}

/* ---------- the screen ---------- */

// home.js WARM starts the same URL at boot: keep the two in step
const homeUrl = (cid) => `/api/v1/communities/${cid}/home`;

export async function memberHome(m) {
  useStylesheet('/css/home.css');
  // the feed is asked for while the screen's words load (opened at boot, home.js WARM asked already)
  const feedLoad = api.get(homeUrl(m.community.id), { fresh: true });
  feedLoad.catch(() => {}); // answered below, not unhandled meanwhile
  await tr.ready();
  const user = state.user;
  const all = memberships();
  const switcher = all.length > 1 ? chips(
    all.map((x) => ({ value: x.community.id, label: communityName(x.community) })),
    m.community.id,
    (cid) => { setCommunityId(cid); navigate('/', { replace: true }); },
    { label: tr('switchCommunity') },
  ) : null;

  const feed = h('div', { class: 'home-feed', 'aria-busy': 'true' }, skeleton(3));
  const root = h('div', { class: 'home' },
    switcher,
    h('div', { class: 'home-urgents', id: 'home-urgent' }),
    greeting(m, user),
    // invited (a neighbour's code, issue 15) waits for the committee's check like pending: the same truth
    ['pending', 'invited'].includes(m.status) ? pendingNote() : m.status === 'suspended' ? suspensionBanner(m) : null,
    feed,
    h('p', { class: 'center secondary' }, linkButton(tr('joinAnother'), '/communities', { variant: 'ghost', iconName: 'plus' })));

  try {
    const data = await feedLoad;
    root.querySelector('#home-urgent').append(...urgentBanners(data.urgent));
    feed.removeAttribute('aria-busy');
    feed.replaceChildren(...[
      data.staff ? staffTiles(data.staff) : null,
      pollsPart(data.polls, m),
      surveysPart(data.surveys),
      minePart(data),
      gridPart(data.grid, m),
      noticesPart(data.notices),
      toolsPart(m),
    ].filter(Boolean));
  } catch (err) {
    feed.removeAttribute('aria-busy');
    feed.replaceChildren(emptyState({ iconName: 'wifiOff', title: tr('loadFailed'), body: errorText(err),
      action: linkButton(tr('retry'), '/', { variant: 'secondary' }) }), ...[toolsPart(m)].filter(Boolean));
  }
  return { title: communityName(m.community), node: root };
}
