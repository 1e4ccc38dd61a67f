// The grid map: the community's grid polygons (GeoJSON [lng, lat]) drawn as SVG, each grid coloured by
// the chosen figure, with a legend and the report pins. No map tiles: it works offline and on any network.
import { h } from '../ui.js';
import { svg } from './insights-charts.js';

const WIDTH = 1000;
const PAD = 24;
// Five steps, light to dark; "good" figures (satisfaction, on time) use green, the rest amber to red.
const BAD_SCALE = ['#fff3dc', '#fcd9a8', '#f6a96b', '#e0703f', '#b42318'];
const GOOD_SCALE = ['#e2f5e8', '#b5e3c4', '#7cc79a', '#3f9d68', '#176a35'];
const HIGHER_IS_BETTER = new Set(['mean_stars', 'within_deadline_share']);
const NO_DATA = '#eef3f1';

function ringOf(grid) {
  const polygon = grid.polygon;
  if (!polygon || polygon.type !== 'Polygon' || !Array.isArray(polygon.coordinates)) return null;
  const ring = polygon.coordinates[0];
  return Array.isArray(ring) && ring.length >= 3 ? ring : null;
}

/** A projection fitting every ring and pin into the SVG (equirectangular, longitude scaled by cos(lat)). */
function projection(rings, pins) {
  const points = [...rings.flat(), ...pins.map((p) => [p.lng, p.lat])];
  if (!points.length) return null;
  const lngs = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const [minLng, maxLng, minLat, maxLat] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
  const kx = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const spanX = Math.max((maxLng - minLng) * kx, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const scale = (WIDTH - 2 * PAD) / Math.max(spanX, spanY * 1.0);
  const height = Math.round(spanY * scale + 2 * PAD);
  const width = Math.round(spanX * scale + 2 * PAD);
  return { width, height, at: ([lng, lat]) => [PAD + (lng - minLng) * kx * scale, PAD + (maxLat - lat) * scale] };
}

const INTEGER_FIGURES = new Set(['open', 'overdue', 'new', 'resolved']);

/** Five classes over the values: equal steps up to the maximum (whole numbers for counts). */
export function classify(values, figure) {
  const known = values.filter((v) => typeof v === 'number');
  const scale = HIGHER_IS_BETTER.has(figure) ? GOOD_SCALE : BAD_SCALE;
  if (!known.length) return { colour: () => NO_DATA, steps: [] };
  const lo = HIGHER_IS_BETTER.has(figure) ? Math.min(...known) : 0;
  const hi = Math.max(...known);
  let edges = scale.map((_, i) => lo + ((hi - lo) * (i + 1)) / scale.length);
  if (INTEGER_FIGURES.has(figure)) edges = [...new Set(edges.map((e) => Math.round(e)))];
  if (hi === lo) edges = [hi];
  // With fewer classes than colours, use the darker end of the scale so the largest stays the darkest.
  const colours = scale.slice(scale.length - edges.length);
  const index = (v) => Math.max(0, edges.findIndex((edge) => v <= edge + 1e-9));
  const steps = edges.map((to, i) => ({ colour: colours[i], from: i === 0 ? lo : edges[i - 1], to, first: i === 0 }));
  return { colour: (v) => (typeof v === 'number' ? colours[index(v)] : NO_DATA), steps, integer: INTEGER_FIGURES.has(figure) };
}

/**
 * gridMap({grids, pins, figure, format, onSelect, tr, categoryLabel}) -> {node, unmapped}
 * `grids` carry polygon, value and name; tapping (or Enter on) a grid calls onSelect(grid).
 */
export function gridMap({ grids, pins, figure, format, onSelect, tr, categoryLabel = (key) => key }) {
  const mapped = grids.filter((g) => ringOf(g));
  const unmapped = grids.filter((g) => !ringOf(g));
  const located = pins.filter((p) => typeof p.lat === 'number' && typeof p.lng === 'number');
  const fit = projection(mapped.map(ringOf), located);
  const legend = classify(grids.map((g) => g.value), figure);
  const wrap = h('div', { class: 'imap' });
  if (!fit) {
    wrap.append(h('p', { class: 'muted', text: tr('insights.map.noPolygons') }));
    return { node: wrap, unmapped };
  }
  const chart = svg('svg', { class: 'imap__svg', viewBox: `0 0 ${fit.width} ${fit.height}`, role: 'group', 'aria-label': tr('insights.map.title') });
  const textSize = Math.round(Math.max(fit.width, fit.height) / 24); // readable on a phone, not huge at a desk
  for (const grid of mapped) {
    const ring = ringOf(grid).map(fit.at);
    const d = `M${ring.map((p) => p.map((n) => n.toFixed(1)).join(' ')).join('L')}Z`;
    const valueText = typeof grid.value === 'number' ? format(grid.value) : tr('insights.noData');
    const name = grid.name || tr('insights.gridNumber', { number: grid.number });
    const area = svg('path', {
      class: 'imap__grid', d, fill: legend.colour(grid.value), tabindex: 0, role: 'button',
      'aria-label': `${name}: ${valueText}`,
      onclick: () => onSelect(grid),
      onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(grid); } },
    }, svg('title', { text: `${name}: ${valueText}` }));
    const cx = ring.reduce((s, p) => s + p[0], 0) / ring.length;
    const cy = ring.reduce((s, p) => s + p[1], 0) / ring.length;
    chart.append(area, svg('text', { class: 'imap__label', x: cx.toFixed(1), y: cy.toFixed(1), 'font-size': textSize, 'text-anchor': 'middle', text: name }),
      svg('text', { class: 'imap__value', x: cx.toFixed(1), y: (cy + textSize * 1.3).toFixed(1), 'font-size': textSize, 'text-anchor': 'middle', text: valueText }));
  }
  const pinLayer = svg('g', { class: 'imap__pins', 'aria-hidden': 'true' });
  for (const pin of located) {
    const [x, y] = fit.at([pin.lng, pin.lat]);
    const kind = pin.is_overdue ? 'overdue' : (['submitted', 'accepted', 'assigned', 'in_progress', 'reopened'].includes(pin.status) ? 'open' : 'closed');
    pinLayer.append(svg('circle', { class: `imap__pin imap__pin--${kind}`, cx: x.toFixed(1), cy: y.toFixed(1), r: Math.max(5, textSize / 3) },
      svg('title', { text: `${tr(`insights.pin.${kind}`)} · ${categoryLabel(pin.category)}` })));
  }
  chart.append(pinLayer);
  wrap.append(chart, legendOf(legend, format, tr));
  return { node: wrap, unmapped };
}

function legendOf(legend, format, tr) {
  const range = (s) => {
    if (legend.integer) {
      const from = s.first ? s.from : s.from + 1;
      return from >= s.to ? format(s.to) : `${format(from)} – ${format(s.to)}`;
    }
    return s.from === s.to ? format(s.to) : `${format(s.from)} – ${format(s.to)}`;
  };
  const items = legend.steps.map((s) => h('li', { class: 'imap__key' }, swatch(s.colour), h('span', { text: range(s) })));
  items.push(h('li', { class: 'imap__key' }, swatch(NO_DATA), h('span', { text: tr('insights.noData') })));
  for (const kind of ['overdue', 'open', 'closed']) {
    const dot = svg('svg', { class: 'imap__swatch', viewBox: '0 0 14 14', 'aria-hidden': 'true' },
      svg('circle', { class: `imap__pin imap__pin--${kind}`, cx: 7, cy: 7, r: 5 }));
    items.push(h('li', { class: 'imap__key' }, dot, h('span', { text: tr(`insights.pin.${kind}`) })));
  }
  return h('ul', { class: 'imap__legend', 'aria-label': tr('insights.map.legend') }, items);
}

function swatch(colour) {
  return svg('svg', { class: 'imap__swatch', viewBox: '0 0 14 14', 'aria-hidden': 'true' },
    svg('rect', { x: 0, y: 0, width: 14, height: 14, rx: 3, fill: colour, stroke: '#c9d3cf' }));
}
