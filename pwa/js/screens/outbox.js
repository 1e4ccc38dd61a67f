// Platform admin: the development outbox (issue 18). With no real SMS or e-mail provider configured, the codes
// and messages Linli would have sent land here, so that a tester or a desk worker can read a sign-in code.
// The server audits each read and answers 404 once every channel has a real provider. Loaded on demand.
import { api, ApiError } from '../api.js';
import { bundle, formatDateTime } from '../i18n.js';
import { state } from '../store.js';
import { button, chips, clear, emptyState, errorText, h, linkButton, pill, useStylesheet } from '../ui.js';

const tr = bundle('outbox');
const CHANNELS = ['', 'sms', 'email'];
const STATUS_KIND = { sent: 'ok', failed: 'danger', queued: '', sending: '' };

function known(prefix, value) {
  const key = `${prefix}.${value}`;
  return tr.has(key) ? tr(key) : tr(`${prefix}.other`); // a purpose newer than this screen's words
}

function messageRow(message) {
  return h('li', { class: 'list-item outbox-message', dataset: { messageId: String(message.id) } },
    h('span', { class: 'list-item__body' },
      h('span', { class: 'list-item__title' },
        h('span', { text: known('purpose', message.purpose) }), ' ',
        pill(known('status', message.status), STATUS_KIND[message.status])),
      h('span', { class: 'list-item__meta' },
        h('span', { text: `${known('channel', message.channel)} · ` }),
        h('span', { 'data-user-content': '', text: message.to })),
      message.subject ? h('span', { class: 'list-item__meta', 'data-user-content': '', text: message.subject }) : null,
      h('span', { class: 'outbox-message__body', 'data-user-content': '', text: message.body }),
      h('span', { class: 'list-item__meta secondary', text: formatDateTime(message.created_at) })));
}

export async function outbox(ctx) {
  useStylesheet('/css/admin.css');
  await tr.ready();
  const title = tr('outbox.title');
  if (!state.user || !state.user.is_platform_admin) {
    return { title, back: '/', node: emptyState({ iconName: 'shield', title: tr('outbox.only'), body: tr('outbox.onlyBody'),
      action: linkButton(tr('outbox.home'), '/', { variant: 'secondary' }) }) };
  }
  const params = new URLSearchParams(ctx.query || location.search);
  let channel = CHANNELS.includes(params.get('channel')) ? params.get('channel') : '';
  const results = h('div', { id: 'outbox-results', 'aria-live': 'polite' });

  const loadPage = async (listEl, cursor) => {
    const qs = new URLSearchParams({ limit: '20' });
    if (channel) qs.set('channel', channel);
    if (cursor) qs.set('cursor', cursor);
    const page = await api.get(`/api/v1/admin/outbox?${qs}`, { fresh: true });
    listEl.append(...page.items.map(messageRow));
    if (page.next_cursor) {
      const more = h('div', { class: 'section' }, button(tr('outbox.more'), { variant: 'secondary', block: true, onClick: async () => {
        more.remove();
        await loadPage(listEl, page.next_cursor).catch((err) => results.append(h('p', { class: 'error', text: errorText(err) })));
      } }));
      results.append(more);
    }
    return page;
  };

  const show = async () => {
    clear(results);
    const listEl = h('ul', { class: 'list', id: 'outbox-list' });
    results.append(listEl);
    try {
      const page = await loadPage(listEl, null);
      if (!page.items.length) {
        listEl.remove();
        results.append(emptyState({ iconName: 'outbox', title: tr('outbox.none'), body: tr('outbox.noneBody') }));
      }
    } catch (err) {
      clear(results);
      const noOutbox = err instanceof ApiError && err.status === 404;
      results.append(emptyState({ iconName: 'shield', title: tr(noOutbox ? 'outbox.real' : 'outbox.failed'),
        body: noOutbox ? tr('outbox.realBody') : errorText(err) }));
    }
  };

  const filter = chips(CHANNELS.map((value) => ({ value, label: tr(`outbox.filter.${value || 'all'}`) })), channel,
    (value) => { channel = value; show(); }, { label: tr('outbox.filter') });
  await show();
  return {
    title,
    back: '/admin',
    node: h('div', { class: 'admin outbox' }, h('p', { class: 'muted', text: tr('outbox.intro') }), filter, results),
  };
}

export const ROUTES = { '/admin/outbox': outbox };
