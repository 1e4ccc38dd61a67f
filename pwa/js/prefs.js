// Apply the user's language and care mode to the page, and let the chrome re-draw itself.
import { chooseLocale, getLocale, setLocale, setTimeZone } from './i18n.js';
import { careMode } from './store.js';

let chromeRenderer = () => {};

export function setChromeRenderer(fn) {
  chromeRenderer = fn;
}

export function applyCare(on) {
  document.documentElement.classList.toggle('care', !!on);
}

/** Locale, time zone and care mode from the session user (or this device); returns true if the language changed. */
export async function applyPrefs(user) {
  applyCare(careMode());
  setTimeZone(user && user.timezone); // a visitor sees the device's own time zone
  const wanted = chooseLocale(user);
  const changed = wanted !== getLocale() || !document.documentElement.dataset.localeReady;
  if (changed) {
    await setLocale(wanted);
    document.documentElement.dataset.localeReady = '1';
  }
  chromeRenderer();
  return changed;
}
