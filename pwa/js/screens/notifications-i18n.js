// Strings of the notification screens, from /locales/notifications.<locale>.json (loaded once per
// language and kept apart from the shell's catalogue, which this module does not own).
import { getLocale } from '../i18n.js';

const loaded = new Map();
let current = {};

export async function loadStrings() {
  const locale = getLocale();
  if (!loaded.has(locale)) {
    const res = await fetch(`/locales/notifications.${locale}.json`, { credentials: 'same-origin' });
    loaded.set(locale, res.ok ? await res.json() : {});
  }
  current = loaded.get(locale);
  return current;
}

/** Translate `key` with `{name}` placeholders; unknown keys show the key. */
export function nt(key, vars) {
  let s = current[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/** Load this module's stylesheet once (the shell's index.html does not know it). */
export function ensureStyles() {
  if (document.getElementById('notifications-css')) return;
  document.head.append(Object.assign(document.createElement('link'), {
    id: 'notifications-css', rel: 'stylesheet', href: '/css/notifications.css',
  }));
}
