// The polling table (投票点, issue 18), for a committee member on a phone: find the voter by household or name, see
// whether they may vote and whether they voted already (through any channel), then record their paper ballot (the
// choices as on the paper; the receipt is written on the voter's slip) or put their sealed ballot in the ballot box
// (secret polls), which the committee counts later on /polls/:id/table/count. One roll across channels: the server
// answers 409 already_voted to a second ballot from the app or another table. Loaded on demand (LAZY_SCREENS).
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { routeTable } from '../router.js';
import { currentMembership, isCommittee } from '../store.js';
import {
  button, card, clear, emptyState, errorText, field, formError, h, linkButton, list, listItem, openSheet, pill,
  skeleton, toast, useStylesheet, withLoading,
} from '../ui.js';
import { ballotWidget, describeChoice } from './polls.js';

const tr = bundle('polling-table');
const pt = bundle('polls');
const SEARCH_DELAY_MS = 250; // lookups while typing, once the hand pauses

async function prepare() {
  useStylesheet('/css/polls.css');
  useStylesheet('/css/polling-table.css');
  await Promise.all([tr.ready(), pt.ready()]);
}

function committeeOnly(poll) {
  return { title: tr('table.title'), back: poll ? `/polls/${poll.id}` : '/polls',
    node: emptyState({ iconName: 'shield', title: tr('table.committeeOnly'), body: tr('table.committeeOnlyBody') }) };
}

function mayRunTable(poll) {
  const m = currentMembership();
  return isCommittee() && !!m && m.community.id === poll.community_id;
}

/** "Voted 12 of 300 · app 10 · paper 2 · 3 in the box" from the committee's live results. */
function turnoutLine(results, paperToCount) {
  const channels = results.channels || { app: 0, paper: 0 };
  const parts = [tr('table.turnout', { voters: results.voters, eligible: results.eligible }),
    tr('table.channels', { app: channels.app || 0, paper: channels.paper || 0 })];
  if (paperToCount) parts.push(tr('table.inBox', { n: paperToCount }));
  return parts.join(' · ');
}

function voterMeta(voter) {
  return voter.household ? tr('table.household', { household: voter.household }) : tr('table.noHousehold');
}

function voterPill(voter) {
  if (voter.not_eligible_reason) return pill(tr(`table.reason.${voter.not_eligible_reason}`), 'warn');
  return voter.voted ? pill(tr('table.voted'), null) : pill(tr('table.mayVote'), 'ok');
}

/* ---------- the table: search, the voter, their ballot ---------- */

async function tableScreen(ctx) {
  await prepare();
  const poll = await api.get(`/api/v1/polls/${ctx.params.id}`, { fresh: true });
  if (!mayRunTable(poll)) return committeeOnly(poll);
  const summary = h('p', { class: 'ptable__turnout', 'aria-live': 'polite' });
  const countLink = h('p', {});
  let inBox = 0; // paper ballots in the box not counted yet, as the server last said
  async function refreshTurnout(paperToCount = inBox) {
    inBox = paperToCount;
    try {
      const results = await api.get(`/api/v1/polls/${poll.id}/results`, { fresh: true });
      summary.textContent = turnoutLine(results, inBox);
    } catch (err) {
      summary.textContent = errorText(err);
    }
    clear(countLink);
    if (inBox) countLink.append(linkButton(tr('count.open'), `/polls/${poll.id}/table/count`, { variant: 'ghost' }));
  }
  const header = card(
    h('div', { class: 'ptable__head' }, pill(pt(`polls.status.${poll.status}`), poll.status === 'open' ? 'ok' : null),
      h('span', { class: 'muted small', text: poll.secret ? pt('polls.secret') : pt('polls.public') })),
    h('h1', { class: 'ptable__title', 'data-user-content': '', text: poll.title }),
    summary, countLink);
  const root = h('div', { class: 'polls ptable' }, header);
  if (poll.status !== 'open') {
    root.append(card(h('p', { text: tr('table.notOpen') })));
    api.get(`/api/v1/polls/${poll.id}/polling-table?q=`, { fresh: true })
      .then((answer) => refreshTurnout(answer.paper_to_count)).catch(() => refreshTurnout(0));
    return { title: tr('table.title'), back: `/polls/${poll.id}`, node: root };
  }

  const search = field({ name: 'q', label: tr('table.search'), hint: tr('table.searchHint'), maxlength: 100, autocomplete: 'off', type: 'search' });
  const found = h('div', { class: 'ptable__found', 'aria-live': 'polite' });
  const stage = h('div', { class: 'ptable__stage' });
  const form = h('form', { class: 'stack-form ptable__search', role: 'search', novalidate: true }, search.el);
  root.append(form, found, stage);

  let lookupSeq = 0;
  let timer = null;
  async function lookup() {
    const q = search.input.value.trim();
    const seq = ++lookupSeq;
    if (!q) { clear(found); return; }
    found.replaceChildren(skeleton(2));
    try {
      const answer = await api.get(`/api/v1/polls/${poll.id}/polling-table?q=${encodeURIComponent(q)}`, { fresh: true });
      if (seq !== lookupSeq) return; // a later lookup is under way
      refreshTurnout(answer.paper_to_count);
      if (!answer.items.length) {
        found.replaceChildren(h('p', { class: 'muted ptable__none', text: tr('table.noneFound', { q }) }));
        return;
      }
      found.replaceChildren(list(answer.items.map((voter) => {
        const eligible = !voter.not_eligible_reason && !voter.voted;
        const item = listItem({ iconName: 'user', title: voter.user.display_name, meta: voterMeta(voter),
          trailing: voterPill(voter), onClick: eligible ? () => chooseVoter(voter) : undefined });
        item.firstChild.dataset.voter = String(voter.user.id);
        return item;
      }), { class: 'list ptable__voters' }));
    } catch (err) {
      if (seq === lookupSeq) found.replaceChildren(h('p', { class: 'form-error', text: errorText(err) }));
    }
  }
  search.input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(lookup, SEARCH_DELAY_MS); });
  form.addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(timer); lookup(); });

  function nextVoter() {
    clear(stage);
    clear(found);
    form.hidden = false;
    search.input.value = '';
    search.input.focus();
  }

  function chooseVoter(voter) {
    form.hidden = true;
    clear(found);
    const ballot = ballotWidget(poll);
    const error = formError();
    const record = button(tr('table.record'), { block: true, class: 'ptable__record', onClick: async () => {
      const body = ballot.value();
      if (!body) { error.textContent = pt('polls.ballot.chooseFirst'); error.focus(); return; }
      if (!(await confirmPaper(voter, body))) return;
      await send(record, error, `/api/v1/polls/${poll.id}/paper-ballots`, { voter_id: voter.user.id, ...body },
        (answer) => recorded(voter, answer.receipt));
    } });
    const box = poll.secret ? button(tr('table.box'), { variant: 'secondary', block: true, class: 'ptable__box', onClick: async () => {
      await send(box, error, `/api/v1/polls/${poll.id}/ballot-box`, { voter_id: voter.user.id }, (answer) => boxed(voter, answer));
    } }) : null;
    stage.replaceChildren(card(
      h('h2', { class: 'card__title', tabindex: '-1', text: tr('table.for', { name: voter.user.display_name }) }),
      h('p', { class: 'muted', text: voterMeta(voter) }),
      h('p', { class: 'small', text: tr('table.asOnPaper') }),
      ballot.node, error, record,
      box ? h('p', { class: 'muted small ptable__box-hint', text: tr('table.boxHint') }) : null, box,
      button(tr('table.other'), { variant: 'ghost', block: true, onClick: nextVoter })));
    stage.querySelector('h2').focus();
  }

  async function send(btn, error, url, body, done) {
    error.textContent = '';
    try {
      await withLoading(btn, async () => done(await api.post(url, body)));
    } catch (err) {
      error.textContent = err.code === 'already_voted' ? tr('table.alreadyVoted') : errorText(err);
    }
  }

  function recorded(voter, receipt) {
    stage.replaceChildren(card(
      h('h2', { class: 'card__title', tabindex: '-1', text: tr('table.recorded', { name: voter.user.display_name }) }),
      h('p', { text: tr('table.receiptKeep') }),
      h('code', { class: 'poll__receipt ptable__receipt', 'data-user-content': '', text: receipt }),
      button(tr('table.next'), { block: true, class: 'ptable__next', onClick: nextVoter })));
    stage.querySelector('h2').focus();
    refreshTurnout();
  }

  function boxed(voter, answer) {
    stage.replaceChildren(card(
      h('h2', { class: 'card__title', tabindex: '-1', text: tr('table.boxed', { name: voter.user.display_name }) }),
      h('p', { text: tr('table.boxedBody', { n: answer.paper_to_count }) }),
      button(tr('table.next'), { block: true, class: 'ptable__next', onClick: nextVoter })));
    stage.querySelector('h2').focus();
    refreshTurnout(answer.paper_to_count);
  }

  function confirmPaper(voter, body) {
    let confirmed = false;
    const sheet = openSheet({
      title: tr('table.confirmTitle'),
      content: (close) => h('div', { class: 'poll__confirm' },
        h('p', { class: 'poll__confirm-title', text: tr('table.for', { name: voter.user.display_name }) }),
        h(('ranking' in body) ? 'ol' : 'ul', { class: 'poll__confirm-list' }, describeChoice(poll, body).map((line) => h('li', { text: line }))),
        h('div', { class: 'sheet__actions' },
          button(tr('table.confirm'), { block: true, class: 'ptable__confirm', onClick: () => { confirmed = true; close('ok'); } }),
          button(pt('polls.confirm.back'), { variant: 'ghost', block: true, onClick: () => close() }))),
    });
    return sheet.closed.then(() => confirmed);
  }

  api.get(`/api/v1/polls/${poll.id}/polling-table?q=`, { fresh: true })
    .then((answer) => refreshTurnout(answer.paper_to_count)).catch(() => refreshTurnout(0));
  return { title: tr('table.title'), back: `/polls/${poll.id}`, node: root };
}

/* ---------- counting the ballot box ---------- */

async function countScreen(ctx) {
  await prepare();
  const poll = await api.get(`/api/v1/polls/${ctx.params.id}`, { fresh: true });
  if (!mayRunTable(poll)) return committeeOnly(poll);
  const answer = await api.get(`/api/v1/polls/${poll.id}/polling-table?q=`, { fresh: true });
  let left = answer.paper_to_count;
  const leftLine = h('p', { class: 'ptable__left', 'aria-live': 'polite' });
  const last = h('div', { class: 'ptable__last', 'aria-live': 'polite' });
  const stage = h('div', {});
  const root = h('div', { class: 'polls ptable' },
    card(h('h1', { class: 'ptable__title', 'data-user-content': '', text: poll.title }),
      h('p', { class: 'muted', text: tr('count.intro') }), leftLine),
    last, stage);

  function draw() {
    leftLine.textContent = left ? tr('count.left', { n: left }) : tr('count.empty');
    clear(stage);
    if (!left) {
      stage.append(card(h('p', { text: tr('count.done') }),
        linkButton(tr('count.back'), `/polls/${poll.id}`, { variant: 'secondary', block: true })));
      return;
    }
    const ballot = ballotWidget(poll);
    const error = formError();
    const submit = button(tr('count.submit'), { block: true, class: 'ptable__count', onClick: async () => {
      const body = ballot.value();
      if (!body) { error.textContent = pt('polls.ballot.chooseFirst'); error.focus(); return; }
      try {
        await withLoading(submit, async () => {
          const counted = await api.post(`/api/v1/polls/${poll.id}/ballot-box/count`, body);
          left = counted.paper_to_count;
          last.replaceChildren(card(
            h('p', { class: 'ptable__counted', text: tr('count.counted', { choice: describeChoice(poll, body).join('、') }) }),
            h('p', { class: 'small', text: tr('count.receipt') }),
            h('code', { class: 'poll__receipt ptable__receipt', 'data-user-content': '', text: counted.receipt })));
          toast(tr('count.toast', { n: left }));
          draw();
        });
      } catch (err) {
        error.textContent = errorText(err);
      }
    } });
    stage.append(card(h('h2', { class: 'card__title', text: tr('count.paper') }), ballot.node, error, submit));
  }
  draw();
  return { title: tr('count.title'), back: `/polls/${poll.id}`, node: root };
}

export const ROUTES = routeTable((route) => {
  route('/polls/:id/table', tableScreen);
  route('/polls/:id/table/count', countScreen);
});
