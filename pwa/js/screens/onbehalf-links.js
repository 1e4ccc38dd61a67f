// The entry link to the residents served in person (代办), for /me. Small and separate so that /me does not load
// the screen; its words come from the screen's own bundle once loaded.
import { bundle } from '../i18n.js';
import { currentMembership } from '../store.js';
import { listItem } from '../ui.js';

const tr = bundle('residents');

/** For the committee and grid workers: register residents without a phone, act for them, print their letters. */
export function onBehalfLinks() {
  const m = currentMembership();
  if (!m || m.status !== 'verified' || !['committee', 'grid_worker'].includes(m.role)) return [];
  const li = listItem({ href: '/committee/residents', iconName: 'user', title: ' ', meta: ' ' });
  const title = li.querySelector('.list-item__title');
  const meta = li.querySelector('.list-item__meta');
  tr.ready().then(() => { title.textContent = tr('res.title'); meta.textContent = tr('res.intro'); }).catch(() => {});
  return [li];
}
