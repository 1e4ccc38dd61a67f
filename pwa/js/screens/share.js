// Sharing a project looking for supporters, a poll or an activity: the phone's own share sheet (Web Share API)
// when it has one, else copy the link; and a poster with a QR code, drawn on a canvas, that residents send in
// a chat or print for the notice board. Loaded on the first tap of a share button (common.js shareButton).
import { encode } from '/vendor/uqr/uqr.js';
import { bundle } from '../i18n.js';
import { button, copyText, h, openSheet, toast, useStylesheet } from '../ui.js';

const tr = bundle('share');
const W = 720; // the poster in canvas pixels (a phone screen's width at 2×)
const H = 1080;
const FONT = 'system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
const INK = '#17211e';
const PRIMARY = '#0f766e';

/** Wrap text to lines no wider than `width` (per character: Chinese has no spaces between words). */
function wrap(ctx, text, width, maxLines) {
  const lines = [];
  let line = '';
  for (const ch of Array.from(text)) {
    if (ch === '\n' || ctx.measureText(line + ch).width > width) {
      lines.push(line);
      line = ch === '\n' ? '' : ch;
      if (lines.length === maxLines) break;
    } else {
      line += ch;
    }
  }
  if (lines.length < maxLines && line) lines.push(line);
  if (lines.length === maxLines && lines.join('').length < Array.from(text).length) {
    lines[maxLines - 1] = `${lines[maxLines - 1].slice(0, -1)}…`;
  }
  return lines;
}

function drawQr(ctx, url, x, y, size) {
  const qr = encode(url, { ecc: 'M', border: 2 });
  const cell = size / qr.size;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x, y, size, size);
  ctx.fillStyle = INK;
  qr.data.forEach((row, r) => row.forEach((on, c) => {
    if (on) ctx.fillRect(Math.floor(x + c * cell), Math.floor(y + r * cell), Math.ceil(cell), Math.ceil(cell));
  }));
}

/**
 * The poster on a canvas: the community, what it is (kind), the title, one or two lines of detail, the QR
 * code of the link and the words to scan it. Returns the canvas.
 */
export function drawPoster({ kind, title, lines = [], url, community }) {
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = PRIMARY;
  ctx.fillRect(0, 0, W, 150);
  ctx.fillStyle = '#ffffff';
  ctx.textBaseline = 'middle';
  ctx.font = `700 40px ${FONT}`;
  ctx.fillText(tr('share.brand'), 48, 60);
  ctx.font = `400 30px ${FONT}`;
  ctx.fillText(community || '', 48, 110);

  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = PRIMARY;
  ctx.font = `700 34px ${FONT}`;
  ctx.fillText(tr(`share.kind.${kind}`), 48, 226);
  ctx.fillStyle = INK;
  ctx.font = `800 52px ${FONT}`;
  let y = 300;
  for (const line of wrap(ctx, title, W - 96, 3)) { ctx.fillText(line, 48, y); y += 68; }
  ctx.fillStyle = '#4a5753';
  ctx.font = `400 30px ${FONT}`;
  y += 6;
  for (const line of lines.filter(Boolean).slice(0, 2)) {
    for (const part of wrap(ctx, line, W - 96, 2)) { ctx.fillText(part, 48, y); y += 44; }
  }

  const qrSize = 360;
  const qrY = H - qrSize - 150;
  drawQr(ctx, url, (W - qrSize) / 2, qrY, qrSize);
  ctx.textAlign = 'center';
  ctx.fillStyle = INK;
  ctx.font = `700 32px ${FONT}`;
  ctx.fillText(tr('share.scan'), W / 2, qrY + qrSize + 56);
  ctx.fillStyle = '#4a5753';
  ctx.font = `400 24px ${FONT}`;
  ctx.fillText(url.replace(/^https?:\/\//, ''), W / 2, qrY + qrSize + 100);
  return canvas;
}

function absolute(path) {
  return new URL(path, location.origin).href;
}

function fileName(kind, title) {
  const safe = Array.from(title).filter((ch) => /[\p{L}\p{N}]/u.test(ch)).slice(0, 20).join('');
  return `linli-${kind}-${safe || 'poster'}.png`;
}

/** The share sheet: the phone's share sheet, copy the link, or the poster (shown, downloadable as PNG). */
export async function openShare({ kind, title, lines = [], path, community }) {
  useStylesheet('/css/share.css');
  await tr.ready();
  const url = absolute(path);
  const text = tr(`share.text.${kind}`, { title });
  const posterBox = h('div', { class: 'share-poster', id: 'share-poster' });
  openSheet({
    title: tr('share.title'),
    content: (close) => {
      const actions = [];
      if (navigator.share) {
        actions.push(button(tr('share.native'), { block: true, iconName: 'users', onClick: async () => {
          try {
            await navigator.share({ title, text, url });
            close();
          } catch (err) {
            if (err && err.name !== 'AbortError') toast(tr('share.failed'), { type: 'error' });
          }
        } }));
      }
      actions.push(button(tr('share.copy'), { block: true, variant: navigator.share ? 'secondary' : 'primary', iconName: 'copy', onClick: async () => {
        toast((await copyText(`${text} ${url}`)) ? tr('share.copied') : tr('share.copyFailed', { url }));
      } }));
      actions.push(button(tr('share.poster'), { block: true, variant: 'secondary', iconName: 'download', id: 'share-make-poster', onClick: (e) => {
        e.currentTarget.hidden = true;
        const canvas = drawPoster({ kind, title, lines, url, community });
        canvas.toBlob((blob) => {
          if (!blob) { toast(tr('share.failed'), { type: 'error' }); return; }
          const href = URL.createObjectURL(blob);
          posterBox.replaceChildren(
            h('img', { class: 'share-poster__img', src: href, alt: tr('share.posterAlt', { title }), width: W / 2, height: H / 2 }),
            h('p', { class: 'muted small', text: tr('share.posterHint') }),
            h('a', { class: 'btn btn--primary btn--block', href, download: fileName(kind, title), id: 'share-download' }, tr('share.download')));
        }, 'image/png');
      } }));
      return h('div', { class: 'share' }, h('p', { class: 'muted', text: tr('share.intro') }),
        h('p', { class: 'share__link', 'data-user-content': '', text: url }),
        h('div', { class: 'sheet__actions' }, actions), posterBox);
    },
  });
}
