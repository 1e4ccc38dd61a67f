// Problem reports (随手拍): new report (camera, category chips, location, duplicate hint, offline
// outbox with photos), public board, my reports, the grid worker's queue, and a report's detail with
// its timeline and the actions the viewer may take.
import { api, startEarly } from '../api.js';
import { maybeAskForPush } from './notifications-push.js';
import { bundle, formatDateTime, preloadBundle } from '../i18n.js';
import { onItemSent } from '../outbox.js';
import { navigate, refresh, routeTable } from '../router.js';
import { currentMembership, isVerified, state } from '../store.js';
import {
  button, card, chips, clear, emptyState, errorText, field, fill, formError, h, linkButton, list, listItem,
  openSheet, pill, showErrors, skeleton, starInput, toast, useStylesheet, withLoading
} from '../ui.js';
import { communityName } from './common.js';
import { flagButton } from './moderation-links.js';
import { taskFromButton } from './tasks-links.js';
import { agencyActions, agencyRow } from './agency-links.js';
import { listQueuedReports, sendOrQueueReport, startReportOutbox, subscribeReports } from './reports-outbox.js';

const tr = bundle('reports');
const mapWords = bundle('map'); // the position map's note and label, drawn with the report
const MAX_PHOTOS = 4;
const STATUS_KIND = { submitted: 'warn', accepted: '', assigned: '', in_progress: '', reopened: 'warn', resolved: 'ok', confirmed: 'ok', rejected: 'danger' };

/* ---------- small pieces ---------- */

/** The reports stylesheet and strings (shared with the notices screens); at the top of every screen. */
export async function ready() {
  useStylesheet('/css/reports.css');
  await tr.ready();
}

export function statusPill(report) {
  const pills = [pill(tr(`status.${report.status}`), STATUS_KIND[report.status])];
  if (report.is_overdue) pills.push(pill(tr('rp.overdue'), 'danger'));
  return h('span', { class: 'rp-pills' }, pills);
}

function thumb(photo, alt = '') {
  return h('img', { class: 'rp-thumb', src: photo.thumb_url, alt, loading: 'lazy', width: 72, height: 72 });
}

function reportItem(report) {
  const meta = [report.category_label, report.grid ? report.grid.name : null, formatDateTime(report.created_at)].filter(Boolean).join(' · ');
  return h('li', {}, h('a', { class: 'list-item rp-item', href: `/reports/${report.id}`, dataset: { status: report.status } },
    report.photos && report.photos.length ? thumb(report.photos[0]) : h('span', { class: 'rp-thumb rp-thumb--empty', 'aria-hidden': 'true' }),
    h('span', { class: 'list-item__body' },
      h('span', { class: 'list-item__title', text: report.description }),
      h('span', { class: 'list-item__meta', text: meta }),
      h('span', { class: 'row' }, statusPill(report), report.me_too_count ? h('span', { class: 'muted small', text: tr('rp.meTooCount', { n: report.me_too_count }) }) : null))));
}

/**
 * Why this person cannot report yet, and the next step: sign in, join, wait for the committee (never "join"
 * a community they already joined), or read why they are suspended. Null when they may report.
 */
function needMember() {
  const m = currentMembership();
  const screen = (node) => ({ title: tr('rp.title'), node });
  if (!state.user) {
    return screen(emptyState({ iconName: 'camera', title: tr('rp.signIn'), body: tr('rp.signInBody'),
      action: h('div', { class: 'stack' }, linkButton(tr('auth.signIn'), `/signin?next=${encodeURIComponent(location.pathname)}`, { block: true }),
        linkButton(tr('auth.signUp'), '/signup', { variant: 'secondary', block: true })) }));
  }
  if (!m) {
    return screen(emptyState({ iconName: 'building', title: tr('rp.notMember'), body: tr('rp.notMemberBody'),
      action: linkButton(tr('community.choose'), '/communities', { block: true }) }));
  }
  if (m.status === 'pending' || m.status === 'invited') { // invited: known to a neighbour, not yet verified
    return screen(h('div', {}, emptyState({ iconName: 'clock', title: tr('rp.pendingTitle'), body: tr('rp.pendingBody', { community: communityName(m.community) }),
      action: h('div', { class: 'stack' }, linkButton(tr('rp.board'), '/reports', { block: true }),
        linkButton(tr('rp.pendingProgress'), '/', { variant: 'secondary', block: true })) })));
  }
  if (m.status === 'suspended') {
    return screen(emptyState({ iconName: 'shield', title: tr('rp.suspendedTitle'), body: tr('rp.suspendedBody'),
      action: linkButton(tr('rp.suspendedWhy'), '/moderation/mine', { block: true }) }));
  }
  return null;
}

export function tabs(active) {
  const items = [['new', '/report', 'rp.newTitle'], ['board', '/reports', 'rp.board'], ['mine', '/reports/mine', 'rp.mine']];
  const m = currentMembership();
  if (m && ['grid_worker', 'committee'].includes(m.role)) items.push(['queue', '/reports/queue', 'rp.queue']);
  return h('nav', { class: 'rp-tabs', 'aria-label': tr('rp.title') },
    items.map(([key, href, label]) => h('a', { href, class: 'chip', 'aria-current': key === active ? 'page' : null, text: tr(label) })));
}

/* ---------- new report ---------- */

function photoPicker() {
  const files = [];
  const previews = h('div', { class: 'rp-previews' });
  const input = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'rp-file', id: 'rp-photo', name: 'photo', multiple: true });
  const draw = () => {
    clear(previews);
    files.forEach((file, i) => {
      const url = URL.createObjectURL(file);
      previews.append(h('figure', { class: 'rp-preview' },
        h('img', { src: url, alt: '', onload: () => URL.revokeObjectURL(url) }),
        h('button', { type: 'button', class: 'rp-preview__remove', 'aria-label': tr('rp.removePhoto'), text: '×', onclick: () => { files.splice(i, 1); draw(); } })));
    });
    label.hidden = files.length >= MAX_PHOTOS;
  };
  input.addEventListener('change', () => {
    for (const file of input.files) if (files.length < MAX_PHOTOS) files.push(file);
    input.value = '';
    draw();
  });
  const label = h('label', { class: 'btn btn--secondary btn--block rp-add-photo', for: 'rp-photo' }, tr('rp.addPhoto'));
  const el = h('div', { class: 'field' }, h('span', { class: 'field__label', text: tr('rp.photo') }), previews, label, input, h('p', { class: 'field__hint', text: tr('rp.photoHint') }));
  return { el, files };
}

function locationPicker(cid, onChange) {
  const point = { lat: null, lng: null };
  // The map (Leaflet, loaded on demand): tap to place the pin, drag to adjust; it shows the grid found there.
  const pinBox = h('div', { id: 'rp-pin' });
  let picker = null;
  const openMap = async (start) => {
    placeOnMap.hidden = true;
    try {
      const { pinPicker } = await import('../map/pin-picker.js');
      picker = await pinPicker(pinBox, { cid, start,
        onPlace: (lat, lng) => { point.lat = lat; point.lng = lng; status.textContent = ''; onChange(); },
        onClear: () => { point.lat = null; point.lng = null; onChange(); } });
    } catch {
      placeOnMap.hidden = false; // could not load the map: the phone's location and the words still work
    }
  };
  const placeOnMap = button(tr('rp.placeOnMap'), { variant: 'secondary', small: true, id: 'rp-place-on-map',
    onClick: () => openMap(point.lat === null ? null : { ...point }) });
  const status = h('p', { class: 'field__hint', role: 'status' });
  const locate = button(tr('rp.useLocation'), { variant: 'secondary', small: true, iconName: 'globe', onClick: () => {
    if (!navigator.geolocation) { status.textContent = tr('rp.locationFailed'); return; }
    status.textContent = tr('rp.locating');
    navigator.geolocation.getCurrentPosition((pos) => {
      point.lat = +pos.coords.latitude.toFixed(6);
      point.lng = +pos.coords.longitude.toFixed(6);
      status.textContent = tr('rp.located', { m: Math.round(pos.coords.accuracy || 0) });
      if (picker) picker.place(point.lat, point.lng);
      else if (!placeOnMap.hidden) openMap({ ...point }); // show where that is, so it can be adjusted
      onChange();
    }, () => { status.textContent = tr('rp.locationFailed'); }, { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 });
  } });
  const text = field({ name: 'location_text', label: tr('rp.locationText'), placeholder: tr('rp.locationTextHint'), maxlength: 200 });
  const el = h('fieldset', { class: 'rp-fieldset' }, h('legend', { class: 'field__label', text: tr('rp.location') }),
    h('div', { class: 'row' }, locate, placeOnMap), status, pinBox, text.el);
  return { el, point, text };
}

async function duplicateHint(cid, category, point, box) {
  clear(box);
  if (!category || point.lat === null || navigator.onLine === false) return;
  let found;
  try {
    found = await api.get(`/api/v1/communities/${cid}/reports/nearby?category=${encodeURIComponent(category)}&lat=${point.lat}&lng=${point.lng}`, { fresh: true });
  } catch { return; }
  if (!found.items.length) return;
  box.append(h('section', { class: 'notice rp-dup', role: 'note' },
    h('strong', { text: tr('rp.dupTitle') }), h('p', { text: tr('rp.dupBody') }),
    list(found.items.map((r) => h('li', { class: 'rp-dup__item' },
      h('a', { href: `/reports/${r.id}`, text: r.description }),
      button(tr('rp.meToo'), { small: true, variant: 'secondary', onClick: (e) => withLoading(e.currentTarget, async () => {
        await api.post(`/api/v1/reports/${r.id}/me-too`).catch((err) => { if (err.code !== 'report.already_me_too') throw err; });
        toast(tr('rp.meTooDone'));
        navigate(`/reports/${r.id}`);
      }) }))))));
}

export async function newReport() {
  await ready();
  const blocked = needMember();
  if (blocked) return blocked;
  const m = currentMembership();
  const cid = m.community.id;
  let categories = [];
  try {
    categories = (await api.get(`/api/v1/communities/${cid}/report-categories`)).items;
  } catch { /* offline on a first visit: the server checks the category anyway */ }
  let category = null;
  const dupBox = h('div', { id: 'rp-dup' });
  const loc = locationPicker(cid, () => duplicateHint(cid, category, loc.point, dupBox));
  const photos = photoPicker();
  const catError = h('p', { class: 'field__error', id: 'rp-category-error' });
  const categoryChips = chips(categories.map((c) => ({ value: c.key, label: c.label })), null, (value) => {
    category = value;
    catError.textContent = '';
    duplicateHint(cid, category, loc.point, dupBox);
  }, { label: tr('rp.category') });
  categoryChips.classList.add('chips--wrap');
  const description = field({ name: 'description', label: tr('rp.description'), hint: tr('rp.descriptionHint'), multiline: true, required: true, maxlength: 2000 });
  const error = formError();
  const submit = button(tr('rp.submit'), { type: 'submit', block: true, iconName: 'camera' });
  const form = h('form', { class: 'stack', novalidate: true, id: 'report-form' },
    h('p', { class: 'muted', text: tr('rp.intro') }),
    photos.el,
    h('div', { class: 'field' }, h('span', { class: 'field__label', text: tr('rp.category') }), categoryChips, catError),
    description.el, loc.el, dupBox, error,
    h('div', { class: 'actions-bottom' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!category) {
      // shown in the middle of the screen: the sticky Send button must not hide it
      catError.textContent = tr('rp.needCategory');
      categoryChips.querySelector('button')?.focus({ preventScroll: true });
      catError.scrollIntoView({ block: 'center' });
      return;
    }
    const locationText = loc.text.input.value.trim();
    if (loc.point.lat === null && !locationText) { loc.text.setError(tr('rp.needLocation')); loc.text.input.focus(); return; }
    const body = { category, description: description.input.value.trim(), location_text: locationText || null };
    if (loc.point.lat !== null) Object.assign(body, loc.point);
    withLoading(submit, async () => {
      try {
        const result = await sendOrQueueReport({ cid, body, photos: [...photos.files], label: tr('rp.outboxLabel', { text: body.description.slice(0, 30) }) });
        if (result.queued) {
          toast(tr('rp.queued'));
          navigate('/reports/mine');
        } else {
          toast(tr('rp.submitted'));
          navigate(`/reports/${result.data.id}`);
          maybeAskForPush('report'); // a useful moment: they will want to hear how it goes
        }
      } catch (err) {
        showErrors(err, { description: description, location_text: loc.text }, error);
      }
    });
  });
  return { title: tr('rp.newTitle'), node: h('div', {}, tabs('new'), form) };
}

/* ---------- lists: board, mine, queue ---------- */

function pagedList(urlFor, emptyText) {
  const wrap = h('div', {}, skeleton(3));
  const ul = list([], { class: 'list rp-list', id: 'report-list' });
  const more = button(tr('rp.more'), { variant: 'secondary', block: true });
  let cursor = null;
  const load = async (first) => {
    const data = await api.get(urlFor(cursor), { fresh: true });
    if (first) {
      clear(wrap);
      if (!data.items.length) { wrap.append(emptyState({ iconName: 'check', title: emptyText })); return; }
      wrap.append(ul, more);
    }
    ul.append(...data.items.map(reportItem));
    cursor = data.next_cursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => withLoading(more, () => load(false)));
  load(true).catch((err) => { clear(wrap).append(emptyState({ iconName: 'wifiOff', title: errorText(err) })); });
  return wrap;
}

/**
 * The board's filter from the URL: its chips (staying on `base`, the list or the map), the API query, and the
 * URL's search part that the list / map toggle carries over (the two are views of the same data).
 */
export function boardFilter(ctx, base) {
  const filter = ctx.query.status || (ctx.query.overdue ? 'overdue' : '');
  const keep = ctx.query.community ? `community=${encodeURIComponent(ctx.query.community)}` : '';
  const searchFor = (value) => {
    const parts = [value === 'overdue' ? 'overdue=1' : value ? `status=${value}` : '', keep].filter(Boolean);
    return parts.length ? `?${parts.join('&')}` : '';
  };
  const options = [{ value: '', label: tr('rp.filterAll') }, { value: 'overdue', label: tr('rp.filterOverdue') },
    ...['submitted', 'in_progress', 'resolved', 'confirmed'].map((s) => ({ value: s, label: tr(`status.${s}`) }))];
  const el = chips(options, filter, (value) => navigate(`${base}${searchFor(value)}`, { replace: true }), { label: tr('rp.board') });
  const query = filter === 'overdue' ? '&overdue=true' : filter ? `&status=${filter}` : '';
  return { el, query, search: searchFor(filter) };
}

/** 列表 | 地图: the board as a list or on the map, with the same filter. */
export function boardViewToggle(active, search) {
  const item = (key, href) => h('a', { href: `${href}${search}`, class: 'chip', 'aria-current': key === active ? 'page' : null, dataset: { view: key }, text: tr(`rp.view.${key}`) });
  return h('nav', { class: 'rp-tabs rp-view', 'aria-label': tr('rp.view') }, item('list', '/reports'), item('map', '/reports/map'));
}

export async function reportBoard(ctx) {
  await ready();
  const m = currentMembership();
  const cid = Number(ctx.query.community) || (m && m.community.id);
  if (!cid) {
    // A visitor (or someone in no community yet): what the board is, and how to see one's own community's.
    return { title: tr('rp.board'), node: emptyState({ iconName: 'building', title: tr('rp.boardWhich'),
      body: tr(state.user ? 'rp.boardJoin' : 'rp.boardVisitor'),
      action: h('div', { class: 'stack' },
        state.user ? null : linkButton(tr('auth.signIn'), '/signin?next=/reports', { block: true }),
        linkButton(tr('rp.boardChoose'), '/communities', { variant: state.user ? 'primary' : 'secondary', block: true })) }) };
  }
  const filter = boardFilter(ctx, '/reports');
  const body = pagedList((cursor) => `/api/v1/communities/${cid}/reports?limit=20${filter.query}${cursor ? `&cursor=${cursor}` : ''}`, tr('rp.empty'));
  return { title: tr('rp.board'), node: h('div', {}, tabs('board'), boardViewToggle('list', filter.search), filter.el, body) };
}

export async function myReports() {
  await ready();
  const blocked = needMember();
  if (blocked) return blocked;
  const cid = currentMembership().community.id;
  const waiting = h('div', { id: 'rp-waiting' });
  const rows = new Map(); // outbox key -> its line
  let shown = 0;
  // A report that reaches the server says so on its line ("已发送") before the list reloads from the server.
  const stopSent = onItemSent((item) => {
    const row = rows.get(item.key);
    if (!row) return;
    row.querySelector('.list-item__meta').textContent = tr('rp.sent');
    row.dataset.state = 'sent';
  });
  const unsubscribe = subscribeReports((items) => {
    if (!waiting.isConnected && waiting.dataset.drawn) { unsubscribe(); stopSent(); return; }
    waiting.dataset.drawn = '1';
    if (items.length < shown && waiting.isConnected) { // sent (or refused): show it from the server
      unsubscribe();
      stopSent();
      setTimeout(() => { if (waiting.isConnected) refresh(); }, 1500);
      return;
    }
    shown = items.length;
    clear(waiting);
    rows.clear();
    if (!items.length) return;
    const lines = items.map((item) => {
      const line = listItem({ iconName: 'clock', title: item.body.description, meta: `${tr('rp.waiting')} · ${formatDateTime(item.created_at)}` });
      line.dataset.state = 'waiting';
      rows.set(item.key, line);
      return line;
    });
    waiting.append(h('h3', { class: 'section__title', text: tr('rp.waiting') }), list(lines, { class: 'list', id: 'rp-waiting-list' }));
  });
  const body = pagedList((cursor) => `/api/v1/communities/${cid}/reports?mine=true&limit=20${cursor ? `&cursor=${cursor}` : ''}`, tr('rp.mineEmpty'));
  return { title: tr('rp.mine'), node: h('div', {}, tabs('mine'), waiting, body) };
}

// The staff's queues (home's counts lead here): new reports to accept, overdue ones, or all mine in hand.
const QUEUE_VIEWS = ['mine', 'new', 'overdue'];

export async function workQueue(ctx) {
  await ready();
  const blocked = needMember();
  if (blocked) return blocked;
  const m = currentMembership();
  const cid = m.community.id;
  const view = QUEUE_VIEWS.includes(ctx.query.view) ? ctx.query.view : 'mine';
  // the committee sees the whole community's; a grid worker what is assigned to them
  const scope = m.role === 'committee' && view !== 'mine' ? '' : '&assigned_to=me';
  const filter = { mine: '', new: '&status=submitted', overdue: '&overdue=true' }[view];
  const views = chips(QUEUE_VIEWS.map((v) => ({ value: v, label: tr(`rp.queueView.${v}`) })), view,
    (v) => navigate(v === 'mine' ? '/reports/queue' : `/reports/queue?view=${v}`, { replace: true }), { label: tr('rp.queue') });
  views.classList.add('chips--wrap');
  const body = pagedList((cursor) => `/api/v1/communities/${cid}/reports?limit=20${scope}${filter}${cursor ? `&cursor=${cursor}` : ''}`, tr('rp.queueEmpty'));
  return { title: tr('rp.queue'), node: h('div', {}, tabs('queue'), views, body) };
}

/* ---------- detail with timeline and actions ---------- */

function timeline(events) {
  return h('ol', { class: 'rp-timeline', id: 'rp-timeline' }, events.map((e) => h('li', { class: 'rp-event', dataset: { action: e.action } },
    h('p', { class: 'rp-event__head' },
      h('strong', { text: e.actor ? `${e.actor.display_name}（${tr(`role.${e.actor_role}`)}）`
        : e.actor_role === 'agency' && e.agency ? `${e.agency.name}（${tr('role.agency')}）` : tr(`role.${e.actor_role}`) }),
      ' ', tr(`action.${e.action}`)),
    e.agency && e.actor_role !== 'agency' ? h('p', { class: 'rp-event__agency', 'data-user-content': '', text: e.agency.name }) : null,
    e.note && e.action !== 'escalated' && e.action !== 'to_project' ? h('p', { class: 'rp-event__note', text: e.action === 'filed_on_behalf' ? tr(`channel.${e.note}`) : e.note }) : null,
    e.photos && e.photos.length ? h('div', { class: 'rp-photos' }, e.photos.map((p) => h('a', { href: p.url, 'data-external': '', target: '_blank' }, thumb(p, tr('rp.afterPhoto'))))) : null,
    h('time', { class: 'muted small', datetime: e.created_at, text: formatDateTime(e.created_at) }))));
}

/** A list of choices, one of which is picked (radios in full-width rows); `describe(item)` → {title, meta}. */
function pickList({ name, items, describe, onPick, empty }) {
  if (!items.length) return h('p', { class: 'muted', text: empty });
  return h('ul', { class: 'rp-pick', role: 'radiogroup' }, items.map((item) => {
    const id = `${name}-${item.id}`;
    const { title, meta } = describe(item);
    const input = h('input', { type: 'radio', name, id, value: String(item.id), onchange: () => onPick(item) });
    return h('li', {}, h('label', { class: 'rp-pick__row', for: id }, input,
      h('span', { class: 'rp-pick__body' }, h('span', { class: 'rp-pick__title', 'data-user-content': '', text: title }),
        meta ? h('span', { class: 'rp-pick__meta', text: meta }) : null)));
  }));
}

/** The people a report can be handed to: the grid's staff first (by name, never by number). */
function staffPicker(report, onPick) {
  const box = h('div', { class: 'field', 'aria-busy': 'true' }, h('span', { class: 'field__label', text: tr('rp.assignTo') }), skeleton(2));
  const error = h('p', { class: 'field__error', role: 'alert' });
  api.get(`/api/v1/communities/${report.community_id}/staff`, { fresh: true }).then(({ items }) => {
    const gridId = report.grid && report.grid.id;
    const mine = currentMembership();
    // a grid worker hands on within the report's grid only (the server says so too)
    const allowed = items.filter((s) => s.user.id !== report.assignee_id
      && (mine.role === 'committee' || (gridId && (s.grid_ids.includes(gridId) || s.role === 'committee'))));
    allowed.sort((a, b) => Number(b.grid_ids.includes(gridId)) - Number(a.grid_ids.includes(gridId)));
    box.removeAttribute('aria-busy');
    fill(box, h('span', { class: 'field__label', text: tr('rp.assignTo') }), pickList({
      name: 'assignee', items: allowed.map((s) => ({ ...s, id: s.user.id })), onPick, empty: tr('rp.noStaff'),
      describe: (s) => ({ title: s.user.display_name,
        meta: [tr(`role.${s.role}`), s.grid_ids.includes(gridId) ? tr('rp.thisGrid') : null].filter(Boolean).join(' · ') }) }), error);
  }).catch((err) => { box.removeAttribute('aria-busy'); fill(box, h('p', { class: 'field__error', text: errorText(err) })); });
  return { el: box, setError: (msg) => { error.textContent = msg || ''; } };
}

/** The open reports this one may repeat: the nearby ones of its category (else the same category's open ones). */
function duplicatePicker(report, onPick) {
  const box = h('div', { class: 'field', 'aria-busy': 'true' }, h('span', { class: 'field__label', text: tr('rp.duplicateOfWhich') }), skeleton(2));
  const error = h('p', { class: 'field__error', role: 'alert' });
  const cid = report.community_id;
  const url = report.lat !== null && report.lat !== undefined
    ? `/api/v1/communities/${cid}/reports/nearby?category=${encodeURIComponent(report.category)}&lat=${report.lat}&lng=${report.lng}`
    : `/api/v1/communities/${cid}/reports?category=${encodeURIComponent(report.category)}&limit=30`;
  api.get(url, { fresh: true }).then(({ items }) => {
    const open = items.filter((r) => r.id !== report.id && !['rejected', 'confirmed'].includes(r.status));
    box.removeAttribute('aria-busy');
    fill(box, h('span', { class: 'field__label', text: tr('rp.duplicateOfWhich') }), pickList({
      name: 'duplicate', items: open, onPick, empty: tr('rp.noDuplicates'),
      describe: (r) => ({ title: r.description, meta: [tr('rp.number', { id: r.id }), tr(`status.${r.status}`), formatDateTime(r.created_at)].join(' · ') }) }), error);
  }).catch((err) => { box.removeAttribute('aria-busy'); fill(box, h('p', { class: 'field__error', text: errorText(err) })); });
  return { el: box, setError: (msg) => { error.textContent = msg || ''; } };
}

function actionSheet(report, action, reload) {
  const note = field({ name: 'note', label: tr('rp.note'), hint: tr('rp.noteHint'), multiline: true, maxlength: 2000 });
  const fields = { note };
  const extra = [];
  const chosen = { assignee: null, duplicate: null };
  let reason = null;
  let photoPick = null;
  if (action === 'assign') {
    const picker = staffPicker(report, (person) => { chosen.assignee = person.user.id; picker.setError(null); });
    fields.assignee_id = { setError: picker.setError, input: picker.el };
    extra.push(picker.el);
  }
  if (action === 'reject') {
    const duplicate = duplicatePicker(report, (r) => { chosen.duplicate = r.id; duplicate.setError(null); });
    fields.duplicate_of_id = { setError: duplicate.setError, input: duplicate.el };
    fields.redirect_to = field({ name: 'redirect_to', label: tr('rp.redirectTo'), maxlength: 200 });
    // only the fields the chosen reason needs
    const show = () => {
      duplicate.el.hidden = reason !== 'duplicate';
      fields.redirect_to.el.hidden = reason !== 'not_our_responsibility';
    };
    extra.push(h('div', { class: 'field' }, h('span', { class: 'field__label', text: tr('rp.reason') }),
      chips(['duplicate', 'not_our_responsibility', 'cannot_reproduce'].map((r) => ({ value: r, label: tr(`reason.${r}`) })), reason,
        (v) => { reason = v; show(); }, { label: tr('rp.reason') })),
    duplicate.el, fields.redirect_to.el);
    show();
  }
  if (action === 'resolve') {
    photoPick = photoPicker();
    extra.push(photoPick.el);
  }
  openSheet({ title: tr(`action.${action}`), content: (close) => {
    const error = formError();
    const go = button(tr(`action.${action}`), { block: true, type: 'submit' });
    const form = h('form', { class: 'stack' }, ...extra, note.el, error, h('div', { class: 'sheet__actions' }, go));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (action === 'assign' && !chosen.assignee) { error.textContent = tr('rp.chooseAssignee'); error.focus(); return; }
      if (action === 'reject' && !reason) { error.textContent = tr('rp.chooseReason'); error.focus(); return; }
      if (action === 'reject' && reason === 'duplicate' && !chosen.duplicate) { error.textContent = tr('rp.chooseDuplicate'); error.focus(); return; }
      withLoading(go, async () => {
        const body = { action, note: note.input.value.trim() };
        if (action === 'assign') body.assignee_id = chosen.assignee;
        if (action === 'reject') {
          body.reason = reason;
          if (reason === 'duplicate') body.duplicate_of_id = chosen.duplicate;
          if (reason === 'not_our_responsibility') body.redirect_to = fields.redirect_to.input.value.trim();
        }
        try {
          if (photoPick && photoPick.files.length) {
            const { uploadPhoto } = await import('./reports-outbox.js');
            body.photo_ids = [];
            for (const file of photoPick.files) body.photo_ids.push((await uploadPhoto(file)).id);
          }
          await api.post(`/api/v1/reports/${report.id}/transition`, body);
          close();
          toast(tr('rp.done'));
          reload();
        } catch (err) {
          showErrors(err, fields, error);
        }
      });
    });
    return form;
  } });
}

function verdictSheet(report, reload, { reopen = false, stillBroken = false } = {}) {
  openSheet({ title: stillBroken ? tr('rp.stillBroken') : tr('rp.rateTitle'), content: (close) => {
    const comment = field({ name: 'comment', label: reopen || stillBroken ? tr('rp.reopenComment') : tr('rp.comment'), multiline: true, maxlength: 2000, required: reopen || stillBroken });
    const error = formError();
    const starPick = reopen || stillBroken ? null : starInput({ label: tr('rp.rateTitle'), value: 5, starLabel: (n) => tr('rp.stars', { n }) });
    const go = button(stillBroken ? tr('rp.stillBroken') : reopen ? tr('rp.reopen') : tr('rp.confirm'), { block: true, type: 'submit', variant: reopen || stillBroken ? 'danger' : 'primary' });
    const form = h('form', { class: 'stack' }, stillBroken ? h('p', { class: 'muted', text: tr('rp.stillBrokenHint') }) : null, starPick ? h('p', { class: 'rp-stars-hint', text: tr('rp.starsHint') }) : null, starPick && starPick.el, comment.el, error, h('div', { class: 'sheet__actions' }, go));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      withLoading(go, async () => {
        try {
          const text = comment.input.value.trim();
          if (stillBroken) await api.post(`/api/v1/reports/${report.id}/still-broken`, { comment: text });
          else await api.post(`/api/v1/reports/${report.id}/confirm`, reopen ? { reopen: true, comment: text } : { stars: starPick.value(), comment: text });
          close();
          toast(tr('rp.done'));
          reload();
        } catch (err) {
          showErrors(err, { comment }, error);
        }
      });
    });
    return form;
  } });
}

function actionsFor(report, reload) {
  const buttons = [];
  const can = report.can || {};
  for (const action of ['accept', 'start', 'resolve', 'assign', 'reject']) {
    if (can[action]) buttons.push(button(tr(`action.${action}`), { variant: action === 'reject' ? 'ghost' : action === 'resolve' || action === 'accept' ? 'primary' : 'secondary', dataset: { action }, onClick: () => actionSheet(report, action, reload) }));
  }
  if (can.confirm) buttons.push(button(tr('rp.confirm'), { dataset: { action: 'confirm' }, onClick: () => verdictSheet(report, reload) }));
  if (can.reopen) buttons.push(button(tr('rp.reopen'), { variant: 'secondary', dataset: { action: 'reopen' }, onClick: () => verdictSheet(report, reload, { reopen: true }) }));
  if (can.me_too && !report.my_me_too) {
    buttons.push(button(tr('rp.meToo'), { variant: 'secondary', dataset: { action: 'me_too' }, onClick: (e) => withLoading(e.currentTarget, async () => {
      await api.post(`/api/v1/reports/${report.id}/me-too`);
      toast(tr('rp.meTooDone'));
      reload();
    }) }));
  }
  if (can.still_broken) buttons.push(button(tr('rp.stillBroken'), { variant: 'ghost', dataset: { action: 'still_broken' }, onClick: () => verdictSheet(report, reload, { stillBroken: true }) }));
  if (can.to_project) {
    buttons.push(button(tr('rp.toProject'), { variant: 'ghost', dataset: { action: 'to_project' }, onClick: (e) => withLoading(e.currentTarget, async () => {
      try {
        await api.post(`/api/v1/reports/${report.id}/to-project`, {});
        reload();
      } catch (err) {
        toast(errorText(err), { type: 'error' });
      }
    }) }));
  }
  buttons.push(...agencyActions(report, reload));
  const toTask = taskFromButton('report', report);
  if (toTask) buttons.push(toTask);
  return buttons.length ? h('div', { class: 'rp-actions', id: 'rp-actions' }, buttons) : null;
}

/** "Already reported: <the other report's words>", a link to it (its words arrive with a second request). */
function duplicateOutcome(report) {
  const words = h('span', { class: 'rp-dup-of', 'data-user-content': '' });
  api.get(`/api/v1/reports/${report.duplicate_of_id}`).then((other) => { words.textContent = `“${other.description}”`; }).catch(() => {});
  return h('p', { class: 'notice' }, h('a', { class: 'rp-notice-link', href: `/reports/${report.duplicate_of_id}` },
    h('span', { text: tr('rp.rejectedDuplicateOf') }), ' ', words));
}

function outcome(report) {
  if (report.status === 'rejected') {
    if (report.reject_reason === 'duplicate') return duplicateOutcome(report);
    const text = report.reject_reason === 'not_our_responsibility' ? tr('rp.rejectedElsewhere', { where: report.redirect_to }) : tr('rp.rejectedCannot');
    return h('p', { class: 'notice', text });
  }
  if (report.is_confirmed_by_default) return h('p', { class: 'notice notice--ok', text: tr('rp.confirmedByDefault') });
  if (report.rating_stars) return h('p', { class: 'notice notice--ok' }, `${'★'.repeat(report.rating_stars)} ${tr('rp.rated', { n: report.rating_stars })}`, report.rating_comment ? ` — ${report.rating_comment}` : '');
  return null;
}

/**
 * The report's position on a small map, as this viewer may see it; none without one. Its frame and note are
 * drawn with the report (no shift when the map arrives, and the note is part of the first paint); Leaflet
 * (about 60 KB and its start-up) loads only once the frame is on screen and the page has painted.
 */
function positionMap(report) {
  if (report.lat === null || report.lat === undefined) return null;
  const exact = report.position_precision === 'exact';
  const mapEl = h('div', { class: 'rp-position__map', id: 'rp-position-map' });
  const box = h('div', { class: 'rp-position', id: 'rp-position' },
    mapEl, h('p', { class: 'map-note', text: mapWords(exact ? 'pos.exact' : 'pos.rounded') }));
  whenOnScreen(mapEl, () => import('../map/report-position.js')
    .then((m) => m.drawReportPosition(mapEl, report))
    .catch(() => box.remove()));
  return box;
}

/** Run `fn` once `el` is in (or near) the viewport, after the next paint; at once without IntersectionObserver. */
function whenOnScreen(el, fn) {
  if (!('IntersectionObserver' in window)) { setTimeout(fn, 0); return; }
  const seen = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    seen.disconnect();
    // two frames: the report is painted before the map's scripts are fetched and run
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(fn, 0)));
  }, { rootMargin: '200px' });
  seen.observe(el);
}

const reportUrl = (id) => `/api/v1/reports/${id}`;

export async function reportDetail(ctx) {
  // the report is asked for while the screen's words and styles load (at boot, WARM below asked already)
  const firstLoad = api.get(reportUrl(ctx.params.id), { fresh: true });
  firstLoad.catch(() => {}); // answered in draw(), not unhandled meanwhile
  await Promise.all([ready(), mapWords.ready()]);
  const node = h('div', { id: 'report-detail' }, skeleton(4));
  let pending = firstLoad;
  const draw = async () => {
    const r = await (pending || api.get(reportUrl(ctx.params.id), { fresh: true }));
    pending = null; // a redraw after an action reads the report again
    const reporter = r.reporter ? `${r.reporter.display_name} · ${r.reporter_label}` : r.reporter_label;
    fill(node,
      h('section', { class: 'card', dataset: { status: r.status } },
        h('p', { class: 'row' }, statusPill(r), h('span', { class: 'muted small', text: `${tr('rp.number', { id: r.id })} · ${r.category_label}` })),
        flagButton('report', r.id, { mine: r.is_mine, hidden: r.is_hidden }),
        h('h2', { class: 'card__title rp-description', text: r.description }),
        r.photos.length ? h('div', { class: 'rp-photos' }, r.photos.map((p) => h('a', { href: p.url, 'data-external': '', target: '_blank' }, h('img', { class: 'rp-photo', src: p.url, alt: r.description, loading: 'lazy' })))) : null,
        h('dl', { class: 'kv' },
          h('dt', { text: tr('rp.location') }), h('dd', { text: [r.grid && r.grid.name, r.location_text].filter(Boolean).join(' · ') || '—' }),
          h('dt', { text: tr('rp.reporter') }), h('dd', { text: reporter }),
          agencyRow(r) || [h('dt', { text: tr('rp.assignee') }), h('dd', { text: r.assignee ? r.assignee.display_name : tr('rp.noAssignee') })],
          r.status === 'submitted' ? [h('dt', { text: tr('rp.responseDue') }), h('dd', { text: formatDateTime(r.response_due_at) })] : null,
          ['submitted', 'accepted', 'assigned', 'in_progress', 'reopened'].includes(r.status) ? [h('dt', { text: tr('rp.resolveDue') }), h('dd', { text: formatDateTime(r.resolve_due_at) })] : null),
        positionMap(r),
        r.escalated_at ? h('p', { class: 'notice', text: tr('rp.escalated') }) : null,
        r.me_too_count ? h('p', { class: 'muted', text: tr('rp.meTooCount', { n: r.me_too_count }) }) : null,
        r.project_id ? h('p', {}, h('a', { href: `/projects/${r.project_id}`, text: tr('rp.projectLink', { id: r.project_id }) })) : null,
        outcome(r)),
      actionsFor(r, () => draw()),
      h('div', { class: 'section' }, h('h3', { class: 'section__title', text: tr('rp.timeline') }), timeline(r.events)));
  };
  await draw();
  return { title: tr('rp.number', { id: ctx.params.id }), back: '/reports', node };
}

/* ---------- registration (called by the shell's app.js) ---------- */

/** Register the report screens with the router; start the photo-carrying outbox. */
export function registerReportScreens(route, { onRejected } = {}) {
  reportRoutes(route);
  ready().catch(() => {});
  startReportOutbox({ onRejected: onRejected || ((item, err) => toast(`${item.label}: ${errorText(err)}`, { type: 'error', timeout: 8000 })) });
}

export { listQueuedReports };

function reportRoutes(route) {
  route('/report', newReport);
  route('/reports', reportBoard);
  route('/reports/mine', myReports);
  route('/reports/queue', workQueue);
  route('/reports/:id', reportDetail);
}

/**
 * The screens, loaded when one opens (LAZY_SCREENS in app.js). The shell starts the reports' outbox itself
 * (reports-outbox.js) after the first screen, so that queued reports are sent without loading these screens.
 */
export const ROUTES = routeTable(reportRoutes);

/** A report opened from a link: its words, styles and the report itself start with the session (app.js). */
export const WARM = {
  '/reports/:id': ({ params, locale }) => {
    useStylesheet('/css/reports.css');
    preloadBundle('reports', locale);
    preloadBundle('map', locale);
    startEarly(reportUrl(params.id), locale);
  },
};
