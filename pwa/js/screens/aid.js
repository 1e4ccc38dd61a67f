// Mutual aid (互助): the board with offer/request tabs and category filter, the post form (through the
// offline outbox), a post with its response flow, "my aid" and the time bank.
// registerAidScreens(route) adds these routes and the volunteering ones (see volunteer.js).
import { api } from '../api.js';
import { formatNumber } from '../i18n.js';
import * as outbox from '../outbox.js';
import { navigate, routeTable } from '../router.js';
import { state } from '../store.js';
import {
  button, card, chips, clear, confirmSheet, emptyState, errorText, field, formError, h, linkButton, pill,
  showErrors, skeleton, toast, withLoading
} from '../ui.js';
import { requireUser } from './common.js';
import { at, community, gate, helpSwitch, hoursText, isoToLocalInput, localInputToIso, prepare, when } from './aid-common.js';
import { flagButton } from './moderation-links.js';
import { notFound } from './placeholder.js';
import { registerVolunteerScreens } from './volunteer.js';

export const CATEGORIES = ['errands', 'elderly_companionship', 'childcare', 'repairs', 'lending', 'tutoring', 'health_escort', 'emotional_support', 'other'];

function kindPill(kind) {
  return h('span', { class: `pill aid-kind--${kind}`, text: at(`kind.${kind}`) });
}

function statusPill(status) {
  const tone = { open: 'ok', matched: 'warn', completed: 'ok', closed: null, expired: 'danger' }[status];
  return pill(at(`status.${status}`), tone);
}

function postCard(post) {
  return h('a', { class: 'card aid-card', href: `/help/aid/${post.id}`, dataset: { aidId: post.id } },
    h('div', { class: 'aid-card__head' }, kindPill(post.kind), pill(at(`category.${post.category}`)), post.status !== 'open' ? statusPill(post.status) : null,
      post.at_home ? pill(at('post.atHome'), 'warn') : null),
    h('h3', { class: 'aid-card__title', text: post.title }),
    post.body ? h('p', { class: 'aid-card__body secondary', text: post.body }) : null,
    h('p', { class: 'aid-meta' },
      h('span', { text: post.author.display_name }),
      post.needed_at ? h('span', { text: at('post.neededAt', { when: when(post.needed_at) }) }) : null,
      h('span', { text: at('post.responses', { count: post.response_count ?? 0 }) })));
}

/** A list that loads page after page ("more" button), keyset cursors from the API. */
function pagedList(urlFor, render, empty) {
  const wrap = h('div', { class: 'aid-list' });
  const more = button(at('common.more'), { variant: 'secondary', block: true });
  more.hidden = true;
  let cursor = null;
  const load = async () => {
    const data = await api.get(urlFor(cursor));
    if (!cursor && !data.items.length) wrap.append(empty());
    data.items.forEach((item) => wrap.append(render(item)));
    cursor = data.next_cursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => withLoading(more, load));
  return { node: h('div', {}, wrap, more), load };
}

async function board(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const blocked = gate(at('aid.title'), '/');
  if (blocked) return { ...blocked, node: h('div', {}, helpSwitch('aid'), blocked.node) };
  const cid = community().id;
  let kind = ctx.query.kind || '';
  let category = ctx.query.category || '';
  const results = h('div', { id: 'aid-board' });
  const refresh = async () => {
    clear(results).append(skeleton(3));
    const q = new URLSearchParams({ limit: '20', ...(kind && { kind }), ...(category && { category }) });
    const list = pagedList((cursor) => `/api/v1/communities/${cid}/aid?${q}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      postCard, () => emptyState({ iconName: 'help', title: at('aid.empty'), body: at('aid.emptyBody') }));
    await list.load();
    clear(results).append(list.node);
  };
  const kindChips = chips([{ value: '', label: at('kind.all') }, { value: 'request', label: at('kind.requests') }, { value: 'offer', label: at('kind.offers') }],
    kind, (v) => { kind = v; refresh(); }, { label: at('aid.kindFilter') });
  const categoryChips = chips([{ value: '', label: at('category.all') }, ...CATEGORIES.map((c) => ({ value: c, label: at(`category.${c}`) }))],
    category, (v) => { category = v; refresh(); }, { label: at('aid.categoryFilter') });
  categoryChips.classList.add('aid-scroll');
  await refresh();
  return {
    title: at('aid.title'),
    node: h('div', {}, helpSwitch('aid'),
      h('div', { class: 'aid-toolbar' },
        linkButton(at('aid.new'), '/help/aid/new', { iconName: 'plus', id: 'aid-new' }),
        linkButton(at('aid.mine'), '/help/mine', { variant: 'secondary' }),
        linkButton(at('bank.title'), '/help/time-bank', { variant: 'secondary', class: 'secondary' })),
      kindChips, categoryChips, results),
  };
}

async function newPost(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const blocked = gate(at('post.newTitle'));
  if (blocked) return blocked;
  const cid = community().id;
  const kindField = field({ name: 'kind', label: at('post.kind'), value: ctx.query.kind || 'request', options: [{ value: 'request', label: at('kind.request') }, { value: 'offer', label: at('kind.offer') }] });
  const categoryField = field({ name: 'category', label: at('post.category'), value: 'errands', options: CATEGORIES.map((c) => ({ value: c, label: at(`category.${c}`) })) });
  const titleField = field({ name: 'title', label: at('post.titleLabel'), required: true, maxlength: 100, placeholder: at('post.titlePlaceholder') });
  const bodyField = field({ name: 'body', label: at('post.body'), multiline: true, maxlength: 2000, hint: at('post.bodyHint') });
  const neededField = field({ name: 'needed_at', label: at('post.neededLabel'), type: 'datetime-local', hint: at('post.neededHint'), min: isoToLocalInput(new Date()) });
  const atHome = h('input', { type: 'checkbox', name: 'at_home', id: 'aid-at-home' });
  const fields = { kind: kindField, category: categoryField, title: titleField, body: bodyField, needed_at: neededField };
  const errorEl = formError();
  const submit = button(at('post.submit'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack', id: 'aid-form', novalidate: true },
    kindField.el, categoryField.el, titleField.el, bodyField.el, neededField.el,
    h('label', { class: 'switch-row', for: 'aid-at-home' }, h('span', { text: at('post.atHomeLabel') }), atHome),
    h('p', { class: 'notice', role: 'note', text: at('post.privacy') }), errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      const body = { kind: kindField.input.value, category: categoryField.input.value, title: titleField.input.value.trim(), body: bodyField.input.value.trim(), at_home: atHome.checked };
      const needed = localInputToIso(neededField.input.value);
      if (needed) body.needed_at = needed;
      try {
        const sent = await outbox.sendOrQueue({ url: `/api/v1/communities/${cid}/aid`, body, label: at('post.outboxLabel', { title: body.title }) });
        if (sent.queued) {
          toast(at('post.queued'));
          navigate('/help');
        } else {
          toast(at('post.created'));
          navigate(`/help/aid/${sent.data.id}`, { replace: true });
        }
      } catch (err) {
        showErrors(err, fields, errorEl);
      }
    });
  });
  return { title: at('post.newTitle'), back: '/help', node: form };
}

function responseForm(post, onDone) {
  const message = field({ name: 'message', label: at(post.kind === 'request' ? 'respond.offerHelp' : 'respond.askFor'), multiline: true, required: true, maxlength: 500 });
  const errorEl = formError();
  const submit = button(at(post.kind === 'request' ? 'respond.sendHelp' : 'respond.sendAsk'), { type: 'submit', block: true, id: 'aid-respond' });
  const form = h('form', { class: 'stack', novalidate: true }, message.el, errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      try {
        await api.post(`/api/v1/aid/${post.id}/responses`, { message: message.input.value.trim() });
        toast(at('respond.sent'));
        onDone();
      } catch (err) {
        showErrors(err, { message }, errorEl);
      }
    });
  });
  return card(h('h3', { class: 'card__title', text: at('respond.title') }), form);
}

function completeForm(post, isReceiver, onDone) {
  const hours = field({ name: 'hours', label: at('complete.hours'), type: 'number', inputmode: 'decimal', min: '0.25', max: '24', step: '0.25', hint: at('complete.hoursHint') });
  const thanks = isReceiver ? field({ name: 'thanks', label: at('complete.thanks'), maxlength: 200, hint: at('complete.thanksHint') }) : null;
  const errorEl = formError();
  const submit = button(at('complete.submit'), { type: 'submit', block: true, id: 'aid-complete' });
  const form = h('form', { class: 'stack', novalidate: true }, hours.el, thanks ? thanks.el : null, errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      const body = {};
      if (hours.input.value) body.hours = Number(hours.input.value);
      if (thanks && thanks.input.value.trim()) body.thanks = thanks.input.value.trim();
      try {
        await api.post(`/api/v1/aid/${post.id}/complete`, body);
        toast(at('complete.done'));
        onDone();
      } catch (err) {
        showErrors(err, { hours, ...(thanks && { thanks }) }, errorEl);
      }
    });
  });
  return card(h('h3', { class: 'card__title', text: at('complete.title') }), h('p', { class: 'muted secondary', text: at('complete.explain') }), form);
}

function thanksForm(post, onDone) {
  const text = field({ name: 'text', label: at('complete.thanks'), required: true, maxlength: 200 });
  const errorEl = formError();
  const submit = button(at('thanks.submit'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack', novalidate: true }, text.el, errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      try {
        await api.post(`/api/v1/aid/${post.id}/thanks`, { text: text.input.value.trim() });
        onDone();
      } catch (err) {
        showErrors(err, { text }, errorEl);
      }
    });
  });
  return card(h('h3', { class: 'card__title', text: at('thanks.title') }), form);
}

async function detail(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  // Posts are for verified neighbours: a pending or suspended member is told why, with a next step.
  const blocked = gate(at('aid.detailTitle'));
  if (blocked) return blocked;
  const node = h('div', { id: 'aid-detail' });
  const draw = async () => {
    const post = await api.get(`/api/v1/aid/${ctx.params.id}`, { fresh: true });
    const me = state.user.id;
    const role = post.viewer_role;
    const isReceiver = (post.kind === 'request' && role === 'author') || (post.kind === 'offer' && role === 'helper');
    const redraw = () => draw().catch((err) => toast(errorText(err, at('common.error')), { type: 'error' }));
    const act = (label, path, opts = {}) => button(label, { variant: opts.variant || 'secondary', block: true, onClick: async (e) => {
      if (opts.confirm && !(await confirmSheet({ title: opts.confirm, confirmLabel: label, danger: opts.danger }))) return;
      withLoading(e.currentTarget, async () => {
        try {
          await api.post(`/api/v1/aid/${post.id}/${path}`, opts.body);
          redraw();
        } catch (err) {
          toast(errorText(err, at('common.error')), { type: 'error' });
        }
      });
    } });

    const parts = [card(
      h('div', { class: 'aid-card__head' }, kindPill(post.kind), pill(at(`category.${post.category}`)), statusPill(post.status), post.at_home ? pill(at('post.atHome'), 'warn') : null),
      h('h2', { class: 'card__title', text: post.title }),
      post.body ? h('p', { class: 'aid-response__msg', text: post.body }) : null,
      h('p', { class: 'aid-meta' }, h('span', { text: at('post.by', { name: post.author.display_name }) }),
        post.needed_at ? h('span', { text: at('post.neededAt', { when: when(post.needed_at) }) }) : null),
      // 代办: filed by community staff for the author (a resident without the app), and how they heard of it
      post.filed_on_behalf ? h('p', { class: 'aid-onbehalf', text: at('post.onBehalf', { channel: at(`post.channel.${post.channel}`) }) }) : null,
      post.helper ? h('p', { class: 'aid-quote', id: 'aid-match', text: at(post.kind === 'request' ? 'post.helpedBy' : 'post.givenTo', { name: post.helper.display_name }) }) : null,
      post.hours ? h('p', { text: at('post.hoursRecorded', { hours: hoursText(post.hours) }) }) : null,
      post.thanks ? h('p', { class: 'aid-quote', text: `“${post.thanks.text}”` }) : null,
      h('p', { class: 'muted small secondary', text: at('post.contactNote') }),
      flagButton('aid', post.id, { authorId: post.author.id, hidden: post.is_hidden }))];

    if (role === 'author' && post.status === 'open') {
      const responses = post.responses.length
        ? post.responses.map((r) => h('div', { class: 'aid-response', dataset: { responseId: r.id } },
          h('p', { class: 'aid-response__who', text: r.responder.display_name }),
          h('p', { class: 'aid-response__msg', text: r.message }),
          r.status === 'open' ? act(at('respond.accept', { name: r.responder.display_name }), `responses/${r.id}/accept`, { variant: 'primary' }) : pill(at(`responseStatus.${r.status}`))))
        : [h('p', { class: 'muted', text: at('respond.none') })];
      parts.push(card(h('h3', { class: 'card__title', text: at('respond.listTitle', { count: post.responses.length }) }), ...responses));
    } else if (role !== 'author' && post.my_response) {
      parts.push(card(h('h3', { class: 'card__title', text: at('respond.yours') }), h('p', { class: 'aid-response__msg', text: post.my_response.message }),
        pill(at(`responseStatus.${post.my_response.status}`), post.my_response.status === 'accepted' ? 'ok' : null)));
    } else if (role !== 'author' && post.status === 'open') {
      parts.push(responseForm(post, redraw));
    }

    const party = role === 'author' || role === 'helper';
    const myDone = role === 'author' ? post.author_done_at : post.helper_done_at;
    if (party && (post.status === 'matched' || (post.status === 'completed' && !myDone))) parts.push(completeForm(post, isReceiver && !post.thanks, redraw));
    else if (post.status === 'completed' && isReceiver && !post.thanks) parts.push(thanksForm(post, redraw));

    const actions = [];
    if (role === 'author' && ['open', 'matched'].includes(post.status)) actions.push(act(at('post.close'), 'close', { confirm: at('post.closeConfirm'), danger: true }));
    if (role === 'author' && ['closed', 'expired'].includes(post.status)) actions.push(act(at('post.reopen'), 'reopen', { body: {} }));
    if (post.author.id !== me) {
      actions.push(button(at('block.action', { name: post.author.display_name }), { variant: 'ghost', block: true, class: 'secondary', onClick: async (e) => {
        if (!(await confirmSheet({ title: at('block.confirmTitle', { name: post.author.display_name }), body: at('block.confirmBody'), confirmLabel: at('block.confirm'), danger: true }))) return;
        withLoading(e.currentTarget, async () => {
          await api.post(`/api/v1/blocks/${post.author.id}`);
          toast(at('block.done'));
          navigate('/help', { replace: true });
        });
      } }));
    }
    if (actions.length) parts.push(h('div', { class: 'stack' }, actions));
    clear(node).append(...parts);
  };
  await draw();
  return { title: at('aid.detailTitle'), back: '/help', node };
}

async function mine(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const blocked = gate(at('aid.mine'));
  if (blocked) return blocked;
  const cid = community().id;
  let which = ctx.query.mine === 'responded' ? 'responded' : 'authored';
  const results = h('div', {});
  const refresh = async () => {
    clear(results).append(skeleton(2));
    const list = pagedList((cursor) => `/api/v1/communities/${cid}/aid?mine=${which}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      postCard, () => emptyState({ iconName: 'help', title: at(`mine.empty.${which}`) }));
    await list.load();
    clear(results).append(list.node);
  };
  await refresh();
  return {
    title: at('aid.mine'), back: '/help',
    node: h('div', {}, chips([{ value: 'authored', label: at('mine.authored') }, { value: 'responded', label: at('mine.responded') }], which, (v) => { which = v; refresh(); }, { label: at('aid.mine') }), results),
  };
}

async function timeBank(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const blocked = gate(at('bank.title'));
  if (blocked) return blocked;
  const data = await api.get(`/api/v1/communities/${community().id}/time-bank/me?limit=50`, { fresh: true });
  const figure = (label, value) => h('div', {}, h('strong', { text: formatNumber(Number(value), { maximumFractionDigits: 2 }) }), h('span', { class: 'small', text: label }));
  return {
    title: at('bank.title'), back: '/help',
    node: h('div', {},
      data.enabled ? null : h('p', { class: 'notice', text: at('bank.off') }),
      card(h('div', { class: 'aid-balance', id: 'time-bank' }, figure(at('bank.given'), data.given_hours), figure(at('bank.received'), data.received_hours), figure(at('bank.balance'), data.balance_hours)),
        h('p', { class: 'muted small secondary', text: at('bank.explain') })),
      h('div', { class: 'section' }, h('h3', { class: 'section__title', text: at('bank.history') }),
        data.items.length ? data.items.map((e) => h('a', { class: 'card aid-card', href: `/help/aid/${e.aid.id}` },
          h('p', { class: 'aid-card__title', text: e.aid.title }),
          h('p', { class: 'aid-meta' }, h('span', { text: at(`bank.${e.direction}With`, { name: e.other ? e.other.display_name : '' }) }), h('span', { text: hoursText(e.hours) }), h('span', { text: when(e.created_at) }))))
          : emptyState({ iconName: 'clock', title: at('bank.empty') }))),
  };
}

let registered = false;

/** Add the aid and volunteering routes (idempotent). The help tab's root, /help, is the aid board. */
export function registerAidScreens(route) {
  if (registered) return;
  registered = true;
  helpRoutes(route);
}

function helpRoutes(route) {
  route('/help', board);
  route('/help/aid', board);
  route('/help/aid/new', newPost);
  route('/help/aid/:id', detail);
  route('/help/mine', mine);
  route('/help/time-bank', timeBank);
  registerVolunteerScreens(route);
  // Short links the notification catalogue writes (/help/<aid id>, /activities/<id>); registered last so
  // that every named /help/... screen matches first. Old inbox items keep these links, so they stay.
  route('/help/:id', (ctx) => redirect(ctx, `/help/aid/${ctx.params.id}`));
  route('/activities/:id', (ctx) => redirect(ctx, `/help/activities/${ctx.params.id}`));
}

/** The help tab's screens (aid, volunteering, organisers), loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = routeTable(helpRoutes);

/** Send a short link on to its screen (the address bar shows the real one); anything not an id is not found. */
function redirect(ctx, to) {
  if (!/^\d+$/.test(ctx.params.id)) return notFound();
  // resolves once the real screen is drawn, so whoever waits for this route waits for that one
  return navigate(to + location.search + location.hash, { replace: true }).then(() => null);
}
