// The map every screen draws on: Leaflet (and its clustering plugin) loaded on demand as classic scripts, the
// deployment's tiles if it has any, else a plain background, and the community's grids drawn from their
// polygons. Points go in and come out in WGS-84; coords.js shifts them for GCJ-02 tiles.
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { useStylesheet } from '../ui.js';
import { fromDisplay, ringToDisplay, toDisplay } from './coords.js';

const tr = bundle('map');
const NO_TILES = { provider: 'none', layers: [], subdomains: '', crs: 'wgs84', attribution: '', max_zoom: 19 };
const scripts = new Map();

function loadScript(src) {
  if (!scripts.has(src)) {
    scripts.set(src, new Promise((resolve, reject) => {
      const el = document.createElement('script');
      el.src = src;
      el.async = false; // in order: the cluster plugin extends the L that leaflet.js defines
      el.onload = () => resolve();
      el.onerror = () => { scripts.delete(src); el.remove(); reject(new Error(`could not load ${src}`)); };
      document.head.append(el);
    }));
  }
  return scripts.get(src);
}

/**
 * Leaflet 1.9.4 with Leaflet.markercluster 1.5.3 (pwa/vendor), loaded once, with their stylesheets. A map
 * without clusters (a report's position) skips the plugin: 10 KB and its start-up less on that page.
 */
export async function loadLeaflet({ clusters = true } = {}) {
  useStylesheet('/vendor/leaflet/leaflet.css');
  useStylesheet('/css/map.css');
  const scripts = [loadScript('/vendor/leaflet/leaflet.js')];
  if (clusters) {
    useStylesheet('/vendor/leaflet.markercluster/MarkerCluster.css');
    scripts.push(loadScript('/vendor/leaflet.markercluster/leaflet.markercluster.js'));
  }
  await Promise.all(scripts);
  return window.L;
}

/** The deployment's tile source; none when offline on a first visit (the map works without tiles). */
export async function tileSource() {
  try {
    return { ...NO_TILES, ...(await api.get('/api/v1/map/tiles')) };
  } catch {
    return NO_TILES;
  }
}

/** Text for a place that is written as HTML (Leaflet's attribution): its markup characters escaped. */
function asText(value) {
  const holder = document.createElement('span');
  holder.textContent = value || '';
  return holder.innerHTML;
}

/**
 * A Leaflet map in `el`: `{L, map, tiles, show(lat, lng) → display LatLng, read(latlng) → [lat, lng] WGS-84}`.
 * `label` names the map for screen readers.
 */
export async function baseMap(el, { label, zoomControl = true, interactive = true, clusters = true } = {}) {
  const [L, tiles] = await Promise.all([loadLeaflet({ clusters }), tileSource(), tr.ready()]);
  el.classList.add('map', tiles.layers.length ? 'map--tiles' : 'map--plain');
  el.setAttribute('role', 'region');
  if (label) el.setAttribute('aria-label', label);
  const map = L.map(el, {
    zoomControl: false, // added below with its buttons named in the reader's language (Leaflet's are English)
    zoomSnap: 0.25, // a community is a few hundred metres wide: fit it closely
    attributionControl: !!tiles.layers.length,
    maxZoom: tiles.max_zoom || 19,
    dragging: interactive,
    touchZoom: interactive,
    scrollWheelZoom: false, // a page that scrolls must not zoom the map under the thumb
    doubleClickZoom: interactive,
    boxZoom: false,
    keyboard: interactive,
    tap: false,
  });
  if (zoomControl) {
    // bottom right: the top-left is where grid names sit
    L.control.zoom({ position: 'bottomright', zoomInTitle: tr('map.zoomIn'), zoomOutTitle: tr('map.zoomOut') }).addTo(map);
  }
  if (map.attributionControl) map.attributionControl.setPrefix(false);
  tiles.layers.forEach((template, i) => {
    L.tileLayer(template, {
      subdomains: tiles.subdomains || 'abc',
      maxZoom: tiles.max_zoom || 19,
      attribution: i === 0 ? asText(tiles.attribution) : '', // Leaflet writes it as HTML: it is a setting's text
      crossOrigin: false,
    }).addTo(map);
  });
  return {
    L,
    map,
    tiles,
    show: (lat, lng) => L.latLng(...toDisplay(lat, lng, tiles.crs)),
    read: (latlng) => fromDisplay(latlng.lat, latlng.lng, tiles.crs),
  };
}

/**
 * The grids as outlined areas, each labelled with its name (and `extra(grid)` when given, such as a count).
 * Returns the bounds they cover (null when no grid has a polygon).
 */
export function drawGrids(view, grids, { extra, highlight } = {}) {
  const { L, map, tiles } = view;
  let bounds = null;
  const labels = [];
  for (const grid of grids) {
    const ring = ringToDisplay(grid.polygon, tiles.crs);
    if (!ring) continue;
    const shape = L.polygon(ring, {
      className: `map-grid${highlight === grid.id ? ' map-grid--active' : ''}`,
      interactive: false,
    }).addTo(map);
    const words = [grid.name, extra ? extra(grid) : null].filter(Boolean).join(' · ');
    // the name hangs from the grid's top edge: its middle is where the pins are
    const area = shape.getBounds();
    labels.push(L.tooltip({ permanent: true, direction: 'bottom', className: 'map-grid-label', opacity: 1, interactive: false, offset: [0, 4] })
      .setLatLng(L.latLng(area.getNorth(), area.getCenter().lng)).setContent(words).addTo(map));
    bounds = bounds ? bounds.extend(area) : area;
  }
  if (labels.length > 1) {
    map.on('zoomend moveend resize', () => declutter(labels));
    requestAnimationFrame(() => declutter(labels));
  }
  return bounds;
}

/** Hide a grid's name where it would overlap a name drawn before it (zoomed out, or larger text in care mode). */
function declutter(labels) {
  const kept = [];
  for (const label of labels) {
    const el = label.getElement();
    if (!el) continue;
    el.classList.remove('map-grid-label--hidden');
    const box = el.getBoundingClientRect();
    const overlaps = kept.some((k) => box.left < k.right && box.right > k.left && box.top < k.bottom && box.bottom > k.top);
    if (overlaps) el.classList.add('map-grid-label--hidden');
    else kept.push(box);
  }
}

/** Zoom to `bounds` (else a default view of the community's city) with a margin. */
export function fitTo(view, bounds, fallback = [31.2304, 121.4737]) {
  if (bounds && bounds.isValid()) view.map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
  else view.map.setView(view.show(...fallback), 15);
}
