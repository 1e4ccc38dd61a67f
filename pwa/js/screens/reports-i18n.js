// Strings and styles of the reports and notices screens: their own locale file
// (/locales/reports.<locale>.json) and stylesheet, loaded once, so the shell's files stay untouched.
import { getLocale, t } from '../i18n.js';

const loaded = new Map();
let messages = {};
let cssAdded = false;

function addStylesheet() {
  if (cssAdded) return;
  cssAdded = true;
  document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/css/reports.css' }));
}

/** Load the strings for the current language (call at the start of every screen). */
export async function ready() {
  addStylesheet();
  const locale = getLocale();
  if (!loaded.has(locale)) {
    const res = await fetch(`/locales/reports.${locale}.json`, { credentials: 'same-origin' });
    loaded.set(locale, res.ok ? await res.json() : {});
  }
  messages = loaded.get(locale);
}

/** Translate from our file, else from the shell's. */
export function tr(key, vars) {
  let s = messages[key];
  if (s === undefined) return t(key, vars);
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}
