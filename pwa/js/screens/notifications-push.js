// Web Push on this device: subscribe / unsubscribe, and maybeAskForPush(reason) — the "turn on
// notifications" prompt asked at a useful moment (after a first report, vote or sign-up), never on
// first load, at most once a week, and only after the person chose to act.
import { api, request } from '../api.js';
import { bundle } from '../i18n.js';
import { state } from '../store.js';
import { button, errorText, h, openSheet, toast } from '../ui.js';

const nt = bundle('notifications');
const ASKED_KEY = 'linli.push.asked';
const ASK_AGAIN_AFTER_MS = 7 * 24 * 3600 * 1000;
const REASONS = ['report', 'vote', 'signup', 'aid', 'follow', 'settings'];

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function urlBase64ToUint8Array(base64) {
  const padded = (base64 + '='.repeat((4 - (base64.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

const WORKER_WAIT_MS = 4000;

/**
 * The service worker registration, or null when there is none yet. navigator.serviceWorker.ready never
 * settles while no worker is registered (the shell registers it only after the first screen is drawn), so
 * a screen opened first must not wait on it alone.
 */
async function registration() {
  const existing = await navigator.serviceWorker.getRegistration().catch(() => null);
  if (existing && existing.active) return existing;
  const timeout = new Promise((resolve) => { setTimeout(() => resolve(null), WORKER_WAIT_MS); });
  return Promise.race([navigator.serviceWorker.ready, timeout]);
}

/** This device's current subscription, or null (also while the service worker is not installed yet). */
export async function currentSubscription() {
  if (!pushSupported()) return null;
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

/** Ask the browser for permission (if needed), subscribe with our VAPID key and save it on the server. */
export async function enablePush() {
  if (!pushSupported()) throw new Error(nt('push.unsupported'));
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') throw new Error(nt('push.denied'));
  const reg = await registration();
  if (!reg) throw new Error(nt('push.notReady'));
  let sub = await reg.pushManager.getSubscription();
  if (!sub) {
    const { key } = await api.get('/api/v1/push/vapid-public-key');
    sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToUint8Array(key) });
  }
  await api.post('/api/v1/push/subscriptions', sub.toJSON());
  return sub;
}

/** Stop pushes to this device (the server's copy, then the browser subscription). */
export async function disablePush() {
  const sub = await currentSubscription();
  if (!sub) return;
  try {
    await request('DELETE', '/api/v1/push/subscriptions', { endpoint: sub.endpoint });
  } catch (err) {
    if (err.status !== 404) throw err;
  }
  await sub.unsubscribe();
}

function recentlyAsked() {
  const at = Number(localStorage.getItem(ASKED_KEY) || 0);
  return Date.now() - at < ASK_AGAIN_AFTER_MS;
}

/**
 * Offer push after something the person did makes it useful ("tell me when my report moves").
 * reason: 'report' | 'vote' | 'signup' | 'aid' | 'follow'. Resolves true if push is (now) on.
 * Silently re-saves an existing subscription; never asks twice in a week or after a refusal.
 */
export async function maybeAskForPush(reason = 'report') {
  if (!state.user || !pushSupported()) return false;
  if (Notification.permission === 'denied') return false;
  if (Notification.permission === 'granted') {
    try { await enablePush(); return true; } catch { return false; }
  }
  if (recentlyAsked()) return false;
  localStorage.setItem(ASKED_KEY, String(Date.now()));
  await nt.ready();
  const why = REASONS.includes(reason) ? reason : 'report';
  const sheet = openSheet({
    title: nt(`ask.title.${why}`),
    content: (close) => {
      const yes = button(nt('ask.yes'), { block: true, id: 'push-ask-yes', iconName: 'check' });
      yes.addEventListener('click', async () => {
        try {
          await enablePush();
          toast(nt('push.enabled'));
          close('yes');
        } catch (err) {
          toast(errorText(err, nt('push.failed')), { type: 'error' });
          close('failed');
        }
      });
      return h('div', { id: 'push-ask' },
        h('p', { text: nt(`ask.body.${why}`) }),
        h('p', { class: 'muted small', text: nt('ask.control') }),
        h('div', { class: 'sheet__actions' },
          yes,
          button(nt('ask.later'), { variant: 'ghost', block: true, onClick: () => close('later') })));
    },
  });
  return (await sheet.closed) === 'yes';
}
