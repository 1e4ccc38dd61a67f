// A tiny QR code encoder (ISO/IEC 18004): byte mode, error correction level M, versions 1–6
// (up to 106 bytes: enough for a check-in link). Written for Linli after the public description of
// the standard; draws an SVG with DOM APIs. encodeQr(text) → boolean[][] (true = dark).

// Per version (index = version): total codewords, EC codewords per block, number of blocks (level M).
const VERSIONS = [null, [26, 10, 1], [44, 16, 1], [70, 26, 1], [100, 18, 2], [134, 24, 2], [172, 16, 4]];
const ALIGN = [null, [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34]];
const LEVEL_M_BITS = 0; // format bits of level M

function gfMul(x, y) {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z;
}

function rsDivisor(degree) {
  const result = new Array(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = gfMul(result[j], root);
      if (j + 1 < degree) result[j] ^= result[j + 1];
    }
    root = gfMul(root, 0x02);
  }
  return result;
}

function rsRemainder(data, divisor) {
  const result = new Array(divisor.length).fill(0);
  for (const b of data) {
    const factor = b ^ result.shift();
    result.push(0);
    divisor.forEach((coef, i) => { result[i] ^= gfMul(coef, factor); });
  }
  return result;
}

function dataCodewords(bytes, version) {
  const [total, ecPerBlock, blocks] = VERSIONS[version];
  const capacity = total - ecPerBlock * blocks;
  const bits = [];
  const push = (value, length) => { for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1); };
  push(0b0100, 4);
  push(bytes.length, 8);
  bytes.forEach((b) => push(b, 8));
  push(0, Math.min(4, capacity * 8 - bits.length));
  while (bits.length % 8) bits.push(0);
  const words = [];
  for (let i = 0; i < bits.length; i += 8) words.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  for (let pad = 0xec; words.length < capacity; pad ^= 0xec ^ 0x11) words.push(pad);
  return words;
}

function interleave(words, version) {
  const [, ecPerBlock, blocks] = VERSIONS[version];
  const size = words.length / blocks; // level M, versions 1–6: all blocks have the same length
  const divisor = rsDivisor(ecPerBlock);
  const data = [];
  const ec = [];
  for (let b = 0; b < blocks; b++) {
    const block = words.slice(b * size, (b + 1) * size);
    data.push(block);
    ec.push(rsRemainder(block, divisor));
  }
  const out = [];
  for (let i = 0; i < size; i++) data.forEach((block) => out.push(block[i]));
  for (let i = 0; i < ecPerBlock; i++) ec.forEach((block) => out.push(block[i]));
  return out;
}

const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

function build(codewords, version, mask) {
  const size = version * 4 + 17;
  const dark = Array.from({ length: size }, () => new Array(size).fill(false));
  const fixed = Array.from({ length: size }, () => new Array(size).fill(false));
  const set = (x, y, on) => { dark[y][x] = on; fixed[y][x] = true; };

  for (let i = 0; i < size; i++) { set(6, i, i % 2 === 0); set(i, 6, i % 2 === 0); }
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        const dist = Math.max(Math.abs(dx), Math.abs(dy));
        if (x >= 0 && x < size && y >= 0 && y < size) set(x, y, dist !== 2 && dist !== 4);
      }
    }
  }
  const align = ALIGN[version];
  align.forEach((ax, i) => align.forEach((ay, j) => {
    const last = align.length - 1;
    if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
  }));

  // Format information: level and mask, BCH(15,5), XOR 0x5412; two copies, plus the dark module.
  const data = (LEVEL_M_BITS << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  const format = ((data << 10) | rem) ^ 0x5412;
  const bit = (i) => ((format >>> i) & 1) === 1;
  for (let i = 0; i <= 5; i++) set(8, i, bit(i));
  set(8, 7, bit(6)); set(8, 8, bit(7)); set(7, 8, bit(8));
  for (let i = 9; i < 15; i++) set(14 - i, 8, bit(i));
  for (let i = 0; i < 8; i++) set(size - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) set(8, size - 15 + i, bit(i));
  set(8, size - 8, true);

  // Codewords in the two-column zigzag, right to left, skipping the timing column.
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const upward = ((right + 1) & 2) === 0;
        const y = upward ? size - 1 - vert : vert;
        if (fixed[y][x]) continue;
        const on = i < codewords.length * 8 && ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
        i++;
        dark[y][x] = on !== MASKS[mask](x, y);
      }
    }
  }
  return dark;
}

/** Penalty rules 1, 2 and 4 of the standard (enough to avoid the worst-looking masks). */
function penalty(m) {
  const size = m.length;
  let score = 0;
  let darkCount = 0;
  for (let a = 0; a < size; a++) {
    let runRow = 1;
    let runCol = 1;
    for (let b = 0; b < size; b++) {
      if (m[a][b]) darkCount++;
      if (b > 0) {
        runRow = m[a][b] === m[a][b - 1] ? runRow + 1 : 1;
        runCol = m[b][a] === m[b - 1][a] ? runCol + 1 : 1;
        if (runRow === 5) score += 3; else if (runRow > 5) score += 1;
        if (runCol === 5) score += 3; else if (runCol > 5) score += 1;
      }
      if (a > 0 && b > 0 && m[a][b] === m[a - 1][b] && m[a][b] === m[a][b - 1] && m[a][b] === m[a - 1][b - 1]) score += 3;
    }
  }
  score += Math.floor(Math.abs(darkCount * 20 - size * size * 10) / (size * size)) * 10;
  return score;
}

/** The QR matrix for `text` (UTF-8), smallest version that fits; `mask` forces one (tests). */
export function encodeQr(text, { mask } = {}) {
  const bytes = Array.from(new TextEncoder().encode(text));
  const version = VERSIONS.findIndex((v) => v && bytes.length + 2 <= v[0] - v[1] * v[2]);
  if (version < 1) throw new Error('text too long for a QR code of version 6');
  const codewords = interleave(dataCodewords(bytes, version), version);
  if (mask !== undefined) return build(codewords, version, mask);
  let best = null;
  let bestScore = Infinity;
  for (let m = 0; m < 8; m++) {
    const matrix = build(codewords, version, m);
    const score = penalty(matrix);
    if (score < bestScore) { best = matrix; bestScore = score; }
  }
  return best;
}

/** An <svg> of the code with a 4-module quiet zone; `label` is its accessible name. */
export function qrSvg(text, { label, size = 220 } = {}) {
  const matrix = encodeQr(text);
  const NS = 'http://www.w3.org/2000/svg';
  const n = matrix.length + 8;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${n} ${n}`);
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('role', 'img');
  if (label) svg.setAttribute('aria-label', label);
  const bg = document.createElementNS(NS, 'rect');
  bg.setAttribute('width', String(n));
  bg.setAttribute('height', String(n));
  bg.setAttribute('fill', '#fff');
  const path = document.createElementNS(NS, 'path');
  let d = '';
  matrix.forEach((row, y) => row.forEach((on, x) => { if (on) d += `M${x + 4} ${y + 4}h1v1h-1z`; }));
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(bg, path);
  return svg;
}
