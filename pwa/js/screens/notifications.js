// Notifications: the inbox (/notifications) with its unread badge, and the preferences screen
// (/me/notifications): per kind inbox/push switches, digest, quiet hours, push on this device.
//
// The app bar's bell and the unread count are the shell's (bell.js); other screens call
// maybeAskForPush(reason) after a first report, vote or sign-up.
import { api } from '../api.js';
import { bundle, formatDateTime } from '../i18n.js';
import { navigate } from '../router.js';
import { state } from '../store.js';
import {
  button, card, emptyState, errorText, h, linkButton, list, skeleton, toast, useStylesheet, withLoading
} from '../ui.js';
import { setUnread, unreadCount } from '../bell.js';
import { requireUser } from './common.js';
import { currentSubscription, disablePush, enablePush, maybeAskForPush, pushSupported } from './notifications-push.js';

export { maybeAskForPush };

const nt = bundle('notifications');
const ensureStyles = () => useStylesheet('/css/notifications.css');

/* ---------- inbox ---------- */

/**
 * A notification's text with the parts people wrote (titles, names: the server lists them in `user_content`)
 * marked as theirs, so they are never taken for the app's own words (nor machine-translated).
 */
function withUserContent(text, parts = []) {
  const nodes = [];
  let rest = text;
  while (rest) {
    let first = null;
    for (const part of parts) {
      const at = part ? rest.indexOf(part) : -1;
      if (at >= 0 && (!first || at < first.at)) first = { at, part };
    }
    if (!first) { nodes.push(rest); break; }
    if (first.at) nodes.push(rest.slice(0, first.at));
    nodes.push(h('span', { 'data-user-content': '', translate: 'no', text: first.part }));
    rest = rest.slice(first.at + first.part.length);
  }
  return nodes;
}

function inboxItem(n, onOpen) {
  const cls = `notif-item${n.is_read ? '' : ' notif-item--unread'}${n.is_urgent ? ' notif-item--urgent' : ''}`;
  const a = h('a', { class: cls, href: n.url, dataset: { id: String(n.id), kind: n.kind } },
    h('span', { class: 'notif-item__dot', 'aria-hidden': 'true' }),
    h('span', { class: 'notif-item__body' },
      h('span', { class: 'notif-item__title' }, withUserContent(n.title, n.user_content)),
      n.body ? h('span', { class: 'notif-item__text' }, withUserContent(n.body, n.user_content)) : null,
      h('time', { class: 'notif-item__time', datetime: n.created_at, text: formatDateTime(n.created_at) })),
    n.is_read ? null : h('span', { class: 'visually-hidden', text: nt('inbox.unread') }));
  a.addEventListener('click', (e) => {
    e.preventDefault();
    onOpen(n);
  });
  return h('li', {}, a);
}

export async function inboxScreen(ctx) {
  if (!requireUser(ctx)) return null;
  ensureStyles();
  await nt.ready();
  const ul = list([], { id: 'notif-list', class: 'list notif-list' });
  const more = button(nt('inbox.more'), { variant: 'secondary', block: true, hidden: true, id: 'notif-more' });
  const readAll = button(nt('inbox.readAll'), { variant: 'ghost', small: true, id: 'notif-read-all' });
  const count = h('p', { class: 'muted small', id: 'notif-unread', 'aria-live': 'polite' });
  const body = h('div', { class: 'notif-screen' }, skeleton(3));
  let cursor = null;

  const drawCount = () => {
    const unread = unreadCount();
    count.textContent = unread ? nt('inbox.unreadCount', { count: unread }) : nt('inbox.allRead');
    readAll.hidden = unread === 0;
  };
  const open = async (n) => {
    if (!n.is_read) {
      try {
        const res = await api.post('/api/v1/notifications/read', { ids: [n.id] });
        setUnread(res.unread_count);
      } catch { /* reading still works offline */ }
    }
    navigate(n.url || '/notifications');
  };
  const load = async () => {
    const q = new URLSearchParams({ limit: '20' });
    if (cursor) q.set('cursor', cursor);
    const page = await api.get(`/api/v1/notifications?${q}`, { fresh: true });
    cursor = page.next_cursor;
    setUnread(page.unread_count);
    ul.append(...page.items.map((n) => inboxItem(n, open)));
    more.hidden = !cursor;
    return page;
  };
  more.addEventListener('click', () => withLoading(more, load));
  readAll.addEventListener('click', () => withLoading(readAll, async () => {
    const res = await api.post('/api/v1/notifications/read', { all: true });
    setUnread(res.unread_count);
    ul.querySelectorAll('.notif-item--unread').forEach((el) => el.classList.remove('notif-item--unread'));
    drawCount();
  }));

  try {
    const first = await load();
    body.replaceChildren();
    if (!first.items.length) {
      body.append(emptyState({ iconName: 'check', title: nt('inbox.empty'), body: nt('inbox.emptyHint') }));
    } else {
      body.append(h('div', { class: 'row notif-toolbar' }, count, readAll), ul, more);
      drawCount();
    }
  } catch (err) {
    body.replaceChildren(emptyState({ iconName: 'wifiOff', title: nt('inbox.failed'), body: errorText(err) }));
  }
  const settings = linkButton(nt('prefs.title'), '/me/notifications', { variant: 'ghost', small: true, id: 'notif-settings' });
  return { title: nt('inbox.title'), back: null, node: h('div', {}, body, h('p', { class: 'center' }, settings)) };
}

/* ---------- preferences ---------- */

function switchRow({ id, label, checked, onChange, disabled = false }) {
  const input = h('input', { type: 'checkbox', role: 'switch', class: 'switch', id, checked, disabled });
  input.addEventListener('change', () => onChange(input.checked, input));
  return h('label', { class: 'notif-switch', for: id }, h('span', { text: label }), input);
}

const SMS_PHONE_NOTES = { verified: 'verified', unverified: 'unverified', none: 'noPhone' };

/** "SMS for urgent notices": on by default; it reaches a verified phone when no device of theirs takes pushes,
 * so the card says whether one can (a phone is verified by signing in once with a code sent to it). */
function urgentSmsCard(prefs, save) {
  return card(h('h2', { class: 'card__title', text: nt('prefs.sms.title') }),
    switchRow({ id: 'pref-urgent-sms', label: nt('prefs.sms.switch'), checked: prefs.urgent_sms !== false, onChange: (v, el) => save({ urgent_sms: v }, el) }),
    h('p', { class: 'muted small', id: 'pref-urgent-sms-note', text: nt(`prefs.sms.${SMS_PHONE_NOTES[prefs.sms_phone] || 'noPhone'}`) }));
}

/** Push on this device. Drawn at once and filled in when the browser answers (it may wait for the worker). */
function devicePushCard() {
  const status = h('p', { class: 'muted small', id: 'push-status', text: nt('push.checking') });
  const action = h('div', {});
  const draw = async () => {
    action.replaceChildren();
    if (!pushSupported()) {
      status.textContent = nt('push.unsupported');
      return;
    }
    const sub = await currentSubscription().catch(() => null);
    if (Notification.permission === 'denied') status.textContent = nt('push.blocked');
    else status.textContent = sub ? nt('push.onHere') : nt('push.offHere');
    const btn = button(sub ? nt('push.turnOff') : nt('push.turnOn'), { variant: sub ? 'secondary' : 'primary', small: true, id: 'push-toggle' });
    btn.addEventListener('click', () => withLoading(btn, async () => {
      try {
        if (sub) await disablePush();
        else await enablePush();
        toast(sub ? nt('push.disabled') : nt('push.enabled'));
      } catch (err) {
        toast(errorText(err, nt('push.failed')), { type: 'error' });
      }
      await draw();
    }));
    action.append(btn);
  };
  draw().catch(() => { status.textContent = nt('push.notReady'); });
  return card(h('h2', { class: 'card__title', text: nt('push.thisDevice') }), status, action);
}

export async function preferencesScreen(ctx) {
  if (!requireUser(ctx)) return null;
  ensureStyles();
  await nt.ready();
  let prefs;
  try {
    prefs = await api.get('/api/v1/me/notification-preferences', { fresh: true });
  } catch (err) {
    return { title: nt('prefs.title'), back: '/me', node: emptyState({ iconName: 'wifiOff', title: nt('inbox.failed'), body: errorText(err) }) };
  }
  const save = async (body, input) => {
    try {
      prefs = await api.put('/api/v1/me/notification-preferences', body);
      toast(nt('prefs.saved'));
    } catch (err) {
      if (input) input.checked = !input.checked;
      toast(errorText(err, nt('push.failed')), { type: 'error' });
    }
  };
  // Only the kinds this person's roles can receive (the server says: `applies`), each label once: two kinds
  // with one name (an old and a new name for one event) are one row that sets both.
  const rows = [];
  for (const k of prefs.kinds.filter((x) => x.applies !== false)) {
    const same = rows.find((r) => r.label === k.label && r.personal === k.personal);
    if (same) same.kinds.push(k.kind);
    else rows.push({ label: k.label, personal: k.personal, kinds: [k.kind], inbox: k.inbox, push: k.push });
  }
  const kindRows = (personal) => rows.filter((r) => r.personal === personal).map((r) => h('li', { class: 'notif-kind', dataset: { kind: r.kinds[0] } },
    h('p', { class: 'notif-kind__label', text: r.label }),
    h('div', { class: 'notif-kind__switches' },
      switchRow({ id: `pref-${r.kinds[0]}-push`, label: nt('prefs.push'), checked: r.push, onChange: (v, el) => save({ kinds: r.kinds.map((kind) => ({ kind, push: v })) }, el) }),
      switchRow({ id: `pref-${r.kinds[0]}-inbox`, label: nt('prefs.inbox'), checked: r.inbox, onChange: (v, el) => save({ kinds: r.kinds.map((kind) => ({ kind, inbox: v })) }, el) }))));

  // Three presets, one tap each; the switches of every kind stay folded away for those who want them.
  const PRESETS = {
    all: (r) => ({ inbox: true, push: true }),
    mine: (r) => ({ inbox: true, push: r.personal }),
    quiet: () => ({ inbox: true, push: false }),
  };
  const presetOf = () => Object.keys(PRESETS).find((name) => rows.every((r) => {
    const want = PRESETS[name](r);
    return r.inbox === want.inbox && r.push === want.push;
  })) || 'custom';
  const presetNote = h('p', { class: 'muted small', id: 'pref-preset-note', role: 'status' });
  const presetButtons = Object.keys(PRESETS).map((name) => h('button', { type: 'button', class: 'notif-preset', dataset: { preset: name }, 'aria-pressed': 'false',
    onclick: (e) => withLoading(e.currentTarget, async () => {
      const kinds = rows.flatMap((r) => r.kinds.map((kind) => ({ kind, ...PRESETS[name](r) })));
      await save({ kinds });
      navigate(location.pathname, { replace: true });
    }) },
  h('strong', { text: nt(`prefs.preset.${name}`) }), h('span', { class: 'notif-preset__hint', text: nt(`prefs.preset.${name}Hint`) })));
  const markPreset = () => {
    const current = presetOf();
    presetButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.preset === current)));
    presetNote.textContent = current === 'custom' ? nt('prefs.preset.custom') : '';
  };
  markPreset();

  const digest = h('select', { class: 'input', id: 'pref-digest', name: 'digest' },
    ['off', 'daily', 'weekly'].map((v) => h('option', { value: v, text: nt(`prefs.digest.${v}`), selected: prefs.digest === v })));
  digest.addEventListener('change', () => save({ digest: digest.value }));
  const qh = prefs.quiet_hours;

  const node = h('div', { class: 'notif-prefs' },
    devicePushCard(),
    card(h('h2', { class: 'card__title', text: nt('prefs.presets') }),
      h('div', { class: 'notif-presets', role: 'group', 'aria-label': nt('prefs.presets') }, presetButtons), presetNote,
      h('p', { class: 'muted small', text: nt('prefs.urgent') })),
    card(h('details', { class: 'notif-details', id: 'pref-details' }, h('summary', { text: nt('prefs.details') }),
      h('h3', { class: 'notif-details__title', text: nt('prefs.aboutMe') }), h('p', { class: 'muted small', text: nt('prefs.aboutMeHint') }),
      h('ul', { class: 'notif-kinds' }, kindRows(true)),
      h('h3', { class: 'notif-details__title', text: nt('prefs.community') }), h('p', { class: 'muted small', text: nt('prefs.communityHint') }),
      h('ul', { class: 'notif-kinds' }, kindRows(false)))),
    card(h('div', { class: 'field' }, h('label', { class: 'field__label', for: 'pref-digest', text: nt('prefs.digest') }), digest)),
    urgentSmsCard(prefs, save),
    card(h('h2', { class: 'card__title', text: nt('prefs.quiet') }),
      h('p', { class: 'muted', id: 'pref-quiet', text: qh ? nt('prefs.quietOn', qh) : nt('prefs.quietOff') }),
      linkButton(nt('prefs.quietEdit'), '/me#quiet-status', { variant: 'ghost', small: true, iconName: 'clock' })));
  return { title: nt('prefs.title'), back: '/notifications', node };
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = {
  '/notifications': inboxScreen,
  '/me/notifications': preferencesScreen,
};

export function registerNotificationRoutes(route) {
  for (const [pattern, handler] of Object.entries(ROUTES)) route(pattern, handler);
}
