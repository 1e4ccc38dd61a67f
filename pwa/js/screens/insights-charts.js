// Small SVG charts for the insights screens, drawn with DOM APIs (no chart library, no innerHTML):
// a sparkline for a big number's last 12 weeks and a bar chart with one labelled bar per week.
import { formatDay } from '../i18n.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** svg('rect', {x: 1, ...}, ...children): an element in the SVG namespace. */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

const finite = (v) => typeof v === 'number' && Number.isFinite(v);

/** A 12-week sparkline; null weeks leave a gap. `label` is read by screen readers. */
export function sparkline(values, { label, width = 120, height = 32 } = {}) {
  const known = values.filter(finite);
  const chart = svg('svg', { class: 'spark', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label || '', preserveAspectRatio: 'none' });
  if (!known.length) return chart;
  const max = Math.max(...known);
  const min = Math.min(0, ...known);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const point = (v, i) => [i * step, height - 2 - ((v - min) / span) * (height - 4)];
  let run = [];
  const runs = [];
  values.forEach((v, i) => {
    if (finite(v)) run.push(point(v, i));
    else if (run.length) { runs.push(run); run = []; }
  });
  if (run.length) runs.push(run);
  for (const points of runs) {
    if (points.length === 1) chart.append(svg('circle', { class: 'spark__dot', cx: points[0][0], cy: points[0][1], r: 2 }));
    else chart.append(svg('polyline', { class: 'spark__line', points: points.map((p) => p.map((n) => n.toFixed(1)).join(',')).join(' ') }));
  }
  const last = values[values.length - 1];
  if (finite(last)) {
    const [x, y] = point(last, values.length - 1);
    chart.append(svg('circle', { class: 'spark__end', cx: x, cy: y, r: 2.5 }));
  }
  return chart;
}

/** Weekly bars with a <title> per bar (hover/long-press shows the week and value). */
export function bars(values, { label, weeks = [], format = String, height = 80 } = {}) {
  const width = values.length * 10;
  const known = values.filter(finite);
  const max = Math.max(1, ...known);
  const chart = svg('svg', { class: 'bars', viewBox: `0 0 ${width} ${height + 2}`, role: 'img', 'aria-label': label || '', preserveAspectRatio: 'none' });
  chart.append(svg('line', { class: 'bars__base', x1: 0, x2: width, y1: height + 0.5, y2: height + 0.5 }));
  values.forEach((v, i) => {
    const tall = finite(v) ? Math.max(v > 0 ? 1.5 : 0, (v / max) * height) : 0;
    const week = weeks[i] ? `${formatDay(weeks[i].start)} – ${formatDay(weeks[i].end)}` : '';
    chart.append(svg('rect', { class: i === values.length - 1 ? 'bars__bar bars__bar--current' : 'bars__bar', x: i * 10 + 1.5, width: 7, y: height - tall, height: tall },
      svg('title', { text: `${week}: ${finite(v) ? format(v) : '—'}` })));
  });
  return chart;
}
