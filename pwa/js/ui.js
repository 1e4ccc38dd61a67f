// Small UI helpers. Everything is built with DOM APIs and textContent: user data never goes
// through innerHTML.
import { isNetworkError } from './api.js';
import { icon } from './icons.js';
import { formatInputValue, t } from './i18n.js';

let uid = 0;
export const nextId = (prefix = 'f') => `${prefix}-${++uid}`;

/**
 * h('a', {class: 'x', href: '/y', onclick: fn, 'aria-label': '..'}, child, 'text', ...)
 * Strings become text nodes; null/false children are skipped; arrays are flattened.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string' && k !== 'list') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Replace el's children; like h(), null/false children are skipped (Element.append would print "null"). */
export function fill(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/**
 * Fill a bar to `share` (0..1) of its width through the CSS custom property --fill (the CSS reads
 * `width: var(--fill)`). Set with style.setProperty, which our CSP allows; a style="" attribute is blocked.
 */
export function setFill(el, share) {
  const value = Number.isFinite(share) ? Math.max(0, Math.min(1, share)) : 0;
  el.style.setProperty('--fill', `${(value * 100).toFixed(1)}%`);
  return el;
}

/** Add a screen's stylesheet once (domains load their CSS with their first screen, not with the shell). */
export function useStylesheet(href) {
  if (document.querySelector(`link[data-domain-css="${href}"]`)) return;
  const link = h('link', { rel: 'stylesheet', href });
  link.dataset.domainCss = href;
  document.head.append(link);
}

/* ---------- buttons ---------- */

export function button(label, { variant = 'primary', type = 'button', block = false, small = false, onClick, iconName, ...attrs } = {}) {
  const cls = ['btn', `btn--${variant}`, block && 'btn--block', small && 'btn--small', attrs.class].filter(Boolean).join(' ');
  delete attrs.class;
  return h('button', { type, class: cls, onclick: onClick, ...attrs }, iconName ? icon(iconName) : null, h('span', { text: label }));
}

export function linkButton(label, href, { variant = 'primary', block = false, iconName, ...attrs } = {}) {
  const cls = ['btn', `btn--${variant}`, block && 'btn--block', attrs.class].filter(Boolean).join(' ');
  delete attrs.class;
  return h('a', { class: cls, href, ...attrs }, iconName ? icon(iconName) : null, h('span', { text: label }));
}

/** Show a busy spinner on a button and disable it; returns a function that restores it. */
export function setLoading(btn, on = true) {
  btn.classList.toggle('is-loading', on);
  btn.disabled = on;
  if (on) btn.setAttribute('aria-busy', 'true');
  else btn.removeAttribute('aria-busy');
}

/** Run `fn` with `btn` in the loading state. */
export async function withLoading(btn, fn) {
  setLoading(btn, true);
  try {
    return await fn();
  } finally {
    setLoading(btn, false);
  }
}

/**
 * What to tell a person about a failed request: "no connection" in their language for a network failure
 * (never the browser's English "Failed to fetch"), the server's own words (already in their language), our
 * own translated message, else `fallback`.
 */
export function errorText(err, fallback = t('error.generic')) {
  if (!err) return fallback;
  if (isNetworkError(err)) return t('error.network');
  if (err.detail) return err.detail;
  return err.name === 'Error' && err.message ? err.message : fallback;
}

/* ---------- forms ---------- */

/**
 * A labelled input with optional hint and an error slot wired by aria-describedby.
 * Returns {el, input, setError(msg|null)}.
 */
export function field({ name, label, type = 'text', value = '', hint, required = false, autocomplete, inputmode, placeholder, multiline = false, options, ...attrs }) {
  const id = nextId(name);
  const hintId = hint ? `${id}-hint` : null;
  const errId = `${id}-error`;
  // Chromium draws a date input in the browser's own locale (12/13/2026 on a Chinese screen of an English-speaking
  // browser): the chosen day is also written out by the app's formatter, and read with the field.
  const readoutId = type === 'date' || type === 'datetime-local' ? `${id}-readout` : null;
  let input;
  const common = { id, name, class: 'input', required, autocomplete, inputmode, placeholder, 'aria-describedby': [hintId, readoutId, errId].filter(Boolean).join(' '), ...attrs };
  if (options) {
    input = h('select', common, options.map((o) => h('option', { value: String(o.value), text: o.label, selected: String(o.value) === String(value) })));
  } else if (multiline) {
    input = h('textarea', { ...common, rows: 4 });
    input.value = value;
  } else {
    input = h('input', { ...common, type });
    input.value = value ?? '';
  }
  const err = h('p', { class: 'field__error', id: errId });
  const readout = readoutId ? h('p', { class: 'field__hint field__readout', id: readoutId }) : null;
  const el = h('div', { class: 'field' },
    // a file picker's label opens the picker: a tap target, so it gets a target's height
    h('label', { class: type === 'file' ? 'field__label field__label--target' : 'field__label', for: id, text: label }),
    hint ? h('p', { class: 'field__hint', id: hintId, text: hint }) : null,
    input,
    readout,
    err,
  );
  if (readout) {
    const writeOut = () => {
      readout.textContent = formatInputValue(input.value);
      readout.hidden = !readout.textContent;
    };
    ['input', 'change'].forEach((kind) => input.addEventListener(kind, writeOut));
    writeOut();
  }
  const setError = (msg) => {
    err.textContent = msg || '';
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  input.addEventListener('input', () => setError(null));
  return { el, input, setError, name };
}

/**
 * Show an ApiError on a form: per-field messages on the matching fields, the rest in `formError`.
 * Focuses the first invalid field. `fields` is {name: fieldObject}.
 */
export function showErrors(err, fields, formError) {
  Object.values(fields).forEach((f) => f.setError(null));
  const leftovers = [];
  let first = null;
  const fieldErrors = (err && err.fields) || {};
  for (const [name, msgs] of Object.entries(fieldErrors)) {
    const msg = Array.isArray(msgs) ? msgs.join(' ') : String(msgs);
    if (fields[name]) {
      fields[name].setError(msg);
      first = first || fields[name].input;
    } else {
      leftovers.push(msg);
    }
  }
  if (formError) {
    const main = first && !leftovers.length ? '' : errorText(err);
    formError.textContent = [main, ...leftovers].filter(Boolean).join(' ');
  }
  if (first) first.focus();
  else if (formError && formError.textContent) formError.focus();
}

export function formError() {
  return h('p', { class: 'form-error', role: 'alert', tabindex: '-1' });
}

/* ---------- content blocks ---------- */

export function card(...children) {
  return h('section', { class: 'card' }, ...children);
}

export function pill(text, kind) {
  return h('span', { class: `pill${kind ? ` pill--${kind}` : ''}`, text });
}

export function listItem({ href, onClick, title, meta, iconName, trailing, secondaryMeta = false }) {
  const body = h('span', { class: 'list-item__body' },
    h('span', { class: 'list-item__title', text: title }),
    meta ? h('span', { class: `list-item__meta${secondaryMeta ? ' secondary' : ''}`, text: meta }) : null,
  );
  const parts = [iconName ? icon(iconName) : null, body, trailing || null];
  let el;
  if (href) {
    el = h('a', { class: 'list-item', href }, ...parts, trailing ? null : h('span', { class: 'list-item__chev' }, icon('chevron')));
  } else if (onClick) {
    el = h('button', { type: 'button', class: 'list-item', onclick: onClick }, ...parts);
  } else {
    el = h('div', { class: 'list-item' }, ...parts);
  }
  return h('li', {}, el);
}

export function list(items, attrs = {}) {
  return h('ul', { class: 'list', ...attrs }, items);
}

export function emptyState({ iconName = 'sparkle', title, body, action }) {
  return h('div', { class: 'empty' },
    h('span', { class: 'empty__icon' }, icon(iconName)),
    h('p', { class: 'empty__title', text: title }),
    body ? h('p', { text: body }) : null,
    action || null,
  );
}

export function skeleton(n = 3) {
  return h('div', { 'aria-busy': 'true', 'aria-label': t('common.loading') }, Array.from({ length: n }, () => h('div', { class: 'skeleton' })));
}

/** Filter chips: single selection; calls onChange(value). */
export function chips(options, value, onChange, { label } = {}) {
  const wrap = h('div', { class: 'chips', role: 'group', 'aria-label': label });
  const buttons = options.map((o) => h('button', {
    type: 'button', class: 'chip', 'aria-pressed': String(o.value === value),
    onclick: () => {
      buttons.forEach((b) => b.setAttribute('aria-pressed', String(b === buttonsByValue.get(o.value))));
      onChange(o.value);
    },
  }, o.label));
  const buttonsByValue = new Map(options.map((o, i) => [o.value, buttons[i]]));
  wrap.append(...buttons);
  return wrap;
}

/**
 * Five tappable stars (a radio group: arrow keys work, a screen reader says "3 星"). `starLabel(n)` names
 * each star; returns {el, value(), focus()}. Each star is a full-size target.
 */
export function starInput({ label, value = 0, starLabel, name = nextId('stars'), onChange }) {
  let chosen = value;
  const group = h('div', { class: 'star-input', role: 'radiogroup', 'aria-label': label });
  const labels = [];
  const radios = [1, 2, 3, 4, 5].map((n) => {
    const id = `${name}-${n}`;
    const input = h('input', { type: 'radio', name, value: String(n), id, class: 'visually-hidden', checked: n === value });
    input.addEventListener('change', () => {
      chosen = n;
      labels.forEach((l, i) => l.classList.toggle('star--on', i < n));
      if (onChange) onChange(n);
    });
    const lab = h('label', { for: id, class: `star star-input__star${n <= value ? ' star--on' : ''}` },
      h('span', { 'aria-hidden': 'true', text: '★' }), h('span', { class: 'visually-hidden', text: starLabel(n) }));
    labels.push(lab);
    group.append(input, lab);
    return input;
  });
  return { el: group, value: () => chosen, focus: () => (radios[Math.max(0, chosen - 1)] || radios[0]).focus() };
}

/* ---------- toast ---------- */

/** Show a toast in the aria-live region. opts: {type: 'info'|'error', action: {label, onClick}, timeout} */
export function toast(message, { type = 'info', action, timeout = action ? 0 : 4500 } = {}) {
  const region = document.getElementById('toasts');
  if (!region) return () => {};
  const el = h('div', { class: `toast${type === 'error' ? ' toast--error' : ''}` },
    h('span', { class: 'toast__msg', text: message }));
  const close = () => el.remove();
  if (action) {
    el.append(button(action.label, { variant: 'ghost', onClick: () => { close(); action.onClick(); } }));
  }
  el.append(h('button', { type: 'button', class: 'btn btn--ghost', 'aria-label': t('common.close'), onclick: close, text: '×' }));
  region.append(el);
  if (timeout) setTimeout(close, timeout);
  return close;
}

/* ---------- bottom sheet ---------- */

/**
 * An accessible modal bottom sheet on the native <dialog> (focus trap, Esc, inert background).
 * content: Node or function(close) → Node. Returns {dialog, close, closed: Promise}.
 */
export function openSheet({ title, content, onClose }) {
  const titleId = nextId('sheet-title');
  const dialog = h('dialog', { class: 'sheet', 'aria-labelledby': titleId });
  let resolveClosed;
  const closed = new Promise((r) => { resolveClosed = r; });
  const close = (value) => {
    if (dialog.open) dialog.close(value === undefined ? '' : String(value));
  };
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (onClose) onClose(dialog.returnValue);
    resolveClosed(dialog.returnValue);
  });
  dialog.addEventListener('click', (e) => { if (e.target === dialog) close(); }); // backdrop tap
  const body = typeof content === 'function' ? content(close) : content;
  dialog.append(h('div', { class: 'sheet__handle', 'aria-hidden': 'true' }), h('h2', { class: 'sheet__title', id: titleId, text: title }), body);
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close, closed };
}

/** A confirmation sheet; resolves true when confirmed. */
export function confirmSheet({ title, body, confirmLabel, danger = false }) {
  let confirmed = false;
  const sheet = openSheet({
    title,
    content: (close) => h('div', {},
      body ? h('p', { text: body }) : null,
      h('div', { class: 'sheet__actions' },
        button(confirmLabel || t('common.confirm'), { variant: danger ? 'danger' : 'primary', block: true, onClick: () => { confirmed = true; close('ok'); } }),
        button(t('common.cancel'), { variant: 'ghost', block: true, onClick: () => close() }),
      )),
  });
  return sheet.closed.then(() => confirmed);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
