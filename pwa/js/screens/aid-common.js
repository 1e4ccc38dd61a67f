// Shared by the aid and volunteering screens: their string bundle (pwa/locales/aid.<locale>.json),
// their stylesheet, the current community, and time formatting.
import { bundle, formatDateTime, formatNumber, formatTimeRange } from '../i18n.js';
import { currentMembership } from '../store.js';
import { emptyState, h, linkButton, useStylesheet } from '../ui.js';

/** Aid and volunteering strings: at('key', {vars}). */
export const at = bundle('aid');

/** The aid stylesheet and strings; call at the top of every screen. */
export async function prepare() {
  useStylesheet('/css/aid.css');
  await at.ready();
}

export function community() {
  const m = currentMembership();
  return m ? m.community : null;
}

/** For screens that need a verified member: null when allowed, else a screen explaining why not. */
export function gate(title, back = '/help') {
  const m = currentMembership();
  if (!m) return { title, back, node: emptyState({ iconName: 'building', title: at('gate.noCommunity'), action: linkButton(at('gate.choose'), '/communities', { block: true }) }) };
  if (m.status === 'suspended') {
    return { title, back, node: emptyState({ iconName: 'shield', title: at('gate.suspended'), body: at('gate.suspendedBody'),
      action: linkButton(at('gate.suspendedWhy'), '/moderation/mine', { block: true }) }) };
  }
  // pending: the truth (already joined, waiting for the committee) and what they can do meanwhile
  if (m.status !== 'verified') {
    return { title, back, node: emptyState({ iconName: 'clock', title: at('gate.notVerified'), body: at('gate.notVerifiedBody'),
      action: h('div', { class: 'stack' }, linkButton(at('gate.seeActivities'), '/help/activities', { block: true }),
        linkButton(at('gate.progress'), '/', { variant: 'secondary', block: true })) }) };
  }
  return null;
}

/** "12月7日周一 10:00" in the person's language and time zone (the one formatter in i18n.js). */
export function when(iso) {
  return formatDateTime(iso, { weekday: true });
}

/** A shift's time: "12月7日周一 10:00–12:00" (both ends in full when it runs past midnight). */
export function span(startIso, endIso) {
  return formatTimeRange(startIso, endIso, { weekday: true });
}

export function hoursText(hours) {
  return at('common.hours', { hours: formatNumber(Number(hours || 0), { maximumFractionDigits: 2 }) });
}

/** A value for <input type=datetime-local> → ISO with the device's offset. */
export function localInputToIso(value) {
  return value ? new Date(value).toISOString() : null;
}

export function isoToLocalInput(date) {
  const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

/** The aid / volunteering switch at the top of the help tab. */
export function helpSwitch(active) {
  const item = (key, href) => h('a', { class: `aid-switch__item${active === key ? ' is-active' : ''}`, href, 'aria-current': active === key ? 'page' : null, text: at(`switch.${key}`) });
  return h('nav', { class: 'aid-switch', 'aria-label': at('switch.label') }, item('aid', '/help'), item('volunteer', '/help/activities'));
}
