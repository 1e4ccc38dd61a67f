// The report board as a map (/reports/map): the same reports as the list, with the same filters (the 列表 / 地图
// toggle keeps them), clustered pins at the positions this person may see, the community's grids, and the
// upcoming activities. Loaded on demand (app.js LAZY_SCREENS); Leaflet is loaded by the first map drawn.
import { api } from '../api.js';
import { bundle, formatDateTime } from '../i18n.js';
import { currentMembership } from '../store.js';
import { clear, emptyState, errorText, fill, h, linkButton } from '../ui.js';
import { baseMap, drawGrids, fitTo } from '../map/base.js';
import { boardFilter, boardViewToggle, ready as reportsReady, reportBoard, statusPill, tabs } from './reports.js';

const tr = bundle('map');
const LIMIT = 500; // backend/maps/services.py MAP_REPORT_LIMIT
const LATE = 'danger';
const KIND = { submitted: 'warn', reopened: 'warn', accepted: '', assigned: '', in_progress: '', resolved: 'ok', confirmed: 'ok', rejected: 'ok' };

function pinIcon(L, kind, extra = '') {
  return L.divIcon({ className: `map-pin ${kind ? `map-pin--${kind}` : ''} ${extra}`.trim(), html: '<span class="map-pin__dot"></span>', iconSize: [44, 44], iconAnchor: [22, 44] }); // a 44 px target around a 30 px pin
}

function legend() {
  const item = (swatch, key) => h('li', {}, h('span', { class: `map-legend__swatch ${swatch}`, 'aria-hidden': 'true' }), tr(key));
  return h('ul', { class: 'map-legend', 'aria-label': tr('map.legend') },
    item('map-legend__swatch--warn', 'map.legendWaiting'), item('', 'map.legendWorking'), item('map-legend__swatch--danger', 'map.legendLate'),
    item('map-legend__swatch--ok', 'map.legendDone'), item('map-legend__swatch--activity', 'map.legendActivity'));
}

function reportCard(report, close) {
  const meta = [report.category_label, report.grid ? report.grid.name : null, formatDateTime(report.created_at)].filter(Boolean).join(' · ');
  return h('section', { class: 'card map-card', id: 'map-card', 'aria-live': 'polite' },
    h('p', { class: 'row' }, statusPill(report), h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: tr('map.close'), onclick: close })),
    h('h3', { class: 'map-card__title', 'data-user-content': '', text: report.description }),
    h('p', { class: 'muted small', text: meta }),
    linkButton(tr('map.openReport'), `/reports/${report.id}`, { variant: 'secondary', block: true }));
}

function activityCard(activity, gridName, close) {
  const when = formatDateTime(activity.starts_at);
  const place = gridName ? tr('map.activityPlace', { place: activity.location, grid: gridName }) : activity.location;
  return h('section', { class: 'card map-card', id: 'map-card', 'aria-live': 'polite' },
    h('p', { class: 'row' }, h('span', { class: 'pill', text: tr('map.legendActivity') }), h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: tr('map.close'), onclick: close })),
    h('h3', { class: 'map-card__title', 'data-user-content': '', text: activity.title }),
    h('p', { class: 'muted small', text: [when, place].filter(Boolean).join(' · ') }),
    linkButton(tr('map.openActivity'), `/help/activities/${activity.id}`, { variant: 'secondary', block: true }));
}

/** Which layers are on, from the URL (?layers=reports,activities; both by default). */
function layersOf(ctx) {
  const asked = (ctx.query.layers || 'reports,activities').split(',').filter((l) => ['reports', 'activities'].includes(l));
  return asked.length ? asked : ['reports', 'activities'];
}

function layerChips(on, filter) {
  const chip = (layer) => {
    const active = on.includes(layer);
    const next = active ? on.filter((l) => l !== layer) : [...on, layer];
    const params = new URLSearchParams(filter.search.replace(/^\?/, ''));
    if (next.length && next.length < 2) params.set('layers', next[0]);
    const search = params.toString();
    // at least one layer stays on: switching the last one off is not offered. A toggle (role button: a plain
    // link may not carry aria-pressed) that is a link, so the layers are in the URL and the back button.
    return h('a', { class: 'chip', role: 'button', href: `/reports/map${search ? `?${search}` : ''}`, 'aria-pressed': String(active),
      'aria-disabled': active && on.length === 1 ? 'true' : null, dataset: { layer }, text: tr(`map.${layer}`),
      onclick: active && on.length === 1 ? (e) => e.preventDefault() : null });
  };
  return h('nav', { class: 'map-layers', 'aria-label': tr('map.layers') },
    h('span', { class: 'map-layers__label', text: tr('map.layers') }), chip('reports'), chip('activities'));
}

async function draw(box, cid, filter, layers) {
  const data = await api.get(`/api/v1/communities/${cid}/map?layers=${layers.join(',')}${filter.query}`, { fresh: true });
  const mapEl = h('div', { id: 'community-map', tabindex: '0' });
  const notes = h('div', {});
  const cardBox = h('div', {});
  const everywhere = h('div', { class: 'map-everywhere' });
  fill(box, mapEl, cardBox, layerChips(layers, filter), legend(), notes, everywhere);
  const view = await baseMap(mapEl, { label: tr('map.label') });
  const { L, map } = view;
  const gridName = new Map(data.grids.map((g) => [g.id, g.name]));
  const withPoint = data.reports.filter((r) => r.lat !== null && r.lat !== undefined);
  const perGrid = new Map();
  for (const r of data.reports) if (r.grid && r.lat === null) perGrid.set(r.grid.id, (perGrid.get(r.grid.id) || 0) + 1);
  let bounds = drawGrids(view, data.grids, { extra: (g) => (perGrid.get(g.id) ? tr('map.gridCount', { n: perGrid.get(g.id) }) : null) });
  let selected = null;
  const choose = (marker, card) => {
    if (selected) selected.getElement()?.classList.remove('map-pin--selected');
    selected = marker;
    marker.getElement()?.classList.add('map-pin--selected');
    fill(cardBox, card);
    cardBox.scrollIntoView({ block: 'nearest', behavior: 'smooth' }); // the card sits under the map
  };
  const unchoose = () => {
    if (selected) selected.getElement()?.classList.remove('map-pin--selected');
    selected = null;
    clear(cardBox);
  };
  const clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 48,
    spiderfyOnMaxZoom: true,
    iconCreateFunction: (cluster) => L.divIcon({ className: 'map-cluster', html: `<span>${Number(cluster.getChildCount())}</span>`, iconSize: [44, 44] }),
  });
  for (const report of withPoint) {
    const kind = report.is_overdue ? LATE : KIND[report.status];
    const marker = L.marker(view.show(report.lat, report.lng), {
      icon: pinIcon(L, kind),
      title: report.description.slice(0, 60),
      alt: report.description.slice(0, 60),
      keyboard: true,
    });
    marker.on('click', () => choose(marker, reportCard(report, unchoose)));
    clusters.addLayer(marker);
  }
  const unplaced = [];
  for (const activity of data.activities) {
    if (activity.lat === null || activity.lat === undefined) { unplaced.push(activity); continue; }
    const marker = L.marker(view.show(activity.lat, activity.lng), { icon: pinIcon(L, 'activity'), title: activity.title, alt: activity.title, keyboard: true });
    const grid = activity.grid_ids.map((id) => gridName.get(id)).find(Boolean);
    marker.on('click', () => choose(marker, activityCard(activity, grid, unchoose)));
    clusters.addLayer(marker);
  }
  clusters.addTo(map);
  if (clusters.getLayers().length) {
    const pinBounds = clusters.getBounds();
    bounds = bounds ? bounds.extend(pinBounds) : pinBounds;
  }
  fitTo(view, bounds);

  const lines = [];
  if (layers.includes('reports')) {
    if (data.position_mode === 'grid' && data.reports.some((r) => r.position_precision === 'grid')) lines.push(tr('map.gridMode'));
    else if (data.reports.some((r) => r.position_precision === 'rounded')) lines.push(tr('map.rounded'));
    const exact = data.reports.filter((r) => r.position_precision === 'exact').length;
    if (exact) lines.push(tr(exact === data.reports.length ? 'map.exact' : 'map.exactSome'));
    if (!data.reports.length) lines.push(tr('map.empty'));
    const noPoint = data.reports.filter((r) => r.lat === null && !(data.position_mode === 'grid' && r.grid)).length;
    if (noPoint) lines.push(tr('map.noPoint', { n: noPoint }));
    if (data.reports_truncated) lines.push(tr('map.truncated', { n: LIMIT }));
  }
  if (!data.grids.some((g) => g.polygon)) lines.push(tr('map.noGrids'));
  fill(notes, lines.map((text) => h('p', { class: 'map-note', text })));
  if (unplaced.length) {
    fill(everywhere, h('h3', { class: 'section__title', text: tr('map.everywhere') }),
      h('ul', { class: 'list' }, unplaced.map((a) => h('li', {}, h('a', { class: 'list-item', href: `/help/activities/${a.id}` },
        h('span', { class: 'list-item__body' }, h('span', { class: 'list-item__title', 'data-user-content': '', text: a.title }),
          h('span', { class: 'list-item__meta', text: [formatDateTime(a.starts_at), a.location].filter(Boolean).join(' · ') })))))));
  }
}

export async function reportMap(ctx) {
  await Promise.all([reportsReady(), tr.ready()]);
  const m = currentMembership();
  const cid = Number(ctx.query.community) || (m && m.community.id);
  if (!cid) return reportBoard(ctx); // a visitor in no community: the board says how to see one
  const filter = boardFilter(ctx, '/reports/map');
  const layers = layersOf(ctx);
  const box = h('div', { id: 'map-screen', 'aria-busy': 'true' });
  draw(box, cid, filter, layers)
    .then(() => box.removeAttribute('aria-busy'))
    .catch((err) => { box.removeAttribute('aria-busy'); fill(box, emptyState({ iconName: 'wifiOff', title: tr('map.failed'), body: errorText(err) })); });
  return { title: tr('map.title'), node: h('div', {}, tabs('board'), boardViewToggle('map', filter.search), filter.el, box) };
}

export const ROUTES = { '/reports/map': reportMap };
