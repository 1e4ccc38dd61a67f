// Comment threads for any target (projects, reports, aid, activities, notices):
//   import { mountComments } from './comments.js';  mountComments(container, 'reports', 12);
// One level of replies, edit within 15 minutes (the server says when: can.edit), delete keeps a
// placeholder, hidden comments are shown to their author marked hidden. User text only via textContent.
import { api } from '../api.js';
import { bundle, formatDateTime } from '../i18n.js';
import { state } from '../store.js';
import {
  button, chips, clear, confirmSheet, errorText, formError, h, linkButton, showErrors, toast, useStylesheet,
  withLoading
} from '../ui.js';
import { flagButton } from './moderation-links.js';

const tr = bundle('comments');
const PAGE = 20;

/** Mount a thread into `container`; returns {reload()}. */
export async function mountComments(container, target, id, { count } = {}) {
  useStylesheet('/css/projects.css');
  await tr.ready();
  const base = `/api/v1/${target}/${id}/comments`;
  let order = 'oldest';
  let cursor = null;

  const heading = h('h3', { class: 'section__title', id: `comments-${target}-${id}`, text: count != null ? tr('comments.count', { count }) : tr('comments.title') });
  const listEl = h('ol', { class: 'comments', 'aria-labelledby': heading.id });
  const more = button(tr('comments.more'), { variant: 'secondary', block: true, class: 'comments__more' });
  more.hidden = true;
  const orderChips = chips([{ value: 'oldest', label: tr('comments.oldest') }, { value: 'newest', label: tr('comments.newest') }], order,
    (value) => { order = value; load(true); }, { label: tr('comments.order') });

  async function load(reset = false) {
    if (reset) { cursor = null; clear(listEl); }
    const query = new URLSearchParams({ order, limit: String(PAGE) });
    if (cursor) query.set('cursor', cursor);
    const page = await api.get(`${base}?${query}`, { fresh: true });
    for (const comment of page.items) listEl.append(renderComment(comment));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (!listEl.children.length) listEl.append(h('li', { class: 'comments__empty muted', text: tr('comments.empty') }));
  }
  more.addEventListener('click', () => withLoading(more, () => load()));

  function renderComment(comment, { isReply = false } = {}) {
    const item = h('li', { class: `comment${isReply ? ' comment--reply' : ''}${comment.is_hidden ? ' comment--hidden' : ''}`, dataset: { commentId: comment.id } });
    const body = h('p', { class: 'comment__body' });
    const meta = h('p', { class: 'comment__meta small muted' });
    const actions = h('div', { class: 'comment__actions row' });
    const replies = h('ol', { class: 'comments comments--replies' });
    const draw = (c) => {
      clear(body); clear(meta); clear(actions);
      if (c.is_deleted) {
        item.classList.add('comment--deleted');
        body.textContent = tr('comments.deleted');
      } else {
        body.textContent = c.body;
      }
      meta.append(h('strong', { text: c.author ? c.author.display_name : '' }), ' ', h('time', { datetime: c.created_at, text: formatDateTime(c.created_at) }),
        c.edited_at && !c.is_deleted ? ` · ${tr('comments.edited')}` : '', c.is_hidden ? h('span', { class: 'pill pill--warn', text: tr('comments.hidden') }) : '');
      if (c.can.reply) actions.append(button(tr('comments.reply'), { variant: 'ghost', small: true, onClick: () => openReply(c) }));
      if (c.can.edit) actions.append(button(tr('comments.edit'), { variant: 'ghost', small: true, onClick: () => openEdit(c) }));
      if (c.can.delete) actions.append(button(tr('comments.delete'), { variant: 'ghost', small: true, onClick: () => remove(c) }));
      if (c.can.flag) actions.append(flagButton('comment', c.id));
    };
    draw(comment);
    item.append(meta, body, actions);
    if (!isReply) {
      for (const reply of comment.replies || []) replies.append(renderComment(reply, { isReply: true }));
      item.append(replies);
      if ((comment.replies || []).length < comment.replies_count && (comment.replies || []).length >= 20) {
        const moreReplies = button(tr('comments.moreReplies'), { variant: 'ghost', small: true });
        let replyCursor = null;
        moreReplies.addEventListener('click', () => withLoading(moreReplies, async () => {
          if (!replyCursor) clear(replies);
          const page = await api.get(`${base}?parent_id=${comment.id}&limit=50${replyCursor ? `&cursor=${replyCursor}` : ''}`, { fresh: true });
          page.items.forEach((r) => replies.append(renderComment(r, { isReply: true })));
          replyCursor = page.next_cursor;
          moreReplies.hidden = !replyCursor;
        }));
        item.append(moreReplies);
      }
    }

    function openReply(c) {
      if (item.querySelector(':scope > form')) return;
      const form = composer({
        label: tr('comments.replyTo', { name: c.author ? c.author.display_name : '' }),
        submitLabel: tr('comments.reply'),
        onSubmit: async (text) => {
          const created = await api.post(base, { body: text, parent_id: c.id });
          replies.append(renderComment(created, { isReply: true }));
          form.remove();
        },
        onCancel: () => form.remove(),
      });
      item.append(form);
      form.querySelector('textarea').focus();
    }

    function openEdit(c) {
      if (item.querySelector(':scope > form')) return;
      body.hidden = true;
      const form = composer({
        label: tr('comments.edit'), value: c.body, submitLabel: tr('comments.save'),
        onSubmit: async (text) => {
          const saved = await api.patch(`/api/v1/comments/${c.id}`, { body: text });
          Object.assign(c, saved);
          draw(c);
          body.hidden = false;
          form.remove();
        },
        onCancel: () => { body.hidden = false; form.remove(); },
      });
      body.after(form);
      form.querySelector('textarea').focus();
    }

    async function remove(c) {
      if (!(await confirmSheet({ title: tr('comments.delete'), body: tr('comments.deleteConfirm'), confirmLabel: tr('comments.delete'), danger: true }))) return;
      try {
        await api.del(`/api/v1/comments/${c.id}`);
        Object.assign(c, { is_deleted: true, body: '', author: null, is_mine: false, can: { edit: false, delete: false, reply: false, flag: false } });
        draw(c);
      } catch (err) {
        toast(errorText(err), { type: 'error' });
      }
    }
    return item;
  }

  function composer({ label, value = '', submitLabel, onSubmit, onCancel }) {
    const area = h('textarea', { class: 'input', name: 'body', rows: 3, maxlength: 2000, required: true, placeholder: tr('comments.placeholder'), 'aria-label': label });
    area.value = value;
    const error = formError();
    const send = button(submitLabel, { type: 'submit', small: true });
    const form = h('form', { class: 'comment-form', novalidate: true }, area, error,
      h('div', { class: 'row' }, send, onCancel ? button(tr('comments.cancel'), { variant: 'ghost', small: true, onClick: onCancel }) : null));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = area.value.trim();
      if (!text) { area.focus(); return; }
      withLoading(send, async () => {
        try {
          await onSubmit(text);
        } catch (err) {
          showErrors(err, { body: { input: area, setError: (m) => { error.textContent = m || ''; } } }, error);
        }
      });
    });
    return form;
  }

  const top = state.user
    ? composer({
      label: tr('comments.label'), submitLabel: tr('comments.post'),
      onSubmit: async (text) => {
        const created = await api.post(base, { body: text });
        const empty = listEl.querySelector('.comments__empty');
        if (empty) empty.remove();
        if (order === 'newest') listEl.prepend(renderComment(created));
        else listEl.append(renderComment(created));
        top.querySelector('textarea').value = '';
        toast(tr('comments.posted'));
      },
    })
    : h('p', { class: 'muted' }, linkButton(tr('comments.signIn'), `/signin?next=${encodeURIComponent(location.pathname)}`, { variant: 'secondary', block: true }));

  clear(container).append(h('section', { class: 'section comments-section' }, heading, orderChips, listEl, more, top));
  await load(true);
  return { reload: () => load(true) };
}
