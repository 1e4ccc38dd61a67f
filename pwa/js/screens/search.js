// Search (GET /communities/{cid}/search): one box over projects, reports, aid posts, notices, activities and
// polls of the current community, type chips, results with the matched words marked. The server sends plain
// text and [start, end) ranges in characters; the marks are built here as <mark> elements around text nodes,
// so nothing anyone wrote is ever read as HTML. Loaded on demand (LAZY_SCREENS in app.js).
import { api } from '../api.js';
import { bundle, formatDate } from '../i18n.js';
import { icon } from '../icons.js';
import { currentMembership, getCommunityId } from '../store.js';
import { button, chips, clear, emptyState, errorText, h, linkButton, skeleton, useStylesheet } from '../ui.js';

const tr = bundle('search');
// What search finds comes from the server (GET /search/kinds): each kind's name in the reader's language, its
// icon and its page. A domain that registers a new kind needs no change here.
let kindsLoading = null;
function searchKinds() {
  if (!kindsLoading) kindsLoading = api.get('/api/v1/search/kinds').then((body) => body.items).catch((err) => { kindsLoading = null; throw err; });
  return kindsLoading;
}
const TYPING_PAUSE_MS = 350;

/** `text` with the [start, end) code-point ranges wrapped in <mark>: text nodes only, never HTML. */
export function marked(text, ranges) {
  const chars = Array.from(text || '');
  const parts = [];
  let at = 0;
  for (const [start, end] of ranges || []) {
    if (start < at || end <= start || end > chars.length) continue; // a range that does not fit is ignored
    if (start > at) parts.push(chars.slice(at, start).join(''));
    parts.push(h('mark', { class: 'search-mark', text: chars.slice(start, end).join('') }));
    at = end;
  }
  if (at < chars.length) parts.push(chars.slice(at).join(''));
  return parts;
}

function resultItem(item, kind) {
  return h('li', {},
    h('a', { class: 'list-item search-hit', href: item.href, dataset: { type: item.type, id: String(item.id) } },
      icon(kind.icon),
      h('span', { class: 'list-item__body' },
        h('span', { class: 'search-hit__kind', text: kind.label }),
        h('span', { class: 'list-item__title', 'data-user-content': '' }, marked(item.title, item.highlights.title)),
        item.excerpt ? h('span', { class: 'list-item__meta search-hit__excerpt', 'data-user-content': '' },
          marked(item.excerpt, item.highlights.excerpt)) : null,
        item.at ? h('span', { class: 'list-item__meta secondary', text: formatDate(item.at) }) : null),
      h('span', { class: 'list-item__chev' }, icon('chevron'))));
}

function communityId() {
  const m = currentMembership();
  return (m && m.community.id) || getCommunityId();
}

export async function searchScreen(ctx) {
  const [kinds] = await Promise.all([searchKinds().catch(() => []), tr.ready()]);
  const kindOf = Object.fromEntries(kinds.map((kind) => [kind.type, kind]));
  useStylesheet('/css/search.css');
  const cid = communityId();
  if (!cid) {
    return { title: tr('search.title'), back: '/', node: emptyState({ iconName: 'search', title: tr('search.noCommunity'),
      action: linkButton(tr('search.chooseCommunity'), '/communities', { variant: 'secondary' }) }) };
  }
  const params = new URLSearchParams(ctx.query || location.search);
  let query = (params.get('q') || '').slice(0, 100);
  let type = kindOf[params.get('type')] ? params.get('type') : '';
  const input = h('input', { id: 'search-input', class: 'input search-box__input', type: 'search', name: 'q', value: query,
    maxlength: '100', autocomplete: 'off', enterkeyhint: 'search', placeholder: tr('search.placeholder'),
    'aria-label': tr('search.label') });
  const results = h('div', { id: 'search-results', 'aria-live': 'polite' });
  let pause = null;
  let generation = 0;

  const remember = () => {
    const next = new URLSearchParams();
    if (query) next.set('q', query);
    if (type) next.set('type', type);
    const url = `/search${next.toString() ? `?${next}` : ''}`;
    if (url !== location.pathname + location.search) history.replaceState(history.state, '', url);
  };

  // One page of results into `listEl`, with a "more" button when the server has another page.
  const loadPage = async (mine, listEl, cursor) => {
    const qs = new URLSearchParams({ q: query.trim(), limit: '20' });
    if (type) qs.set('types', type);
    if (cursor) qs.set('cursor', cursor);
    const page = await api.get(`/api/v1/communities/${cid}/search?${qs}`, { fresh: true });
    if (mine !== generation) return null; // a newer query has started: this answer is stale
    // a result the screen cannot place (kinds not loaded, or no page to open it) is left out, not a crash
    listEl.append(...page.items.filter((item) => kindOf[item.type] && item.href).map((item) => resultItem(item, kindOf[item.type])));
    if (page.next_cursor) {
      const more = h('div', { class: 'search-more' }, button(tr('search.more'), { variant: 'secondary', block: true, id: 'search-more',
        onClick: async () => {
          more.remove();
          await loadPage(mine, listEl, page.next_cursor).catch((err) => results.append(h('p', { class: 'error', text: errorText(err) })));
        } }));
      results.append(more);
    }
    return page;
  };

  const run = async () => {
    const mine = ++generation;
    remember();
    clear(results);
    if (!query.trim()) {
      results.append(h('p', { class: 'muted search-hint', text: tr('search.hint') }));
      return;
    }
    const loading = skeleton(3);
    const listEl = h('ul', { class: 'list', id: 'search-list' });
    results.append(loading, listEl);
    try {
      const page = await loadPage(mine, listEl, null);
      if (!page) return;
      loading.remove();
      if (!page.items.length) {
        listEl.remove();
        results.append(emptyState({ iconName: 'search', title: tr('search.none', { q: query.trim() }),
          body: tr(type ? 'search.noneOfType' : 'search.noneBody') }));
      }
    } catch (err) {
      if (mine !== generation) return;
      clear(results);
      results.append(emptyState({ iconName: 'search', title: tr('search.failed'), body: errorText(err) }));
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(pause);
    pause = setTimeout(() => { query = input.value.slice(0, 100); run(); }, TYPING_PAUSE_MS);
  });
  const form = h('form', { class: 'search-box', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    clearTimeout(pause);
    query = input.value.slice(0, 100);
    input.blur();
    run();
  } }, h('span', { class: 'search-box__icon' }, icon('search')), input,
  h('button', { type: 'submit', class: 'btn btn--primary search-box__go', text: tr('search.go') }));
  const filter = chips([{ value: '', label: tr('search.type.all') }, ...kinds.map((kind) => ({ value: kind.type, label: kind.label_plural }))],
    type, (value) => { type = value; run(); }, { label: tr('search.filter') });
  filter.id = 'search-types';
  filter.classList.add('chips--wrap');
  run();
  if (!query) setTimeout(() => input.focus(), 0);
  return { title: tr('search.title'), back: '/', node: h('div', { id: 'search' }, form, filter, results) };
}

export const ROUTES = { '/search': searchScreen };
