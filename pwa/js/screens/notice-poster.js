// A notice as a poster (/notices/:id/poster, committee): what the lobby's notice board shows to residents who
// never open the app. One A4 page in large type: the community, 通知 or 紧急通知, the title, the text, who
// issued it and when, and a QR code of the notice's address in the app (made by the server with the qrcode
// library, as the invitation letters are). On screen the page is shown as it will print, under a print button.
import { api } from '../api.js';
import { bundle, formatLongDate } from '../i18n.js';
import { button, emptyState, errorText, h, linkButton, useStylesheet } from '../ui.js';

const pt = bundle('notice-poster');

/** "2026年12月8日" / "December 8, 2026": a poster stays up for weeks, so its date always has the year. */
function posterDate(iso) {
  return formatLongDate(iso);
}

function posterPage(poster) {
  const n = poster.notice;
  return h('article', { class: `poster${n.urgent ? ' poster--urgent' : ''}`, id: 'poster' },
    h('div', { class: 'poster__head' },
      h('p', { class: 'poster__community', text: poster.community_name }),
      h('p', { class: 'poster__kind', text: pt(n.urgent ? 'poster.urgent' : 'poster.notice') })),
    h('h2', { class: 'poster__title', text: n.title }),
    h('div', { class: 'poster__body', text: n.body }),
    h('div', { class: 'poster__sign' },
      h('p', { text: pt('poster.sign', { community: poster.community_name }) }),
      h('p', { text: posterDate(n.publish_at) })),
    h('div', { class: 'poster__qr-row' },
      h('img', { class: 'poster__qr', alt: pt('poster.qrAlt'), src: `data:image/svg+xml;base64,${btoa(poster.qr_svg)}` }),
      h('div', { class: 'poster__qr-text' },
        h('p', { class: 'poster__scan', text: pt('poster.scan') }),
        h('p', { class: 'poster__url', text: poster.url }))));
}

async function posterScreen(ctx) {
  await pt.ready();
  useStylesheet('/css/notice-poster.css');
  const back = `/notices/${ctx.params.id}`;
  let poster;
  try {
    poster = await api.get(`/api/v1/notices/${ctx.params.id}/poster`, { fresh: true });
  } catch (err) {
    const title = err.status === 403 ? pt('poster.onlyCommittee') : pt('poster.failed');
    return { title: pt('poster.title'), back, node: emptyState({ iconName: 'shield', title, body: errorText(err) }) };
  }
  const print = button(pt('poster.print'), { variant: 'primary', block: true, iconName: 'share', id: 'poster-print', onClick: () => window.print() });
  const tools = h('div', { class: 'poster-tools no-print' }, h('p', { class: 'muted', text: pt('poster.intro') }), print);
  return { title: pt('poster.title'), back, node: h('div', { class: 'poster-screen' }, tools, posterPage(poster)) };
}

/** The link the notice page shows the committee (its words are in this screen's bundle). */
export async function posterLink(noticeId) {
  await pt.ready();
  return linkButton(pt('poster.open'), `/notices/${noticeId}/poster`, { variant: 'ghost', iconName: 'share', id: 'notice-poster-link' });
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = {
  '/notices/:id/poster': posterScreen,
};
