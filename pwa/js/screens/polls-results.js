// Poll results: summary, an inline SVG bar chart (built with DOM APIs), the instant-runoff rounds as a
// table, the funded projects of a budget poll, and the recount file.
import { bundle, formatMoney as money, formatPercent as percent } from '../i18n.js';
import { card, h, setFill } from '../ui.js';

const pt = bundle('polls');

const SVG = 'http://www.w3.org/2000/svg';

export function turnoutBar(turnout) {
  const share = turnout.share || 0;
  const bar = h('div', { class: 'poll__turnout', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': String(Math.round(share * 100)),
    'aria-label': pt('polls.turnout', { voters: turnout.voters, eligible: turnout.eligible, share: percent(share) }) },
  h('span', { class: 'poll__turnout-fill' }));
  setFill(bar, share);
  return h('div', {},
    turnout.live ? h('p', { class: 'muted small', text: pt('polls.turnout.live') }) : null,
    h('p', { text: pt('polls.turnout', { voters: turnout.voters, eligible: turnout.eligible, share: percent(share) }) }), bar);
}


function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}

function labelOf(poll, count) {
  if (count.choice) return pt(`polls.choice.${count.choice}`);
  const option = poll.options.find((o) => o.id === count.option_id);
  return option ? option.label : `#${count.option_id}`;
}

/** Horizontal bars, one per option; winners highlighted. The figure's label carries every number. */
export function barChart(rows) {
  const rowHeight = 44;
  const width = 320;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${rows.length * rowHeight}`, class: 'poll-chart', role: 'img', 'aria-label': pt('polls.results.chart', {
    summary: rows.map((r) => `${r.label} ${pt('polls.results.votes', { n: r.value })}`).join('；') }) });
  rows.forEach((row, index) => {
    const y = index * rowHeight;
    const barWidth = Math.max(2, ((width - 60) * row.value) / max);
    chart.append(
      svg('text', { x: 0, y: y + 14, class: 'poll-chart__label' }, row.label),
      svg('rect', { x: 0, y: y + 20, width: barWidth, height: 16, rx: 4, class: `poll-chart__bar${row.highlight ? ' is-winner' : ''}` }),
      svg('text', { x: barWidth + 6, y: y + 33, class: 'poll-chart__value' }, row.text || String(row.value)));
  });
  return h('figure', { class: 'poll-chart__figure' }, chart);
}

function summaryCard(poll, results) {
  const node = card(h('h2', { class: 'card__title', text: pt('polls.results.title') }));
  node.append(turnoutBar({ voters: results.voters, eligible: results.eligible, share: results.turnout, live: results.live }));
  // Turnout per channel (issue 18): the app and paper at a polling table; papers put in the box and never counted.
  if (results.channels && results.channels.paper) {
    node.append(h('p', { class: 'muted poll__channels', text: pt('polls.results.channels', { app: results.channels.app || 0, paper: results.channels.paper }) }));
  }
  if (results.paper_uncounted) {
    node.append(h('p', { class: 'poll__warn', text: pt(results.live ? 'polls.results.toCount' : 'polls.results.uncounted', { n: results.paper_uncounted }) }));
  }
  if (results.quorum) {
    node.append(h('p', { class: results.quorum_met ? 'poll__ok' : 'poll__warn',
      text: results.quorum_met ? pt('polls.results.quorumMet') : pt('polls.results.quorumMissed') }));
  }
  if (!results.live && poll.method === 'yes_no') { // other methods have winners, not a verdict
    node.append(h('p', { class: `poll__verdict ${results.passed ? 'is-passed' : 'is-rejected'}`,
      text: results.passed ? pt('polls.results.passed') : pt('polls.results.rejected') }));
  }
  if (!results.live && poll.method !== 'yes_no' && poll.method !== 'budget' && results.winners && results.winners.length) {
    node.append(h('p', { class: 'poll__winner', text: pt('polls.results.winner', { label: labelOf(poll, { option_id: results.winners[0] }) }) }));
  }
  if (results.tie_broken) node.append(h('p', { class: 'muted', text: pt('polls.results.tieBroken') }));
  return node;
}

function roundsTable(poll, results) {
  const rounds = results.rounds || [];
  const head = h('tr', {}, h('th', { scope: 'col', text: pt('polls.results.option') }),
    rounds.map((r) => h('th', { scope: 'col', text: pt('polls.results.round', { n: r.round }) })));
  const body = poll.options.map((option) => h('tr', {},
    h('th', { scope: 'row', text: option.label }),
    rounds.map((r) => {
      const tally = r.tallies.find((x) => x.option_id === option.id);
      if (!tally) return h('td', { class: 'is-out', text: '—' });
      const mark = r.eliminated === option.id ? ` ✕ ${pt('polls.results.eliminated')}` : r.elected === option.id ? ` ✓ ${pt('polls.results.elected')}` : '';
      return h('td', { class: r.eliminated === option.id ? 'is-eliminated' : r.elected === option.id ? 'is-elected' : '', text: `${tally.votes}${mark}` });
    })));
  const exhausted = h('tr', {}, h('th', { scope: 'row', text: pt('polls.results.exhausted') }), rounds.map((r) => h('td', { text: String(r.exhausted) })));
  const transfers = rounds.filter((r) => r.eliminated !== null).map((r) => h('li', {
    text: pt('polls.results.transfer', { n: r.round, label: labelOf(poll, { option_id: r.eliminated }),
      moves: r.transfers.map((t) => pt('polls.results.transferTo', { n: t.votes, label: t.to === null ? pt('polls.results.exhausted') : labelOf(poll, { option_id: t.to }) })).join('，') || '—' }) }));
  return card(h('h2', { class: 'card__title', text: pt('polls.results.rounds') }),
    h('div', { class: 'poll__table-wrap', tabindex: '0', role: 'region', 'aria-label': pt('polls.results.rounds') },
      h('table', { class: 'poll__rounds' }, h('caption', { class: 'visually-hidden', text: pt('polls.results.rounds') }),
        h('thead', {}, head), h('tbody', {}, body, exhausted))),
    h('ul', { class: 'poll__transfers' }, transfers));
}

function budgetCard(poll, results) {
  const funded = new Set(results.funded || []);
  return card(h('h2', { class: 'card__title', text: pt('polls.results.funded') }),
    h('p', { text: pt('polls.results.moneyUsed', { used: money(results.money_used_cents), budget: money(results.budget_cents) }) }),
    h('ul', { class: 'poll__funded' }, poll.options.map((option) => h('li', { class: funded.has(option.id) ? 'is-funded' : 'is-not-funded' },
      h('span', { class: 'poll__funded-mark', 'aria-hidden': 'true', text: funded.has(option.id) ? '✓' : '·' }),
      h('span', { class: 'poll__funded-label', text: option.label }),
      h('span', { class: 'poll__funded-meta', text: `${money(option.cost_cents)} · ${funded.has(option.id)
        ? pt(`polls.results.by.${(results.funded_by || {})[String(option.id)] || 'greedy'}`) : pt('polls.results.notFunded')}` })))));
}

export function renderResults(poll, results, { savedReceipt, fingerprint }) {
  const root = h('div', {});
  if (results.cancelled) {
    root.append(card(h('p', { text: pt('polls.results.cancelled', { reason: poll.close_reason || '' }) })));
    return root;
  }
  root.append(summaryCard(poll, results));
  if (results.live && !results.counts) {
    root.append(card(h('p', { text: pt('polls.results.liveSecret') })));
    return root;
  }
  if (results.live) root.append(h('p', { class: 'poll__warn', text: pt('polls.results.live') }));
  const winners = new Set(results.winners || []);
  const rows = (results.counts || []).map((count) => ({
    label: labelOf(poll, count), value: count.votes,
    highlight: count.option_id !== null ? winners.has(count.option_id) : (count.choice === 'yes' && results.passed),
  }));
  root.append(card(barChart(rows)));
  if (poll.method === 'ranked' && results.rounds) root.append(roundsTable(poll, results));
  if (poll.method === 'budget') root.append(budgetCard(poll, results));
  if (!results.live) {
    const mine = savedReceipt ? h('p', { class: 'muted small' }) : null;
    if (mine) {
      fingerprint(savedReceipt.receipt).then((hex) => {
        if (hex) mine.append(h('span', { text: `${pt('polls.receipt.fingerprint')}: ` }), h('code', { text: hex }));
      });
    }
    root.append(card(
      h('a', { class: 'btn btn--secondary btn--block', href: `/api/v1/polls/${poll.id}/recount.csv`, download: `poll-${poll.id}-recount.csv`,
        text: pt('polls.results.recount') }),
      h('p', { class: 'muted', text: pt('polls.results.recountHint') }), mine));
  }
  return root;
}

