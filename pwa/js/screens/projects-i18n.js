// Domain string bundles (pwa/locales/<bundle>.<locale>.json) loaded next to the shell's own, so a
// domain ships its words without editing the shell's locale files. Also injects a domain stylesheet.
import { getLocale } from '../i18n.js';

const loaded = new Map(); // `${bundle}:${locale}` -> messages

/** Fetch a bundle for the current locale (cached). Call before rendering; cheap when loaded. */
export async function loadBundle(bundle) {
  const locale = getLocale();
  const key = `${bundle}:${locale}`;
  if (!loaded.has(key)) {
    try {
      const res = await fetch(`/locales/${bundle}.${locale}.json`, { credentials: 'same-origin' });
      loaded.set(key, res.ok ? await res.json() : {});
    } catch {
      loaded.set(key, {}); // offline without a cached copy: keys are shown rather than nothing
    }
  }
  return loaded.get(key);
}

/** A translate function over a loaded bundle: tr('key', {vars}). */
export function translator(bundle) {
  return (key, vars) => {
    const messages = loaded.get(`${bundle}:${getLocale()}`) || {};
    let s = messages[key];
    if (s === undefined) s = key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  };
}

/** Add <link rel=stylesheet> once. */
export function useStylesheet(href) {
  if (document.querySelector(`link[data-domain-css="${href}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  link.dataset.domainCss = href;
  document.head.append(link);
}
