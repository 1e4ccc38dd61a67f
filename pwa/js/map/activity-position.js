// An activity's place on its page: a pin at its own point (a public place: exact for everyone) among the
// community's grids. Drawn only for an activity that has a point.
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { h } from '../ui.js';
import { baseMap, drawGrids } from './base.js';

const tr = bundle('map');

/** Draw the activity's point into `box` (activity: community_id, lat, lng). */
export async function drawActivityPosition(box, activity) {
  await tr.ready();
  let grids = [];
  try {
    grids = (await api.get(`/api/v1/communities/${activity.community_id}`)).grids || [];
  } catch { /* offline: the point alone */ }
  const mapEl = h('div', { class: 'map--small', id: 'activity-position-map' });
  box.append(mapEl, h('p', { class: 'map-note', text: tr('act.note') }));
  const view = await baseMap(mapEl, { label: tr('act.mapLabel'), zoomControl: false });
  const { L, map } = view;
  drawGrids(view, grids);
  const at = view.show(activity.lat, activity.lng);
  L.marker(at, {
    keyboard: false,
    interactive: false,
    icon: L.divIcon({ className: 'map-pin map-pin--place', html: '<span class="map-pin__dot"></span>', iconSize: [32, 32], iconAnchor: [16, 32] }),
  }).addTo(map);
  map.setView(at, 16.5);
}
