// Entry links to the task ledger and grid patrols, for /me. Small and separate so that /me does not load those
// screens; their words come from their own bundles once loaded.
import { bundle } from '../i18n.js';
import { currentMembership, isCommittee } from '../store.js';
import { listItem } from '../ui.js';

const tasks = bundle('tasks');
const patrols = bundle('patrols');

function item(href, words, key, metaKey, iconName) {
  const li = listItem({ href, iconName, title: ' ', meta: ' ' });
  const title = li.querySelector('.list-item__title');
  const meta = li.querySelector('.list-item__meta');
  words.ready().then(() => { title.textContent = words(key); meta.textContent = words(metaKey); }).catch(() => {});
  return li;
}

/** Staff: the ledger (the committee's with everyone's tasks), the patrol, the committee's coverage. */
export function staffTaskLinks() {
  const m = currentMembership();
  if (!m || m.status !== 'verified' || !['grid_worker', 'committee'].includes(m.role)) return [];
  const committee = isCommittee(m);
  return [
    item('/tasks', tasks, 'tasks.title', committee ? 'tasks.metaCommittee' : 'tasks.meta', 'check'),
    item('/patrol', patrols, 'patrol.title', 'patrol.meta', 'shield'),
    committee ? item('/committee/patrols', patrols, 'coverage.title', 'coverage.meta', 'building') : null,
  ].filter(Boolean);
}
