// Shared by the aid and volunteering screens: their own locale files (pwa/locales/aid.<locale>.json),
// their stylesheet, the current community, and time formatting. Loaded once, on the first screen.
import { getLocale } from '../i18n.js';
import { currentMembership } from '../store.js';
import { emptyState, h, linkButton } from '../ui.js';

const strings = new Map();
let current = {};

/** Load this locale's aid strings (cached) and the aid stylesheet; call at the top of every screen. */
export async function prepare() {
  const locale = getLocale();
  if (!strings.has(locale)) {
    const res = await fetch(`/locales/aid.${locale}.json`, { credentials: 'same-origin' });
    strings.set(locale, res.ok ? await res.json() : {});
  }
  current = strings.get(locale);
  if (!document.getElementById('aid-css')) {
    document.head.append(h('link', { id: 'aid-css', rel: 'stylesheet', href: '/css/aid.css' }));
  }
}

/** Translate an aid/volunteering key; `{name}` placeholders from vars. */
export function at(key, vars) {
  let s = current[key];
  if (s === undefined) {
    console.warn('missing aid translation', key);
    s = key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export function community() {
  const m = currentMembership();
  return m ? m.community : null;
}

/** For screens that need a verified member: null when allowed, else a screen explaining why not. */
export function gate(title, back = '/help') {
  const m = currentMembership();
  if (!m) return { title, back, node: emptyState({ iconName: 'building', title: at('gate.noCommunity'), action: linkButton(at('gate.choose'), '/communities', { block: true }) }) };
  if (m.status !== 'verified') return { title, back, node: emptyState({ iconName: 'clock', title: at('gate.notVerified'), body: at('gate.notVerifiedBody') }) };
  return null;
}

const timeOnly = () => new Intl.DateTimeFormat(getLocale(), { hour: '2-digit', minute: '2-digit' });
const dayAndTime = () => new Intl.DateTimeFormat(getLocale(), { month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });

export function when(iso) {
  return iso ? dayAndTime().format(new Date(iso)) : '';
}

export function span(startIso, endIso) {
  return `${when(startIso)} – ${timeOnly().format(new Date(endIso))}`;
}

export function hoursText(hours) {
  return at('common.hours', { hours: Number(hours || 0).toLocaleString(getLocale(), { maximumFractionDigits: 2 }) });
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
