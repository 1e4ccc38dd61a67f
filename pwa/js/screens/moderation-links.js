// Moderation's pieces other screens draw: the flag button and its sheet (every content screen), the
// suspension banner (home) and the committee's links (home, /me). Kept apart from the moderation screens
// (moderation.js) so that a project or a report does not load the committee's queue to show its flag.
// User text: textContent only.
import { api } from '../api.js';
import { bundle, formatDateTime, t } from '../i18n.js';
import { state } from '../store.js';
import { button, chips, field, formError, h, listItem, openSheet, showErrors, toast, useStylesheet, withLoading } from '../ui.js';

const tr = bundle('moderation');
export const FLAG_REASONS = ['spam', 'offensive', 'personal_info', 'false_info', 'other'];
const SVG = 'http://www.w3.org/2000/svg';

export function prepare() {
  useStylesheet('/css/moderation.css');
  return tr.ready();
}

/** A span whose text is filled once the bundle is loaded (for parts drawn synchronously by other screens). */
function lazyText(key, vars, attrs = {}) {
  const span = h('span', attrs);
  prepare().then(() => { span.textContent = tr(key, vars); }).catch(() => { span.textContent = key; });
  return span;
}

function flagIcon() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', 'M5 21V4m0 0h11l-2 4 2 4H5');
  for (const [k, v] of Object.entries({ fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' })) path.setAttribute(k, v);
  svg.append(path);
  return svg;
}

/** Where a moderated item lives in the app (null when it has no page of its own). */
export function targetHref(type, id) {
  return { project: `/projects/${id}`, report: `/reports/${id}`, aid: `/help/aid/${id}`, notice: `/notices/${id}`, activity: `/help/activities/${id}`, poll: `/polls/${id}` }[type] || null;
}

/* ---------- flag button and sheet (used by every content screen) ---------- */

/**
 * The "report this" button for one item. Options: authorId or mine (own content shows no button),
 * hidden (the author sees "hidden pending review"). Always returns a Node (empty when nothing applies).
 */
export function flagButton(targetType, targetId, { authorId, mine = false, hidden = false } = {}) {
  const wrap = h('span', { class: 'mod-flag', dataset: { flagTarget: `${targetType}:${targetId}` } });
  if (hidden) wrap.append(lazyText('mod.hiddenMark', null, { class: 'pill pill--warn mod-hidden-mark', role: 'note' }));
  const user = state.user;
  if (!user || mine || (authorId !== undefined && authorId === user.id)) return wrap;
  const btn = h('button', { type: 'button', class: 'btn btn--ghost btn--small mod-flag__button', onclick: () => openFlagSheet(targetType, targetId) },
    flagIcon(), lazyText('mod.flag'));
  wrap.append(btn);
  return wrap;
}

export async function openFlagSheet(targetType, targetId) {
  await prepare();
  let reason = null;
  const reasonError = h('p', { class: 'field__error', id: `flag-reason-error-${targetId}` });
  const picker = chips(FLAG_REASONS.map((r) => ({ value: r, label: tr(`mod.reason.${r}`) })), reason, (value) => { reason = value; reasonError.textContent = ''; }, { label: tr('mod.flagReason') });
  picker.classList.add('mod-reasons');
  const text = field({ name: 'text', label: tr('mod.flagText'), hint: tr('mod.flagTextHint'), multiline: true, maxlength: 500 });
  const error = formError();
  const send = button(tr('mod.flagSend'), { type: 'submit', block: true, id: 'flag-send' });
  openSheet({
    title: tr('mod.flagTitle'),
    content: (close) => {
      const form = h('form', { class: 'mod-flag-form', novalidate: true },
        h('p', { class: 'muted small', text: tr('mod.flagExplain') }),
        h('p', { class: 'field__label', text: tr('mod.flagReason') }), picker, reasonError, text.el, error,
        h('div', { class: 'sheet__actions' }, send, button(t('common.cancel'), { variant: 'ghost', block: true, onClick: () => close() })));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        if (!reason) { reasonError.textContent = tr('mod.pickReason'); picker.querySelector('button').focus(); return; }
        if (reason === 'other' && !text.input.value.trim()) { text.setError(tr('mod.otherNeedsText')); text.input.focus(); return; }
        withLoading(send, async () => {
          try {
            await api.post('/api/v1/flags', { target_type: targetType, target_id: Number(targetId), reason, text: text.input.value.trim() });
            close('ok');
            toast(tr('mod.flagged'));
          } catch (err) {
            if (err.status === 409) { close(); toast(errorText(err)); return; }
            showErrors(err, { text }, error);
          }
        });
      });
      return form;
    },
  });
}

/* ---------- suspension banner (home) ---------- */

/** For a suspended membership: why and until when, with a link to appeal. Null otherwise. */
export function suspensionBanner(m) {
  if (!m || m.status !== 'suspended') return null;
  const reason = h('span', { class: 'mod-banner__reason' });
  const banner = h('section', { class: 'notice mod-banner', id: 'suspension-banner', role: 'note' },
    lazyText(m.suspended_until ? 'mod.suspendedUntil' : 'mod.suspended', { when: formatDateTime(m.suspended_until) }, { class: 'mod-banner__title' }),
    reason,
    h('a', { href: '/moderation/mine', class: 'mod-banner__link' }, lazyText('mod.seeWhy')));
  api.get(`/api/v1/communities/${m.community.id}/moderation/mine`, { fresh: true }).then(async (actions) => {
    await prepare();
    const latest = actions.find((a) => a.action === 'suspend');
    if (latest) reason.textContent = tr('mod.becauseOf', { reason: latest.reason });
  }).catch(() => {});
  return banner;
}

/** Links for the committee's part of home and /me. */
export function committeeLinks() {
  const item = (href, key, metaKey, iconName) => {
    const li = listItem({ href, iconName, title: ' ', meta: ' ' });
    const title = li.querySelector('.list-item__title');
    const meta = li.querySelector('.list-item__meta');
    prepare().then(() => { title.textContent = tr(key); meta.textContent = tr(metaKey); }).catch(() => {});
    return li;
  };
  return [
    item('/committee/moderation', 'mod.queueTitle', 'mod.queueMeta', 'search'),
    item('/committee/appeals', 'mod.appealsTitle', 'mod.appealsMeta', 'users'),
    item('/committee/audit', 'mod.auditTitle', 'mod.auditMeta', 'clock'),
  ];
}

/** The link on /me to what the committee did about me. */
export function myModerationLink() {
  const li = listItem({ href: '/moderation/mine', iconName: 'check', title: ' ', meta: ' ' });
  const title = li.querySelector('.list-item__title');
  const meta = li.querySelector('.list-item__meta');
  prepare().then(() => { title.textContent = tr('mod.mineTitle'); meta.textContent = tr('mod.mineMeta'); }).catch(() => {});
  return li;
}
