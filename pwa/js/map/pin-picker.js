// The report form's pin: tap the map to place it, drag it to adjust. The point is kept in WGS-84 (shifted back
// from GCJ-02 tiles), and the grid it falls in, with its responsible person's public name, is shown as the
// form's hint: the server's own lookup, so the hint names the grid the report will be routed to.
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { button, clear, h } from '../ui.js';
import { baseMap, drawGrids, fitTo } from './base.js';

const tr = bundle('map');

/**
 * Mount the picker in `box`. `onPlace(lat, lng)` gets each WGS-84 point; `onClear()` when the pin is removed.
 * Returns `{place(lat, lng)}` to move the pin from outside (the phone's location). `purpose: 'activity'` (an
 * activity's place) names the map for that and says only which grid the point is in: nothing is routed.
 */
export async function pinPicker(box, { cid, start = null, onPlace, onClear, purpose = 'report' }) {
  await tr.ready();
  const routing = purpose === 'report';
  const mapEl = h('div', { class: 'map--picker', id: 'rp-pin-map', tabindex: '0' });
  const hint = h('p', { class: 'map-picker__hint', id: 'rp-pin-hint', role: 'status', 'aria-live': 'polite', text: tr('pin.tapHint') });
  const remove = button(tr('pin.remove'), { variant: 'ghost', small: true, id: 'rp-pin-remove', onClick: () => unplace() });
  remove.hidden = true;
  clear(box).append(h('div', { class: 'map-picker' }, mapEl, hint, remove));
  const view = await baseMap(mapEl, { label: tr(routing ? 'pin.mapLabel' : 'pin.activityMapLabel') });
  const { L, map } = view;
  let grids = [];
  try {
    grids = (await api.get(`/api/v1/communities/${cid}/map?layers=activities`)).grids;
  } catch { /* offline on a first visit: the pin still works, the server finds the grid */ }
  fitTo(view, drawGrids(view, grids));
  let marker = null;
  let lookup = 0;

  async function describe(lat, lng) {
    const mine = ++lookup;
    hint.textContent = tr('pin.placed');
    let grid;
    try {
      grid = (await api.get(`/api/v1/communities/${cid}/grids/at?lat=${lat}&lng=${lng}`, { fresh: true })).grid;
    } catch {
      if (mine === lookup) hint.textContent = routing ? tr('pin.lookupFailed') : tr('pin.placed');
      return;
    }
    if (mine !== lookup) return; // a later drag answered first
    clear(hint);
    if (!routing) { hint.textContent = grid ? tr('pin.grid', { grid: grid.name }) : tr('pin.placed'); return; }
    if (!grid) { hint.textContent = tr('pin.outside'); return; }
    hint.append(h('strong', { text: tr('pin.grid', { grid: grid.name }) }), ' · ',
      grid.responsible ? tr('pin.responsible', { name: grid.responsible.display_name }) : tr('pin.noResponsible'));
    hint.dataset.gridId = String(grid.id);
  }

  function settle(latlng) {
    const [lat, lng] = view.read(latlng);
    mapEl.dataset.pinShown = `${latlng.lat},${latlng.lng}`; // where the pin is drawn (the tiles' datum): for tests
    delete hint.dataset.gridId;
    onPlace(lat, lng);
    describe(lat, lng);
  }

  function place(lat, lng, { pan = true } = {}) {
    const at = view.show(lat, lng);
    if (!marker) {
      marker = L.marker(at, {
        draggable: true,
        autoPan: true,
        keyboard: true,
        title: tr('pin.placed'),
        icon: L.divIcon({ className: 'map-pin map-pin--place', html: '<span class="map-pin__dot"></span>', iconSize: [32, 32], iconAnchor: [16, 32] }),
      }).addTo(map);
      marker.on('dragend', () => settle(marker.getLatLng()));
    } else {
      marker.setLatLng(at);
    }
    mapEl.dataset.pinShown = `${at.lat},${at.lng}`;
    if (pan) map.setView(at, Math.max(map.getZoom(), 17));
    remove.hidden = false;
  }

  function unplace() {
    if (marker) marker.remove();
    delete mapEl.dataset.pinShown;
    marker = null;
    lookup++;
    remove.hidden = true;
    delete hint.dataset.gridId;
    hint.textContent = tr('pin.tapHint');
    onClear();
  }

  map.on('click', (e) => { place(...view.read(e.latlng), { pan: false }); settle(e.latlng); });
  if (start) { place(start.lat, start.lng); describe(start.lat, start.lng); }
  return {
    place: (lat, lng) => { place(lat, lng); describe(lat, lng); },
  };
}
