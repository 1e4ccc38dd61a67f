// Inline SVG icons (24×24, stroked), built with DOM APIs: no external files, no innerHTML.
const NS = 'http://www.w3.org/2000/svg';

const PATHS = {
  home: ['M3 11 12 3l9 8', 'M5 10v10h5v-6h4v6h5V10'],
  vote: ['M4 13h16v7H4z', 'M8 13V5h8v8', 'm10 8.5 1.5 1.5 3-3'],
  camera: ['M4 8h3l2-3h6l2 3h3v11H4z', 'M12 16.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7'],
  help: ['M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z'],
  user: ['M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8', 'M4 21a8 8 0 0 1 16 0'],
  back: ['M15 5l-7 7 7 7'],
  chevron: ['m9 5 7 7-7 7'],
  outbox: ['M7 18h10a4 4 0 0 0 .6-8A6 6 0 0 0 6 9.5 4.3 4.3 0 0 0 7 18z', 'M12 16v-6', 'm9 12.5 3-3 3 3'],
  check: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18', 'm8 12 3 3 5-6'],
  clock: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18', 'M12 7v5l3 2'],
  calendar: ['M4 6h16v14H4z', 'M4 10h16', 'M8 3v5M16 3v5'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  globe: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18', 'M3 12h18', 'M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9'],
  logout: ['M15 4h4v16h-4', 'M10 8l-4 4 4 4', 'M6 12h10'],
  users: ['M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7', 'M2.5 20a6.5 6.5 0 0 1 13 0', 'M16 4.3a3.5 3.5 0 0 1 0 6.4', 'M18 14a6.5 6.5 0 0 1 3.5 6'],
  building: ['M5 21V4h10v17', 'M15 9h4v12', 'M3 21h18', 'M8 8h1M11 8h1M8 12h1M11 12h1M8 16h1M11 16h1'],
  search: ['M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14', 'm16 16 4.5 4.5'],
  ticket: ['M4 7h16v3a2 2 0 0 0 0 4v3H4v-3a2 2 0 0 0 0-4z', 'M14 7v10'],
  sparkle: ['M12 3v4M12 17v4M3 12h4M17 12h4', 'm6 6 2.5 2.5M15.5 15.5 18 18M6 18l2.5-2.5M15.5 8.5 18 6'],
  wifiOff: ['M3 3l18 18', 'M8.5 16.5a5 5 0 0 1 7 0', 'M5 12.5a10 10 0 0 1 5-2.6', 'M19 12.5a10 10 0 0 0-3-2', 'M12 20h.01'],
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13'],
  plus: ['M12 5v14M5 12h14'],
  shield: ['M12 21s-7-3-7-9V5l7-2 7 2v7c0 6-7 9-7 9z', 'm9 12 2 2 4-4'],
  download: ['M12 4v11', 'm7 10 5 5 5-5', 'M5 20h14'],
  share: ['M4 13v7h16v-7', 'M12 15V3', 'm7 8 5-5 5 5'],
};

export function icon(name, { size = 24, label } = {}) {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  if (label) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
  } else {
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
  }
  for (const d of PATHS[name] || []) {
    const p = document.createElementNS(NS, 'path');
    p.setAttribute('d', d);
    svg.append(p);
  }
  return svg;
}
