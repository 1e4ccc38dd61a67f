// The polls string bundle (pwa/locales/polls.<locale>.json), loaded beside the shell's own, and the
// polls stylesheet. pt('polls.key', {vars}) translates; unknown keys fall back to the shell's t().
import { getLocale, t } from '../i18n.js';

const loaded = new Map(); // locale -> messages

export async function loadPollStrings() {
  const locale = getLocale();
  if (!loaded.has(locale)) {
    try {
      const res = await fetch(`/locales/polls.${locale}.json`, { credentials: 'same-origin' });
      loaded.set(locale, res.ok ? await res.json() : {});
    } catch {
      loaded.set(locale, {}); // offline without a cached copy: keys are shown rather than nothing
    }
  }
  if (!document.querySelector('link[data-domain-css="/css/polls.css"]')) {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/css/polls.css' }));
    document.head.lastElementChild.dataset.domainCss = '/css/polls.css';
  }
}

export function pt(key, vars) {
  const messages = loaded.get(getLocale()) || {};
  let s = messages[key];
  if (s === undefined) return t(key, vars);
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export function money(cents) {
  if (cents === null || cents === undefined) return '';
  return new Intl.NumberFormat(getLocale(), { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 })
    .format(cents / 100);
}

export function percent(share) {
  if (share === null || share === undefined) return '—';
  return new Intl.NumberFormat(getLocale(), { style: 'percent', maximumFractionDigits: 1 }).format(share);
}
