// Entry links to the task ledger and grid patrols, for /me. Small and separate so that /me does not load those
// screens; their words come from their own bundles once loaded.
import { bundle } from '../i18n.js';
import { currentMembership, isCommittee, memberships } from '../store.js';
import { linkButton, listItem } from '../ui.js';

const tasks = bundle('tasks');
const patrols = bundle('patrols');
const agencies = bundle('agencies');

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

/** The committee of the item's community: open a task from a report or a project in one step (/tasks/new?source=). */
export function taskFromButton(kind, item) {
  const m = memberships().find((membership) => membership.community.id === item.community_id);
  if (!isCommittee(m)) return null;
  const link = linkButton(' ', `/tasks/new?source=${kind}:${item.id}`, { variant: 'ghost', iconName: 'check' });
  const label = link.querySelector('span:last-child') || link;
  tasks.ready().then(() => { label.textContent = tasks('tasks.fromHere'); }).catch(() => {});
  return link;
}

/** On a community's dashboard (committee, officials above): its patrol coverage per grid per week. */
export function patrolCoverageLink(cid) {
  const link = linkButton(' ', `/committee/patrols?community=${cid}`, { variant: 'secondary', block: true, iconName: 'shield' });
  const label = link.querySelector('span:last-child') || link;
  patrols.ready().then(() => { label.textContent = patrols('coverage.title'); }).catch(() => {});
  return link;
}

/** On a community's dashboard (committee, officials above): its task ledger and its agencies' monthly scorecards.
 * `region` (the official's roll-up they came from) is carried along so that back returns to the same dashboard. */
export function dashboardLedgerLinks(cid, region) {
  const from = region ? `?region=${region}` : '';
  const ledger = linkButton(' ', `/communities/${cid}/tasks${from}`, { variant: 'secondary', block: true, iconName: 'check' });
  const cards = linkButton(' ', `/communities/${cid}/agency-scorecards${from}`, { variant: 'secondary', block: true, iconName: 'building' });
  const ledgerLabel = ledger.querySelector('span:last-child') || ledger;
  const cardsLabel = cards.querySelector('span:last-child') || cards;
  tasks.ready().then(() => { ledgerLabel.textContent = tasks('tasks.ledgerLink'); }).catch(() => {});
  agencies.ready().then(() => { cardsLabel.textContent = agencies('ag.cardsLink'); }).catch(() => {});
  return [ledger, cards];
}
