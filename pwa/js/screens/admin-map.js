// A grid's area for the platform admin: tap corners on a simple map canvas (the community's other grids drawn
// for reference), or upload a GeoJSON file. Either way the result is checked here before it is sent (the
// server checks again): one closed ring of [lng, lat] points, in range, not crossing itself.
import { h, nextId } from '../ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const SIZE = 320; // the canvas is a square of SIZE × SIZE user units, scaled to the phone's width
const MAX_POINTS = 500;
const MAX_FILE_BYTES = 1024 * 1024;
const DEFAULT_CENTRE = [121.4737, 31.2304]; // no grid drawn yet anywhere: a city centre, moved with the arrows
const DEFAULT_SPAN = 0.01; // degrees of longitude across the canvas (about 1 km)

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

const samePoint = (a, b) => a[0] === b[0] && a[1] === b[1];

function segmentsCross(p1, p2, p3, p4) {
  const d = (a, b, c) => (c[0] - a[0]) * (b[1] - a[1]) - (c[1] - a[1]) * (b[0] - a[0]);
  const d1 = d(p3, p4, p1); const d2 = d(p3, p4, p2); const d3 = d(p1, p2, p3); const d4 = d(p1, p2, p4);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/**
 * Check a ring of [lng, lat] points (open or closed). Returns {ring} closed, or {error: key}. Pure: the
 * e2e tests call it directly.
 */
export function checkRing(points) {
  if (!Array.isArray(points)) return { error: 'map.error.shape' };
  if (points.length > MAX_POINTS + 1) return { error: 'map.error.tooMany' };
  for (const p of points) {
    if (!Array.isArray(p) || p.length < 2 || !p.slice(0, 2).every((c) => typeof c === 'number' && Number.isFinite(c))) return { error: 'map.error.shape' };
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) return { error: 'map.error.range' };
  }
  const ring = points.map((p) => [p[0], p[1]]);
  if (ring.length && samePoint(ring[0], ring[ring.length - 1])) ring.pop();
  if (ring.length < 3) return { error: 'map.error.tooFew' };
  for (let i = 0; i < ring.length; i += 1) {
    for (let j = i + 1; j < ring.length; j += 1) {
      if (samePoint(ring[i], ring[j])) return { error: 'map.error.repeated' };
      const a1 = ring[i]; const a2 = ring[(i + 1) % ring.length];
      const b1 = ring[j]; const b2 = ring[(j + 1) % ring.length];
      if (j !== i + 1 && (j + 1) % ring.length !== i && segmentsCross(a1, a2, b1, b2)) return { error: 'map.error.crossing' };
    }
  }
  return { ring: [...ring, ring[0]] };
}

/** A GeoJSON text → {ring} or {error}: a Polygon, a Feature of one, or a FeatureCollection of exactly one. */
export function parseGeoJSON(text) {
  let data;
  try { data = JSON.parse(text); } catch { return { error: 'map.error.json' }; }
  if (data && data.type === 'FeatureCollection') {
    const polygons = (data.features || []).filter((f) => f && f.geometry && f.geometry.type === 'Polygon');
    if (polygons.length !== 1) return { error: 'map.error.onePolygon' };
    data = polygons[0];
  }
  if (data && data.type === 'Feature') data = data.geometry;
  if (!data || data.type !== 'Polygon' || !Array.isArray(data.coordinates) || !data.coordinates.length) return { error: 'map.error.notPolygon' };
  return checkRing(data.coordinates[0]); // the outer ring: a grid has no holes
}

function bounds(rings) {
  const pts = rings.flat();
  if (!pts.length) return null;
  const lngs = pts.map((p) => p[0]); const lats = pts.map((p) => p[1]);
  return { minLng: Math.min(...lngs), maxLng: Math.max(...lngs), minLat: Math.min(...lats), maxLat: Math.max(...lats) };
}

/**
 * The editor: {el, value() → null | {geometry} | {error}, setError(msg)}. `others` are the community's other
 * grids ({name, polygon}), drawn grey so the new one is placed beside them.
 */
export function polygonEditor({ tr, polygon, others = [] }) {
  let points = polygon && polygon.coordinates ? polygon.coordinates[0].slice(0, -1).map((p) => [p[0], p[1]]) : [];
  const otherRings = others.map((g) => ({ name: g.name, ring: g.polygon.coordinates[0] }));
  const b = bounds([...otherRings.map((o) => o.ring), points]);
  let centre = b ? [(b.minLng + b.maxLng) / 2, (b.minLat + b.maxLat) / 2] : DEFAULT_CENTRE;
  let span = b ? Math.max(b.maxLng - b.minLng, (b.maxLat - b.minLat) / Math.cos((centre[1] * Math.PI) / 180), 0.002) * 1.3 : DEFAULT_SPAN;

  // lng/lat ↔ canvas units (equirectangular, longitude shrunk by cos(latitude): right for a neighbourhood)
  const k = () => Math.cos((centre[1] * Math.PI) / 180);
  const toXY = ([lng, lat]) => [SIZE / 2 + ((lng - centre[0]) / span) * SIZE, SIZE / 2 - ((lat - centre[1]) / (span * k())) * SIZE];
  const toLngLat = (x, y) => [+(centre[0] + ((x - SIZE / 2) / SIZE) * span).toFixed(6), +(centre[1] - ((y - SIZE / 2) / SIZE) * span * k()).toFixed(6)];

  const canvas = svg('svg', { viewBox: `0 0 ${SIZE} ${SIZE}`, class: 'map-canvas', role: 'img', 'aria-label': tr('map.canvasLabel') });
  const status = h('p', { class: 'field__hint', role: 'status' });
  const error = h('p', { class: 'field__error', role: 'alert' });

  function draw() {
    canvas.replaceChildren();
    for (let i = 1; i < 8; i += 1) { // a light grid so taps have a sense of place
      canvas.append(svg('line', { x1: (i * SIZE) / 8, y1: 0, x2: (i * SIZE) / 8, y2: SIZE, class: 'map-canvas__rule' }),
        svg('line', { x1: 0, y1: (i * SIZE) / 8, x2: SIZE, y2: (i * SIZE) / 8, class: 'map-canvas__rule' }));
    }
    for (const other of otherRings) {
      canvas.append(svg('polygon', { points: other.ring.map((p) => toXY(p).join(',')).join(' '), class: 'map-canvas__other' }));
      const c = toXY(other.ring.reduce((s, p) => [s[0] + p[0] / other.ring.length, s[1] + p[1] / other.ring.length], [0, 0]));
      const label = svg('text', { x: c[0], y: c[1], class: 'map-canvas__label' });
      label.textContent = other.name;
      canvas.append(label);
    }
    if (points.length) {
      const xy = points.map(toXY);
      canvas.append(svg(points.length > 2 ? 'polygon' : 'polyline', { points: xy.map((p) => p.join(',')).join(' '), class: 'map-canvas__shape' }));
      xy.forEach(([x, y], i) => canvas.append(svg('circle', { cx: x, cy: y, r: i === 0 ? 7 : 5, class: `map-canvas__point${i === 0 ? ' is-first' : ''}` })));
    }
    status.textContent = tr('map.points', { n: points.length });
  }

  canvas.addEventListener('click', (e) => {
    const box = canvas.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * SIZE;
    const y = ((e.clientY - box.top) / box.height) * SIZE;
    if (points.length >= MAX_POINTS) return;
    points.push(toLngLat(x, y));
    error.textContent = '';
    draw();
  });

  const move = (dx, dy) => { centre = [centre[0] + dx * span * 0.25, centre[1] + dy * span * k() * 0.25]; draw(); };
  const zoom = (factor) => { span *= factor; draw(); };
  const tool = (label, onClick, extra = {}) => h('button', { type: 'button', class: 'btn btn--secondary btn--small', onclick: onClick, ...extra }, label);
  const tools = h('div', { class: 'map-tools' },
    tool(tr('map.undo'), () => { points.pop(); draw(); }),
    tool(tr('map.clear'), () => { points = []; draw(); }),
    tool('+', () => zoom(0.7), { 'aria-label': tr('map.zoomIn') }), tool('−', () => zoom(1 / 0.7), { 'aria-label': tr('map.zoomOut') }),
    tool('←', () => move(-1, 0), { 'aria-label': tr('map.west') }), tool('→', () => move(1, 0), { 'aria-label': tr('map.east') }),
    tool('↑', () => move(0, 1), { 'aria-label': tr('map.north') }), tool('↓', () => move(0, -1), { 'aria-label': tr('map.south') }));

  const fileId = nextId('geojson');
  const file = h('input', { type: 'file', id: fileId, class: 'visually-hidden', accept: '.geojson,.json,application/geo+json,application/json' });
  file.addEventListener('change', async () => {
    const chosen = file.files[0];
    file.value = '';
    if (!chosen) return;
    if (chosen.size > MAX_FILE_BYTES) { error.textContent = tr('map.error.big'); return; }
    const found = parseGeoJSON(await chosen.text());
    if (found.error) { error.textContent = tr(found.error); return; }
    points = found.ring.slice(0, -1);
    const fit = bounds([points]);
    centre = [(fit.minLng + fit.maxLng) / 2, (fit.minLat + fit.maxLat) / 2];
    span = Math.max(fit.maxLng - fit.minLng, (fit.maxLat - fit.minLat) / k(), 0.002) * 1.3;
    error.textContent = '';
    draw();
    status.textContent = tr('map.loaded', { n: points.length });
  });
  const upload = h('label', { class: 'btn btn--ghost btn--block', for: fileId }, tr('map.upload'));

  draw();
  const el = h('fieldset', { class: 'map-editor fieldset-plain' },
    h('legend', { class: 'field__label', text: tr('map.title') }),
    h('p', { class: 'field__hint', text: tr('map.hint') }),
    canvas, status, tools, upload, file, error);
  return {
    el,
    value() {
      if (!points.length) return null;
      const found = checkRing(points);
      if (found.error) return { error: tr(found.error) };
      return { geometry: { type: 'Polygon', coordinates: [found.ring] } };
    },
    setError(msg) { error.textContent = msg || ''; },
  };
}
