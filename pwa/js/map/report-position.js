// A report's position on its page, as the viewer may see it: a pin for the reporter, the assignee and the
// committee (exact), the ~100 m cell it lies in for everyone else (the server sends the cell's centre).
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { h } from '../ui.js';
import { baseMap, drawGrids } from './base.js';

const tr = bundle('map');
const CELL_DEGREES = 0.001; // backend/reports/services.py POSITION_CELL_DEGREES

/** Draw the report's position into `box` (report: community_id, lat, lng, position_precision, grid). */
export async function drawReportPosition(box, report) {
  await tr.ready();
  let grids = [];
  try {
    grids = (await api.get(`/api/v1/communities/${report.community_id}`)).grids || [];
  } catch { /* offline: the position alone */ }
  const mapEl = h('div', { class: 'map--small', id: 'rp-position-map' });
  const exact = report.position_precision === 'exact';
  const note = h('p', { class: 'map-note', text: tr(exact ? 'pos.exact' : 'pos.rounded') });
  box.append(mapEl, note);
  const view = await baseMap(mapEl, { label: tr('pos.mapLabel'), zoomControl: false });
  const { L, map } = view;
  drawGrids(view, grids, { highlight: report.grid && report.grid.id });
  if (exact) {
    const at = view.show(report.lat, report.lng);
    L.marker(at, {
      keyboard: false,
      interactive: false,
      icon: L.divIcon({ className: 'map-pin map-pin--place', html: '<span class="map-pin__dot"></span>', iconSize: [32, 32], iconAnchor: [16, 32] }),
    }).addTo(map);
    map.setView(at, 16.5); // close enough to see the spot, far enough to see its grid
  } else {
    const half = CELL_DEGREES / 2;
    const cell = L.polygon([
      view.show(report.lat - half, report.lng - half), view.show(report.lat - half, report.lng + half),
      view.show(report.lat + half, report.lng + half), view.show(report.lat + half, report.lng - half),
    ], { className: 'map-cell', interactive: false }).addTo(map);
    map.fitBounds(cell.getBounds(), { padding: [40, 40], maxZoom: 17 });
  }
}
