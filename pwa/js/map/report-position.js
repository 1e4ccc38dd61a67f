// A report's position on its page, as the viewer may see it: a pin for the reporter, the assignee and the
// committee (exact), the ~100 m cell it lies in for everyone else (the server sends the cell's centre).
// The report's screen draws the map's frame and its note with the report (reports.js positionMap) and calls
// this once the frame is in view, so Leaflet never delays the report's first paint.
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { baseMap, drawGrids } from './base.js';

const tr = bundle('map');
const CELL_DEGREES = 0.001; // backend/reports/services.py POSITION_CELL_DEGREES

/** Draw the report's position into the 200 px `mapEl` (report: community_id, lat, lng, position_precision, grid). */
export async function drawReportPosition(mapEl, report) {
  await tr.ready();
  let grids = [];
  try {
    grids = (await api.get(`/api/v1/communities/${report.community_id}`)).grids || [];
  } catch { /* offline: the position alone */ }
  const exact = report.position_precision === 'exact';
  mapEl.classList.add('map--small');
  const view = await baseMap(mapEl, { label: tr('pos.mapLabel'), zoomControl: false, clusters: false });
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
