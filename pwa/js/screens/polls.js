// Polls: list, poll screen with a ballot for every method, confirmation, receipt, results, new poll.
// Ballots go through the offline outbox (Idempotency-Key). The receipt is made here, before sending,
// so that a ballot queued offline still has one; the server keeps only its SHA-256.
import { api, startEarly } from '../api.js';
import { maybeAskForPush } from './notifications-push.js';
import { bundle, formatDateTime, formatMoney as money, formatPercent as percent, preloadBundle, t } from '../i18n.js';
import { sendOrQueue } from '../outbox.js';
import { navigate, routeTable } from '../router.js';
import { currentMembership, isCommittee, state } from '../store.js';
import {
  button, card, clear, copyText, emptyState, errorText, field, formError, h, linkButton,
  nextId, openSheet, pill, setFill, showErrors, toast, useStylesheet, withLoading
} from '../ui.js';
import { renderResults, turnoutBar } from './polls-results.js';
import { civicTabs, myCommunityName, shareButton } from './common.js';
import { icon } from '../icons.js';

const pt = bundle('polls');
const RECEIPT_KEY = (pollId) => `linli.poll-receipt.${pollId}`;
const STATUS_KIND = { open: 'ok', upcoming: 'warn', closed: null };

/** Register the poll screens on the shell's router: registerPollRoutes(router.route). */
export function registerPollRoutes(route) {
  route('/polls', pollList);
  route('/polls/new', pollForm);
  route('/polls/:id', pollDetail);
  route('/polls/:id/results', pollResults);
}

/* ---------- helpers ---------- */

/** The polls stylesheet and strings; at the top of every poll screen. */
async function prepare() {
  useStylesheet('/css/polls.css');
  await pt.ready();
}

function statusPill(status) {
  return pill(pt(`polls.status.${status}`), STATUS_KIND[status]);
}

function newReceipt() {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The public receipt of a ballot cast with a revote key, as the server derives it (voting.services.
 * receipt_from_revote_key): the key stays on this device and is what replaces the ballot; the receipt may be
 * shown to anyone. Null where the browser has no WebCrypto (plain http on a LAN address).
 */
async function receiptFromKey(key) {
  if (!(crypto.subtle && crypto.subtle.digest)) return null;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`linli-receipt:${key}`));
  return btoa(String.fromCharCode(...new Uint8Array(digest))).replace(/\+/g, '-').replace(/\//g, '_').slice(0, 32);
}

async function fingerprint(receipt) {
  if (!(crypto.subtle && crypto.subtle.digest)) return null; // plain http on a LAN address
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(receipt));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function savedReceipt(pollId) {
  try { return JSON.parse(localStorage.getItem(RECEIPT_KEY(pollId)) || 'null'); } catch { return null; }
}

function optionLabel(poll, id) {
  const option = poll.options.find((o) => o.id === id);
  return option ? option.label : `#${id}`;
}

function describeChoice(poll, body) {
  if ('choice' in body) return [pt(`polls.choice.${body.choice}`)];
  if ('option_id' in body) return [optionLabel(poll, body.option_id)];
  if ('ranking' in body) return body.ranking.map((id, i) => pt('polls.confirm.ranked', { n: i + 1, label: optionLabel(poll, id) }));
  return body.option_ids.map((id) => optionLabel(poll, id));
}

/* ---------- list ---------- */

// Open polls first (with "not voted yet"), then those about to open, then the closed ones.
const SECTIONS = ['open', 'upcoming', 'closed'];

function votedPill(poll) {
  if (poll.status !== 'open' || poll.voted === undefined || poll.voted === null) return null;
  return poll.voted ? pill(pt('polls.list.voted'), 'ok') : pill(pt('polls.list.notVoted'), 'warn');
}

function pollItem(poll) {
  const when = poll.status === 'upcoming' ? pt('polls.list.opens', { when: formatDateTime(poll.opens_at) })
    : poll.status === 'open' ? pt('polls.list.closes', { when: formatDateTime(poll.closes_at) })
      : pt('polls.list.closed', { when: formatDateTime(poll.closes_at) });
  return h('li', { dataset: { status: poll.status, method: poll.method } },
    h('a', { class: 'list-item poll-item', href: `/polls/${poll.id}` },
      icon('vote'),
      h('span', { class: 'list-item__body' },
        h('span', { class: 'list-item__title', 'data-user-content': '', text: poll.title }),
        h('span', { class: 'list-item__meta row' }, votedPill(poll), h('span', { text: `${pt(`polls.method.${poll.method}`)} · ${when}` }))),
      h('span', { class: 'list-item__chev' }, icon('chevron'))));
}

function pollSection(cid, status) {
  const items = h('ul', { class: 'list', 'aria-live': 'polite' });
  const more = h('div', {});
  const node = h('section', { class: 'section', id: `polls-${status}`, hidden: true },
    h('h3', { class: 'section__title', text: pt(`polls.section.${status}`) }), items, more);
  async function load(cursor) {
    const q = new URLSearchParams({ limit: status === 'closed' ? '10' : '20', status });
    if (cursor) q.set('cursor', cursor);
    const page = await api.get(`/api/v1/communities/${cid}/polls?${q}`, { fresh: true });
    items.append(...page.items.map(pollItem));
    node.hidden = !items.children.length;
    clear(more);
    if (page.next_cursor) more.append(button(pt('polls.list.more'), { variant: 'ghost', block: true, onClick: (e) => withLoading(e.currentTarget, () => load(page.next_cursor)) }));
    return page.items.length;
  }
  return { node, load };
}

export async function pollList() {
  await prepare();
  const membership = currentMembership();
  const cid = membership && membership.community.id;
  if (!cid) {
    return { title: pt('polls.list.title'), node: h('div', {}, civicTabs('polls'), emptyState({ iconName: 'vote', title: pt('polls.list.noCommunity'),
      action: linkButton(t('community.choose'), '/communities', { block: true }) })) };
  }
  const sections = SECTIONS.map((status) => pollSection(cid, status));
  const counts = await Promise.all(sections.map((x) => x.load()));
  const total = counts.reduce((a, b) => a + b, 0);
  const root = h('div', { class: 'polls' },
    civicTabs('polls'),
    h('p', { class: 'muted secondary', text: pt('polls.list.intro') }),
    isCommittee() ? h('p', {}, linkButton(pt('polls.list.new'), `/polls/new?community=${cid}`, { iconName: 'plus', block: true })) : null,
    sections.map((x) => x.node),
    total ? null : emptyState({ iconName: 'vote', title: pt('polls.list.empty'), body: pt('polls.list.emptyBody') }));
  return { title: pt('polls.list.title'), node: root };
}

/* ---------- poll screen ---------- */

const pollUrl = (id) => `/api/v1/polls/${id}`;

export async function pollDetail(ctx) {
  // the poll is asked for while the screen's words and styles load (one wait, not two)
  const pollLoad = api.get(pollUrl(ctx.params.id), { fresh: true });
  pollLoad.catch(() => {}); // answered below, not unhandled meanwhile
  await prepare();
  const poll = await pollLoad;
  const root = h('div', { class: 'polls poll' });
  root.append(pollHeader(poll));
  const ballotArea = h('div', {});
  root.append(ballotArea);
  drawBallotArea(poll, ballotArea);
  if (poll.status !== 'closed') {
    const when = poll.status === 'open' ? pt('polls.list.closes', { when: formatDateTime(poll.closes_at) }) : pt('polls.list.opens', { when: formatDateTime(poll.opens_at) });
    root.append(h('div', { class: 'poll__share' }, shareButton({ kind: 'poll', title: poll.title, path: `/polls/${poll.id}`,
      community: myCommunityName(poll.community_id), lines: [`${pt(`polls.method.${poll.method}`)} · ${when}`] })));
  }
  if (poll.status === 'closed' || (poll.turnout && poll.turnout.live)) {
    root.append(card(
      linkButton(pt('polls.results.view'), `/polls/${poll.id}/results`, { variant: 'secondary', block: true })));
  }
  // The committee's polling table (投票点) for neighbours who vote on paper, and the ballot box's count.
  if (isCommittee() && currentMembership().community.id === poll.community_id
    && (poll.status === 'open' || (poll.status === 'closed' && !poll.results_available))) {
    root.append(card(linkButton(pt(poll.status === 'open' ? 'polls.table.open' : 'polls.table.count'),
      poll.status === 'open' ? `/polls/${poll.id}/table` : `/polls/${poll.id}/table/count`,
      { variant: 'secondary', block: true, iconName: 'users' })));
  }
  return { title: pt('polls.title'), back: '/polls', node: root };
}

function pollHeader(poll) {
  const facts = [
    pt(`polls.method.${poll.method}`) + (poll.budget_rule ? ` · ${pt(`polls.rule.${poll.budget_rule}`)}` : ''),
    pt(`polls.eligibility.${poll.eligibility}`),
    poll.secret ? pt('polls.secret') : pt('polls.public'),
    pt('polls.window', { from: formatDateTime(poll.opens_at), to: formatDateTime(poll.closes_at) }),
    poll.quorum ? pt('polls.quorum', { share: percent(poll.quorum) }) : null,
    poll.method === 'yes_no' ? pt('polls.threshold', { share: percent(poll.pass_threshold) }) : null,
    poll.max_choices && poll.method !== 'yes_no' ? pt('polls.maxChoices', { n: poll.max_choices }) : null,
    poll.budget_cents ? pt('polls.budget', { amount: money(poll.budget_cents) }) : null,
    poll.allow_revote ? pt('polls.revoteAllowed') : null,
  ].filter(Boolean);
  const node = card(
    h('div', { class: 'poll__status' }, statusPill(poll.status)),
    h('h1', { class: 'poll__title', text: poll.title }),
    poll.description ? h('p', { class: 'poll__description', text: poll.description }) : null,
    h('ul', { class: 'poll__facts' }, facts.map((f) => h('li', { text: f }))));
  if (poll.turnout) node.append(turnoutBar(poll.turnout));
  if (poll.close_reason && poll.status === 'closed') node.append(h('p', { class: 'muted', text: poll.close_reason }));
  return node;
}

function drawBallotArea(poll, area, { revoting = false } = {}) {
  clear(area);
  const receipt = savedReceipt(poll.id);
  if (poll.status === 'upcoming') {
    area.append(card(h('p', { text: pt('polls.opensAt', { time: formatDateTime(poll.opens_at) }) })));
    return;
  }
  if (poll.my_ballot && !revoting) {
    area.append(votedCard(poll, receipt, area));
    return;
  }
  if (receipt && receipt.queued && !revoting) {
    area.append(receiptCard(poll, receipt.receipt, { queued: true }));
    return;
  }
  if (poll.status !== 'open') return;
  if (!state.user) {
    area.append(card(linkButton(pt('polls.signInToVote'), `/signin?next=${encodeURIComponent(location.pathname)}`, { block: true })));
    return;
  }
  if (!poll.can.vote) {
    area.append(card(h('p', { text: pt(`polls.notEligible.${poll.not_eligible_reason || 'not_a_member'}`) })));
    return;
  }
  area.append(ballotForm(poll, area, revoting ? receipt : null));
}

function votedCard(poll, receipt, area) {
  const mine = poll.my_ballot;
  const when = formatDateTime(mine.voted_at);
  const node = card(h('p', { class: 'poll__voted', text: mine.cast_by_me ? pt('polls.voted', { time: when }) : pt('polls.voted.household', { time: when }) }));
  if (mine.choices) node.append(h('p', { text: pt('polls.voted.publicChoice', { choice: describeChoice(poll, mine.choices).join('、') }) }));
  if (receipt && mine.cast_by_me) node.append(receiptBlock(receipt.receipt));
  if (poll.allow_revote && poll.status === 'open' && mine.cast_by_me && receipt && receipt.revote_key) {
    node.append(button(pt('polls.voted.revote'), { variant: 'secondary', block: true, onClick: () => drawBallotArea(poll, area, { revoting: true }) }));
  }
  return node;
}

/* ---------- ballots, one per method ---------- */

// Polls with revoting: the device makes a secret revote key and sends it (never the receipt); the server
// derives the receipt from it, so a published receipt cannot replace the ballot. Kept in localStorage only.
async function ballotKeys(poll, previous) {
  if (poll.allow_revote) {
    const key = (previous && previous.revote_key) || newReceipt();
    const receipt = await receiptFromKey(key);
    if (receipt) return { send: { revote_key: key }, keep: { receipt, revote_key: key } };
  }
  const receipt = newReceipt();
  return { send: { receipt }, keep: { receipt } };
}

function ballotForm(poll, area, previous) {
  const build = { yes_no: yesNoBallot, single: singleBallot, approval: approvalBallot, ranked: rankedBallot, budget: budgetBallot }[poll.method];
  const ballot = build(poll);
  const error = formError();
  const submit = button(pt('polls.ballot.submit'), { block: true, class: 'poll__submit', onClick: async () => {
    const body = ballot.value();
    if (!body) {
      error.textContent = pt('polls.ballot.chooseFirst');
      error.focus();
      return;
    }
    if (!(await confirmBallot(poll, body))) return;
    const keys = await ballotKeys(poll, previous);
    await cast(poll, { ...body, ...keys.send }, keys.keep, area, submit, error);
  } });
  return card(h('h2', { class: 'card__title', text: pt('polls.ballot.title') }), ballot.node, error, submit);
}

/**
 * The ballot of a poll's method, for other screens (the polling table records paper ballots with it):
 * {node, value()}, value() null until something is chosen. Needs the polls bundle and stylesheet (prepare()).
 */
export function ballotWidget(poll) {
  const build = { yes_no: yesNoBallot, single: singleBallot, approval: approvalBallot, ranked: rankedBallot, budget: budgetBallot }[poll.method];
  return build(poll);
}

/** The choices of a ballot body in words, one line each (as on the confirmation sheet). */
export { describeChoice };

function yesNoBallot() {
  let chosen = null;
  const buttons = ['yes', 'no', 'abstain'].map((choice) => h('button', {
    type: 'button', class: `poll__big poll__big--${choice}`, 'aria-pressed': 'false', dataset: { choice },
    onclick: () => {
      chosen = choice;
      buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.choice === choice)));
    },
  }, pt(`polls.choice.${choice}`)));
  return { node: h('div', { class: 'poll__yesno', role: 'group', 'aria-label': pt('polls.ballot.title') }, buttons),
    value: () => (chosen ? { choice: chosen } : null) };
}

function choiceList(poll, type, { onChange, extra } = {}) {
  const name = nextId('poll-choice');
  const inputs = [];
  const rows = poll.options.map((option) => {
    const id = nextId('opt');
    const input = h('input', { type, id, name, value: String(option.id), class: 'poll__input', onchange: onChange });
    inputs.push(input);
    return h('li', {}, h('label', { class: 'poll__choice', for: id }, input,
      h('span', { class: 'poll__choice-label', text: option.label }),
      extra ? extra(option) : null));
  });
  return { node: h('fieldset', { class: 'poll__fieldset' }, h('legend', { class: 'visually-hidden', text: poll.title }),
    h('ul', { class: 'poll__choices' }, rows)), inputs };
}

function singleBallot(poll) {
  const { node, inputs } = choiceList(poll, 'radio');
  return { node, value: () => { const on = inputs.find((i) => i.checked); return on ? { option_id: Number(on.value) } : null; } };
}

function approvalBallot(poll) {
  const max = poll.max_choices || poll.options.length;
  const counter = h('p', { class: 'poll__counter', 'aria-live': 'polite' });
  const update = () => {
    const n = inputs.filter((i) => i.checked).length;
    counter.textContent = pt('polls.ballot.selected', { n, max });
    inputs.forEach((i) => { i.disabled = !i.checked && n >= max; });
  };
  const { node, inputs } = choiceList(poll, 'checkbox', { onChange: () => update() });
  update();
  return { node: h('div', {}, counter, node),
    value: () => { const ids = inputs.filter((i) => i.checked).map((i) => Number(i.value)); return ids.length ? { option_ids: ids } : null; } };
}

function budgetBallot(poll) {
  const max = poll.max_choices || poll.options.length;
  const cost = new Map(poll.options.map((o) => [o.id, o.cost_cents || 0]));
  const total = h('p', { class: 'poll__total', 'aria-live': 'polite' });
  const bar = h('div', { class: 'poll__budget-bar', 'aria-hidden': 'true' }, h('span', { class: 'poll__budget-fill' }));
  const warning = h('p', { class: 'poll__over', role: 'status' });
  const update = () => {
    const chosen = inputs.filter((i) => i.checked);
    const sum = chosen.reduce((s, i) => s + cost.get(Number(i.value)), 0);
    total.textContent = pt('polls.ballot.total', { total: money(sum), budget: money(poll.budget_cents) });
    setFill(bar, sum / poll.budget_cents);
    bar.classList.toggle('is-over', sum > poll.budget_cents);
    warning.textContent = sum > poll.budget_cents ? pt('polls.ballot.over', { amount: money(sum - poll.budget_cents) }) : '';
    inputs.forEach((i) => { i.disabled = !i.checked && chosen.length >= max; });
  };
  const { node, inputs } = choiceList(poll, 'checkbox', { onChange: () => update(),
    extra: (option) => h('span', { class: 'poll__cost', text: pt('polls.ballot.cost', { amount: money(option.cost_cents) }) }) });
  update();
  return { node: h('div', {}, budgetPicture(poll.budget_rule), total, bar, warning, node),
    value: () => { const ids = inputs.filter((i) => i.checked).map((i) => Number(i.value)); return ids.length ? { option_ids: ids } : null; } };
}

/** A one-line picture of how a ranked ballot counts: 1st → 2nd → 3rd, and the vote moves on. */
function rankedPicture() {
  return h('figure', { class: 'poll__picture', 'aria-label': pt('polls.picture.ranked') },
    h('div', { class: 'poll__picture-row', 'aria-hidden': 'true' },
      [1, 2, 3].map((n) => h('span', { class: `poll__picture-rank poll__picture-rank--${n}`, text: pt(`polls.picture.rank${n}`) }))
        .flatMap((el, i) => (i ? [h('span', { class: 'poll__picture-arrow', text: '→' }), el] : [el]))),
    h('figcaption', { text: pt('polls.picture.ranked') }));
}

/** A one-line picture of a budget ballot: the projects you tick fill one purse (in the poll's rule). */
function budgetPicture(rule) {
  const caption = pt(rule === 'equal_shares' ? 'polls.picture.budgetShares' : 'polls.picture.budget');
  return h('figure', { class: 'poll__picture', 'aria-label': caption },
    h('div', { class: 'poll__picture-purse', 'aria-hidden': 'true' },
      ['a', 'b', 'c'].map((x) => h('span', { class: `poll__picture-part poll__picture-part--${x}` })),
      h('span', { class: 'poll__picture-left', text: pt('polls.picture.purse') })),
    h('figcaption', { text: caption }));
}

/** Ranked ballot: tap "Add", then Up / Down. Every move is announced in a live region for screen readers. */
function rankedBallot(poll) {
  const limit = poll.max_choices || poll.options.length;
  const ranking = [];
  const announcer = h('p', { class: 'visually-hidden', 'aria-live': 'assertive' });
  const rankedList = h('ol', { class: 'poll__ranking' });
  const pool = h('ul', { class: 'poll__pool' });
  const say = (text) => { announcer.textContent = text; };

  function draw(focusId, focusAction) {
    clear(rankedList);
    clear(pool);
    if (!ranking.length) rankedList.append(h('li', { class: 'muted', text: pt('polls.ballot.rankEmpty') }));
    ranking.forEach((id, index) => {
      const label = optionLabel(poll, id);
      const up = button(pt('polls.ballot.up'), { variant: 'ghost', small: true, 'aria-label': pt('polls.ballot.moveUp', { label }), disabled: index === 0,
        dataset: { id: String(id), action: 'up' }, onClick: () => move(index, -1) });
      const down = button(pt('polls.ballot.down'), { variant: 'ghost', small: true, 'aria-label': pt('polls.ballot.moveDown', { label }), disabled: index === ranking.length - 1,
        dataset: { id: String(id), action: 'down' }, onClick: () => move(index, 1) });
      const remove = button(pt('polls.ballot.remove'), { variant: 'ghost', small: true, 'aria-label': pt('polls.ballot.removeOne', { label }),
        dataset: { id: String(id), action: 'remove' }, onClick: () => { ranking.splice(index, 1); draw(); say(pt('polls.ballot.announceRemoved', { label })); } });
      rankedList.append(h('li', { class: 'poll__rank-item' },
        h('span', { class: 'poll__rank-no', 'aria-hidden': 'true', text: String(index + 1) }),
        h('span', { class: 'poll__rank-label', text: label }),
        h('span', { class: 'poll__rank-actions' }, up, down, remove)));
    });
    for (const option of poll.options.filter((o) => !ranking.includes(o.id))) {
      pool.append(h('li', { class: 'poll__pool-item' }, h('span', { text: option.label }),
        button(pt('polls.ballot.add'), { variant: 'secondary', small: true, 'aria-label': pt('polls.ballot.addOne', { label: option.label }),
          disabled: ranking.length >= limit, dataset: { id: String(option.id), action: 'add' },
          onClick: () => { ranking.push(option.id); draw(option.id, 'down'); say(pt('polls.ballot.announceAdded', { label: option.label, n: ranking.length })); } })));
    }
    if (focusId !== undefined) {
      // keep focus on the moved item's button, so keyboard and screen-reader users keep their place
      const target = rankedList.querySelector(`[data-id="${focusId}"][data-action="${focusAction}"]:not([disabled])`)
        || rankedList.querySelector(`[data-id="${focusId}"][data-action="remove"]`);
      if (target) target.focus();
    }
  }

  function move(index, step) {
    const [id] = ranking.splice(index, 1);
    ranking.splice(index + step, 0, id);
    draw(id, step < 0 ? 'up' : 'down');
    say(pt('polls.ballot.announceMoved', { label: optionLabel(poll, id), n: index + step + 1 }));
  }

  draw();
  return {
    node: h('div', {}, rankedPicture(), h('p', { class: 'muted', text: pt('polls.ballot.rankHint') }),
      h('h3', { class: 'poll__subhead', text: pt('polls.ballot.yourRanking') }), rankedList,
      h('h3', { class: 'poll__subhead', text: pt('polls.ballot.unranked') }), pool, announcer),
    value: () => (ranking.length ? { ranking: [...ranking] } : null),
  };
}

/* ---------- confirm, cast, receipt ---------- */

function confirmBallot(poll, body) {
  let confirmed = false;
  const sheet = openSheet({
    title: pt('polls.confirm.title'),
    content: (close) => h('div', { class: 'poll__confirm' },
      h('p', { class: 'poll__confirm-title', text: poll.title }),
      h(('ranking' in body) ? 'ol' : 'ul', { class: 'poll__confirm-list' }, describeChoice(poll, body).map((line) => h('li', { text: line }))),
      h('p', { class: 'muted', text: poll.allow_revote ? pt('polls.confirm.revote') : pt('polls.confirm.final') }),
      h('div', { class: 'sheet__actions' },
        button(pt('polls.confirm.send'), { block: true, onClick: () => { confirmed = true; close('ok'); } }),
        button(pt('polls.confirm.back'), { variant: 'ghost', block: true, onClick: () => close() }))),
  });
  return sheet.closed.then(() => confirmed);
}

async function cast(poll, body, keep, area, submit, error) {
  try {
    await withLoading(submit, async () => {
      const result = await sendOrQueue({ url: `/api/v1/polls/${poll.id}/ballots`, body, label: `${pt('polls.ballot.submit')} · ${poll.title}` });
      localStorage.setItem(RECEIPT_KEY(poll.id), JSON.stringify({ ...keep, queued: result.queued, at: new Date().toISOString() }));
      clear(area).append(receiptCard(poll, keep.receipt, { queued: result.queued }));
      area.querySelector('h2').focus();
      maybeAskForPush('vote');
    });
  } catch (err) {
    error.textContent = err.code === 'already_voted' ? pt('polls.error.already_voted') : errorText(err);
    showErrors(err, {}, error);
  }
}

function receiptBlock(receipt) {
  const code = h('code', { class: 'poll__receipt', 'data-user-content': '', text: receipt });
  const print = h('p', { class: 'poll__fingerprint muted small' });
  fingerprint(receipt).then((hex) => {
    if (hex) print.append(h('span', { text: `${pt('polls.receipt.fingerprint')}: ` }), h('code', { 'data-user-content': '', text: hex }));
  });
  // The receipt is what a voter keeps; how it proves their vote (and its fingerprint) is for those who ask.
  return h('div', { class: 'poll__receipt-box' }, code,
    button(pt('polls.receipt.copy'), { variant: 'secondary', small: true, iconName: 'copy', onClick: async () => {
      toast((await copyText(receipt)) ? pt('polls.receipt.copied') : pt('polls.receipt.copyFailed'));
    } }),
    h('details', { class: 'poll__details' }, h('summary', { text: pt('polls.receipt.details') }),
      h('p', { class: 'muted small', text: pt('polls.receipt.body') }), print));
}

function receiptCard(poll, receipt, { queued }) {
  return card(
    h('h2', { class: 'card__title', tabindex: '-1', text: pt('polls.receipt.title') }),
    queued ? h('p', { class: 'poll__queued', role: 'status', text: pt('polls.receipt.queued') }) : null,
    h('p', { text: pt('polls.receipt.keep') }),
    receiptBlock(receipt));
}

/* ---------- results ---------- */

export async function pollResults(ctx) {
  await prepare();
  const poll = await api.get(`/api/v1/polls/${ctx.params.id}`, { fresh: true });
  const root = h('div', { class: 'polls poll' }, h('h1', { class: 'poll__title', text: poll.title }));
  try {
    const results = await api.get(`/api/v1/polls/${poll.id}/results`, { fresh: true });
    root.append(renderResults(poll, results, { savedReceipt: savedReceipt(poll.id), fingerprint }));
  } catch (err) {
    if (err.code !== 'voting.poll_not_closed') throw err;
    root.append(card(h('p', { text: pt('polls.results.notYet') })));
  }
  return { title: pt('polls.results.title'), back: `/polls/${poll.id}`, node: root };
}

/* ---------- new poll (committee) ---------- */

function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export async function pollForm(ctx) {
  await prepare();
  const membership = currentMembership();
  const cid = Number(ctx.query.community) || (membership && membership.community.id);
  if (!cid || !isCommittee()) return { title: pt('polls.form.title'), node: emptyState({ iconName: 'users', title: pt('polls.form.committeeOnly') }) };
  const community = await api.get(`/api/v1/communities/${cid}`);
  const now = new Date();
  const f = {
    title: field({ name: 'title', label: pt('polls.form.name'), required: true, maxlength: 120 }),
    description: field({ name: 'description', label: pt('polls.form.description'), multiline: true, maxlength: 5000 }),
    method: field({ name: 'method', label: pt('polls.form.method'), value: 'yes_no',
      options: ['yes_no', 'single', 'approval', 'ranked', 'budget'].map((m) => ({ value: m, label: pt(`polls.method.${m}`) })) }),
    opens_at: field({ name: 'opens_at', label: pt('polls.form.opensAt'), type: 'datetime-local', value: localInput(now) }),
    closes_at: field({ name: 'closes_at', label: pt('polls.form.closesAt'), type: 'datetime-local', value: localInput(new Date(now.getTime() + 7 * 864e5)) }),
    eligibility: field({ name: 'eligibility', label: pt('polls.form.eligibility'), value: 'verified',
      options: ['verified', 'household', 'grid'].map((e) => ({ value: e, label: pt(`polls.eligibility.${e}`) })) }),
    grid_id: field({ name: 'grid_id', label: pt('polls.form.grid'), options: community.grids.map((g) => ({ value: g.id, label: g.name })) }),
    quorum: field({ name: 'quorum', label: pt('polls.form.quorum'), type: 'number', value: '0', min: '0', max: '100', inputmode: 'decimal' }),
    pass_threshold: field({ name: 'pass_threshold', label: pt('polls.form.threshold'), type: 'number', value: '50', min: '1', max: '99', inputmode: 'decimal' }),
    max_choices: field({ name: 'max_choices', label: pt('polls.form.maxChoices'), type: 'number', min: '1', inputmode: 'numeric' }),
    budget_cents: field({ name: 'budget_cents', label: pt('polls.form.budget'), type: 'number', min: '1', inputmode: 'numeric' }),
    budget_rule: field({ name: 'budget_rule', label: pt('polls.form.rule'), value: 'equal_shares',
      options: ['equal_shares', 'greedy'].map((r) => ({ value: r, label: pt(`polls.rule.${r}`) })) }),
  };
  const secret = h('input', { type: 'checkbox', id: nextId('secret'), checked: true });
  const revote = h('input', { type: 'checkbox', id: nextId('revote') });
  const optionsBox = h('div', { class: 'poll__form-options' });
  const optionRows = [];
  const addOption = () => {
    const n = optionRows.length + 1;
    const label = field({ name: `option-${n}`, label: pt('polls.form.optionLabel', { n }), maxlength: 200 });
    const cost = field({ name: `cost-${n}`, label: pt('polls.form.optionCost'), type: 'number', min: '0', inputmode: 'numeric' });
    const row = { label, cost, el: h('div', { class: 'poll__form-option' }, label.el, cost.el) };
    optionRows.push(row);
    optionsBox.append(row.el);
    sync();
  };
  const optionsFieldset = h('fieldset', { class: 'poll__fieldset' }, h('legend', { text: pt('polls.form.options') }), optionsBox,
    button(pt('polls.form.addOption'), { variant: 'ghost', iconName: 'plus', onClick: () => addOption() }));
  const sync = () => {
    const method = f.method.input.value;
    optionsFieldset.hidden = method === 'yes_no';
    f.pass_threshold.el.hidden = method !== 'yes_no';
    f.max_choices.el.hidden = !['approval', 'ranked', 'budget'].includes(method);
    f.budget_cents.el.hidden = f.budget_rule.el.hidden = method !== 'budget';
    f.grid_id.el.hidden = f.eligibility.input.value !== 'grid';
    optionRows.forEach((r) => { r.cost.el.hidden = method !== 'budget'; });
  };
  f.method.input.addEventListener('change', sync);
  f.eligibility.input.addEventListener('change', sync);
  addOption();
  addOption();
  const error = formError();
  const form = h('form', { class: 'form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const method = f.method.input.value;
    const num = (x) => (x.input.value === '' ? null : Number(x.input.value));
    const body = {
      title: f.title.input.value.trim(), description: f.description.input.value.trim(), method,
      opens_at: new Date(f.opens_at.input.value).toISOString(), closes_at: new Date(f.closes_at.input.value).toISOString(),
      eligibility: f.eligibility.input.value, secret: secret.checked, allow_revote: revote.checked,
      quorum: (num(f.quorum) || 0) / 100,
      options: method === 'yes_no' ? [] : optionRows.filter((r) => r.label.input.value.trim()).map((r) => ({
        label: r.label.input.value.trim(), ...(method === 'budget' ? { cost_cents: Math.round((num(r.cost) || 0) * 100) } : {}) })),
    };
    if (body.eligibility === 'grid') body.grid_id = Number(f.grid_id.input.value);
    if (method === 'yes_no') body.pass_threshold = (num(f.pass_threshold) || 50) / 100;
    if (['approval', 'ranked', 'budget'].includes(method) && num(f.max_choices)) body.max_choices = num(f.max_choices);
    if (method === 'budget') { body.budget_cents = Math.round((num(f.budget_cents) || 0) * 100); body.budget_rule = f.budget_rule.input.value; }
    try {
      const poll = await withLoading(form.querySelector('button[type=submit]'), () => api.post(`/api/v1/communities/${cid}/polls`, body));
      toast(pt('polls.form.created'));
      navigate(`/polls/${poll.id}`);
    } catch (err) {
      showErrors(err, f, error);
    }
  } },
  f.title.el, f.description.el, f.method.el, optionsFieldset, f.budget_cents.el, f.budget_rule.el, f.max_choices.el,
  f.opens_at.el, f.closes_at.el, f.eligibility.el, f.grid_id.el, f.quorum.el, f.pass_threshold.el,
  h('label', { class: 'poll__check', for: secret.id }, secret, h('span', { text: pt('polls.form.secret') })),
  h('label', { class: 'poll__check', for: revote.id }, revote, h('span', { text: pt('polls.form.revote') })),
  error, button(pt('polls.form.submit'), { type: 'submit', block: true }));
  sync();
  return { title: pt('polls.form.title'), back: '/polls', node: h('div', { class: 'polls' }, card(form)) };
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = routeTable(registerPollRoutes);

/** A poll opened from a link: its words, styles and the poll start with the session (app.js). */
export const WARM = {
  '/polls/:id': ({ params, locale }) => {
    useStylesheet('/css/polls.css');
    preloadBundle('polls', locale);
    startEarly(pollUrl(params.id), locale);
  },
};
