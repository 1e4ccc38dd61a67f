// Language and region: the shell's messages (t), each domain's string bundle (bundle), and the one
// place dates, times and numbers are formatted for the person's language and time zone.
// zh-CN by default; en when the browser prefers English and nothing is saved; a signed-in user's own
// `locale` and `timezone` always win (see chooseLocale, setTimeZone).

export const LOCALES = ['zh-CN', 'en'];
const PREF_KEY = 'linli.locale';
let current = 'zh-CN';
let messages = {};
let timeZone; // undefined: the device's own
const loaded = new Map(); // locale -> Promise of its messages
const bundles = new Map(); // `${name}:${locale}` -> messages
const loadingBundles = new Map(); // `${name}:${locale}` -> Promise

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

/** The shell's messages of `locale`, fetched once (the promise is kept; a failed fetch is tried again). */
function load(locale) {
  if (!loaded.has(locale)) {
    const messagesOf = fetch(`/locales/${locale}.json`, { credentials: 'same-origin' }).then((res) => {
      if (!res.ok) throw new Error(`locale ${locale}: ${res.status}`);
      return res.json();
    });
    messagesOf.catch(() => loaded.delete(locale));
    loaded.set(locale, messagesOf);
  }
  return loaded.get(locale);
}

/** Start fetching a language's messages before it is chosen (at boot, while the session is asked for). */
export function preloadLocale(locale) {
  if (LOCALES.includes(locale)) load(locale).catch(() => {});
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

function fill(text, vars) {
  return vars ? text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : text;
}

/** Translate `key`, replacing `{name}` placeholders from `vars`. Unknown keys show the key. */
export function t(key, vars) {
  let s = messages[key];
  if (s === undefined) {
    console.warn('missing translation', key);
    s = key;
  }
  return fill(s, vars);
}

/* ---------- domain string bundles ---------- */

async function fetchBundle(name, locale) {
  const id = `${name}:${locale}`;
  if (bundles.has(id)) return;
  if (!loadingBundles.has(id)) {
    loadingBundles.set(id, (async () => {
      try {
        const res = await fetch(`/locales/${name}.${locale}.json`, { credentials: 'same-origin' });
        if (res.ok) bundles.set(id, await res.json());
        else console.warn('string bundle', id, res.status);
      } catch (err) {
        console.warn('string bundle', id, err); // offline without a cached copy: try again next screen
      } finally {
        loadingBundles.delete(id);
      }
    })());
  }
  await loadingBundles.get(id);
}

/**
 * Start fetching a domain's strings in `locale` before its screen asks for them: at boot, as soon as the
 * session says which language the person reads, in parallel with the shell's words (not after them).
 */
export function preloadBundle(name, locale) {
  if (LOCALES.includes(locale)) fetchBundle(name, locale);
}

/**
 * A domain's strings (pwa/locales/<name>.<locale>.json), kept beside the shell's so a domain ships its
 * words without editing the shell's files:
 *   const tr = bundle('reports');
 *   await tr.ready();        // at the top of each screen: loads the current language once, never throws
 *   tr('rp.title', {n: 2})   // the bundle's text, else the shell's, else the key
 */
export function bundle(name) {
  const translate = (key, vars) => {
    const own = bundles.get(`${name}:${current}`);
    return own && own[key] !== undefined ? fill(own[key], vars) : t(key, vars);
  };
  translate.ready = () => fetchBundle(name, current);
  /** True when the bundle has its own text for `key` (for optional keys such as server codes). */
  translate.has = (key) => {
    const own = bundles.get(`${name}:${current}`);
    return !!own && own[key] !== undefined;
  };
  return translate;
}

/* ---------- dates, times and numbers ---------- */

/** The signed-in person's time zone (IANA name); anything unknown keeps the device's. */
export function setTimeZone(zone) {
  try {
    timeZone = zone ? new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone : undefined;
  } catch {
    timeZone = undefined;
  }
}

const formatters = new Map();
function formatter(kind, options) {
  const id = `${current}|${timeZone || ''}|${kind}`;
  if (!formatters.has(id)) {
    // zh-CN reads 24-hour time (09:05); en keeps its own 12-hour habit (9:05 AM)
    const clock = current === 'zh-CN' ? { hourCycle: 'h23', hour: '2-digit' } : { hour: 'numeric' };
    const withClock = 'minute' in options ? { ...clock, ...options } : options;
    formatters.set(id, new Intl.DateTimeFormat(current, { timeZone, ...withClock }));
  }
  return formatters.get(id);
}

function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function sameYearAsNow(d) {
  const year = formatter('year', { year: 'numeric' });
  return year.format(d) === year.format(new Date());
}

function sameDay(a, b) {
  const day = formatter('day-key', { year: 'numeric', month: '2-digit', day: '2-digit' });
  return day.format(a) === day.format(b);
}

/** "12月7日 10:00" / "Dec 7, 10:00 AM" (the year only when it is not this year). Empty for no value. */
export function formatDateTime(value, { weekday = false } = {}) {
  const d = toDate(value);
  if (!d) return '';
  const year = sameYearAsNow(d) ? {} : { year: 'numeric' };
  const day = weekday ? { weekday: 'short' } : {};
  return formatter(`dt${year.year ? 'y' : ''}${weekday ? 'w' : ''}`, { ...year, month: 'short', day: 'numeric', ...day, minute: '2-digit' }).format(d);
}

/** "12月7日" / "Dec 7" (with the year when it is not this year). */
export function formatDate(value) {
  const d = toDate(value);
  if (!d) return '';
  return sameYearAsNow(d)
    ? formatter('d', { month: 'short', day: 'numeric' }).format(d)
    : formatter('dy', { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

/** A calendar day given as "2026-11-30" (no time, no zone): "11月30日" / "Nov 30". */
export function formatDay(isoDay) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(isoDay || ''));
  if (!m) return formatDate(isoDay);
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], 12));
  const thisYear = String(new Date().getFullYear()) === m[1];
  const options = thisYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' };
  return new Intl.DateTimeFormat(current, { ...options, timeZone: 'UTC' }).format(d);
}

/** A month given as "2026-12": "2026年12月" / "December 2026" (a period's name, as league tables show it). */
export function formatMonth(isoMonth) {
  const m = /^(\d{4})-(\d{2})$/.exec(String(isoMonth || ''));
  if (!m) return String(isoMonth || '');
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, 15, 12));
  return new Intl.DateTimeFormat(current, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(d);
}

/** "2026年12月8日" / "December 8, 2026": a date in full, with the year, for what is printed and stays up. */
export function formatLongDate(value) {
  const d = toDate(value);
  return d ? formatter('dlong', { year: 'numeric', month: 'long', day: 'numeric' }).format(d) : '';
}

/** What a date or datetime-local input holds ("2026-12-13", "2026-12-13T10:00") written out in the app's language,
 * with the weekday: "2026年12月13日星期日" / "Sunday, December 13, 2026" (and the time when it has one). The wall-clock
 * value as typed: no time zone moves it. Empty for an empty or partial value. */
export function formatInputValue(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$/.exec(String(value || ''));
  if (!m) return '';
  const timed = m[4] !== undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], timed ? +m[4] : 12, timed ? +m[5] : 0));
  const clock = !timed ? {} : current === 'zh-CN' ? { hourCycle: 'h23', hour: '2-digit', minute: '2-digit' } : { hour: 'numeric', minute: '2-digit' };
  return new Intl.DateTimeFormat(current, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long', ...clock, timeZone: 'UTC' }).format(d);
}

/** "10:00" / "10:00 AM". */
export function formatTime(value) {
  const d = toDate(value);
  return d ? formatter('t', { minute: '2-digit' }).format(d) : '';
}

/** "12月7日 10:00–12:00" on one day, else both ends in full. */
export function formatTimeRange(start, end, { weekday = false } = {}) {
  const a = toDate(start);
  const b = toDate(end);
  if (!a || !b) return formatDateTime(a || b, { weekday });
  return sameDay(a, b) ? `${formatDateTime(a, { weekday })}–${formatTime(b)}` : `${formatDateTime(a, { weekday })} – ${formatDateTime(b, { weekday })}`;
}

export function formatNumber(value, { maximumFractionDigits = 1 } = {}) {
  if (typeof value !== 'number' || Number.isNaN(value)) return '—';
  return new Intl.NumberFormat(current, { maximumFractionDigits }).format(value);
}

/** Money kept in fen (cents): "¥1,200". */
export function formatMoney(cents) {
  if (cents === null || cents === undefined) return '';
  return new Intl.NumberFormat(current, { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 }).format(cents / 100);
}

/** A share between 0 and 1: "42.5%". */
export function formatPercent(share) {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  return new Intl.NumberFormat(current, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}
