// The committee's entry to the 12345 hotline import, for /me: small and separate so that /me does not load the
// import screen; its words come from the hotline bundle once loaded.
import { bundle } from '../i18n.js';
import { listItem } from '../ui.js';

const words = bundle('hotline');

export function hotlineLinks() {
  const li = listItem({ href: '/committee/hotline', iconName: 'ticket', title: ' ', meta: ' ' });
  const title = li.querySelector('.list-item__title');
  const meta = li.querySelector('.list-item__meta');
  words.ready().then(() => { title.textContent = words('hl.linkTitle'); meta.textContent = words('hl.meta'); }).catch(() => {});
  return [li];
}
