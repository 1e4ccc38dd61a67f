// Entry links to the resident register, the care list and emotional support, for /me. Small and separate so
// that /me does not load those screens; their words come from their own bundles once loaded.
import { bundle } from '../i18n.js';
import { currentMembership, isCommittee } from '../store.js';
import { listItem } from '../ui.js';

const reg = bundle('register');
const care = bundle('care');

function item(href, words, key, metaKey, iconName) {
  const li = listItem({ href, iconName, title: ' ', meta: ' ' });
  const title = li.querySelector('.list-item__title');
  const meta = li.querySelector('.list-item__meta');
  words.ready().then(() => { title.textContent = words(key); meta.textContent = words(metaKey); }).catch(() => {});
  return li;
}

/** The committee's: the register and the care list. */
export function committeeCareLinks() {
  return [
    item('/committee/register', reg, 'reg.title', 'reg.meta', 'users'),
    item('/care', care, 'care.title', 'care.meta', 'check'),
  ];
}

/** Everyone's: ask for a conversation (counsellors answer there); a grid worker's visits. */
export function memberCareLinks() {
  const m = currentMembership();
  if (!m) return [];
  const links = [item('/care/support', care, 'support.title', 'support.meta', 'shield')];
  if (!isCommittee(m) && m.role === 'grid_worker') links.unshift(item('/care', care, 'care.mine', 'care.mineMeta', 'check'));
  return links;
}
