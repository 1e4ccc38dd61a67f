// The calendar's pieces other screens draw: "add to calendar" for one item (its .ics file, which the phone
// hands to its calendar app) and "subscribe to the community calendar" (a sheet with the webcal:// link
// that calendar apps subscribe to, and the https link to copy into apps that ask for a URL). The files are
// served by backend/calendars (public events only). Drawn after the bundle is loaded: `await` them.
import { bundle } from '../i18n.js';
import { icon } from '../icons.js';
import { button, copyText, h, openSheet, toast } from '../ui.js';

const tr = bundle('calendar');

/** "Add to calendar" for one item of a calendar source (`activity`, `meeting`): a download link. */
export async function addToCalendarLink(source, id) {
  await tr.ready();
  return h('a', {
    class: 'btn btn--secondary btn--block calendar-add', href: `/api/v1/calendar/${source}/${id}.ics`,
    download: `${source}-${id}.ics`, type: 'text/calendar',
  }, icon('calendar'), h('span', { text: tr('calendar.add') }));
}

function feedUrl(communityId) {
  return new URL(`/api/v1/communities/${communityId}/calendar.ics`, location.origin).href;
}

/** "Subscribe to the community calendar": a button that opens the subscription sheet. */
export async function subscribeCalendarButton(communityId, communityName = '') {
  await tr.ready();
  return button(tr('calendar.subscribe'), {
    variant: 'secondary', block: true, iconName: 'calendar', class: 'calendar-subscribe',
    onClick: () => openSubscribeSheet(communityId, communityName),
  });
}

function openSubscribeSheet(communityId, communityName) {
  const https = feedUrl(communityId);
  const webcal = https.replace(/^https?:/, 'webcal:');
  openSheet({
    title: tr('calendar.subscribeTitle'),
    content: () => h('div', { class: 'calendar-sheet' },
      h('p', { class: 'muted', text: tr('calendar.subscribeIntro', { community: communityName || tr('calendar.thisCommunity') }) }),
      h('p', { class: 'calendar-sheet__url', 'data-user-content': '', text: https }),
      h('div', { class: 'sheet__actions' },
        h('a', { class: 'btn btn--primary btn--block', href: webcal, 'data-external': '', id: 'calendar-open-app' },
          icon('calendar'), h('span', { text: tr('calendar.openApp') })),
        button(tr('calendar.copy'), { variant: 'secondary', block: true, iconName: 'copy', onClick: async () => {
          toast((await copyText(https)) ? tr('calendar.copied') : tr('calendar.copyFailed', { url: https }));
        } })),
      h('p', { class: 'muted small calendar-sheet__note', text: tr('calendar.publicOnly') })),
  });
}
