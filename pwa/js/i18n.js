// Translations: zh-CN by default; en when the browser prefers English and nothing is saved;
// a signed-in user's own `locale` always wins (see chooseLocale).

export const LOCALES = ['zh-CN', 'en'];
const PREF_KEY = 'linli.locale';
let current = 'zh-CN';
let messages = {};
const loaded = new Map();

export function savedPreference() {
  const v = localStorage.getItem(PREF_KEY);
  return LOCALES.includes(v) ? v : null;
}

export function savePreference(locale) {
  localStorage.setItem(PREF_KEY, locale);
}

export function chooseLocale(user) {
  if (user && LOCALES.includes(user.locale)) return user.locale;
  const saved = savedPreference();
  if (saved) return saved;
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || '';
  return nav.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

async function load(locale) {
  if (!loaded.has(locale)) {
    const res = await fetch(`/locales/${locale}.json`, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`locale ${locale}: ${res.status}`);
    loaded.set(locale, await res.json());
  }
  return loaded.get(locale);
}

export async function setLocale(locale) {
  if (!LOCALES.includes(locale)) locale = 'zh-CN';
  messages = await load(locale);
  current = locale;
  document.documentElement.lang = locale;
  document.title = messages['app.name'] || '邻里 Linli';
}

export function getLocale() {
  return current;
}

/** Translate `key`, replacing `{name}` placeholders from `vars`. Unknown keys show the key. */
export function t(key, vars) {
  let s = messages[key];
  if (s === undefined) {
    console.warn('missing translation', key);
    s = key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export function formatDateTime(iso) {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  } catch {
    return iso;
  }
}
