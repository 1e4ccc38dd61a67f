// App state: the session user and the current community (remembered in localStorage).
import { fetchSession, clearDataCache } from './api.js';

const COMMUNITY_KEY = 'linli.community';
const CARE_KEY = 'linli.care';
const listeners = new Set();

export const state = {
  user: null,
  sessionLoaded: false,
};

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit() {
  for (const fn of listeners) fn(state);
}

export function setUser(user) {
  state.user = user || null;
  state.sessionLoaded = true;
  emit();
}

/** Re-read the session (after sign-in, sign-out, sign-up, joining): new user and CSRF token. */
export async function refreshSession({ clearCache = false } = {}) {
  if (clearCache) await clearDataCache().catch(() => {});
  const user = await fetchSession();
  setUser(user);
  return user;
}

export function memberships() {
  return (state.user && state.user.memberships) || [];
}

export function getCommunityId() {
  const v = Number(localStorage.getItem(COMMUNITY_KEY));
  return Number.isInteger(v) && v > 0 ? v : null;
}

export function setCommunityId(id) {
  if (id) localStorage.setItem(COMMUNITY_KEY, String(id));
  else localStorage.removeItem(COMMUNITY_KEY);
  emit();
}

/** The membership for the remembered community, else the first one (or null). */
export function currentMembership() {
  const list = memberships();
  if (!list.length) return null;
  const cid = getCommunityId();
  return list.find((m) => m.community.id === cid) || list[0];
}

export function isCommittee(m = currentMembership()) {
  return !!m && m.role === 'committee' && m.status === 'verified';
}

export function isVerified(m = currentMembership()) {
  return !!m && m.status === 'verified';
}

/** Someone signed in who has not accepted the current privacy notice (the shell shows it first). */
export function needsConsent(user = state.user) {
  return !!(user && user.privacy && user.privacy.needs_consent);
}

/** Care mode: the user's setting when signed in, else this device's choice. */
export function careMode() {
  if (state.user) return !!state.user.care_mode;
  return localStorage.getItem(CARE_KEY) === '1';
}

export function saveDeviceCareMode(on) {
  localStorage.setItem(CARE_KEY, on ? '1' : '0');
}
