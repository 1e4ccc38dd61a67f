// Household claims (issue 15): someone joined giving this resident's flat as their home. A verified resident of
// the flat says whether they live there (agree) or not (refuse, with an optional reason for the committee); the
// committee still verifies the person. Reached from the `household_claim` notification. Loaded on demand.
import { api } from '../api.js';
import { bundle, formatDateTime } from '../i18n.js';
import { button, clear, emptyState, errorText, field, h, linkButton, pill, showErrors, toast, withLoading } from '../ui.js';
import { householdText, requireUser } from './common.js';

const tr = bundle('household-claims');

function answerPill(agreement) {
  if (!agreement) return pill(tr('claims.waiting'), 'warn');
  return agreement.decision === 'agree' ? pill(tr('claims.agreed'), 'ok') : pill(tr('claims.refused'), 'danger');
}

function claimCard(cid, claim, onAnswered) {
  const u = claim.user;
  const slot = h('div', {});
  const card = h('section', { class: 'card', dataset: { userId: u.id } },
    h('h2', { class: 'card__title', 'data-user-content': '', text: u.display_name }),
    h('p', { text: tr('claims.says', { household: householdText(claim.household) }) }),
    h('p', { class: 'small muted', text: tr(`claims.state.${claim.status}`) }),
    claim.joined_at ? h('p', { class: 'small muted secondary', text: tr('claims.joinedAt', { when: formatDateTime(claim.joined_at) }) }) : null,
    answerPill(claim.agreement),
    claim.agreement && claim.agreement.reason ? h('p', { class: 'small secondary', 'data-user-content': '', text: claim.agreement.reason }) : null,
    slot);
  if (claim.can.agree || claim.can.refuse) {
    const agree = button(tr('claims.agree'), { block: true, 'aria-label': tr('claims.agreeWho', { name: u.display_name }) });
    const refuse = button(tr('claims.refuse'), { variant: 'secondary', block: true, 'aria-label': tr('claims.refuseWho', { name: u.display_name }) });
    slot.append(h('p', { class: 'small muted', text: tr('claims.question') }), h('div', { class: 'sheet__actions' }, agree, refuse));
    agree.addEventListener('click', () => withLoading(agree, async () => {
      try {
        const answered = await api.post(`/api/v1/communities/${cid}/household-claims/${u.id}`, { decision: 'agree' });
        toast(tr('claims.thanks'));
        onAnswered(card, answered);
      } catch (err) {
        toast(errorText(err, tr('error.network')), { type: 'error' });
      }
    }));
    refuse.addEventListener('click', () => {
      clear(slot).append(refuseForm(cid, u, (answered) => onAnswered(card, answered)));
      slot.querySelector('textarea').focus();
    });
  }
  return card;
}

// The reason goes to the committee only; the claimant is told the answer, never who gave it.
function refuseForm(cid, u, done) {
  const reason = field({ name: 'reason', label: tr('claims.reason'), hint: tr('claims.reasonHint'), multiline: true, maxlength: 500 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(tr('claims.refuseSend'), { type: 'submit', block: true });
  const form = h('form', { novalidate: true }, reason.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withLoading(send, async () => {
      try {
        const text = reason.input.value.trim();
        const answered = await api.post(`/api/v1/communities/${cid}/household-claims/${u.id}`, { decision: 'refuse', reason: text || null });
        toast(tr('claims.thanks'));
        done(answered);
      } catch (err) {
        showErrors(err, { reason }, error);
      }
    });
  });
  return form;
}

async function claimsScreen(ctx) {
  if (!requireUser(ctx)) return null;
  await tr.ready();
  const cid = Number(ctx.params.id);
  const back = `/communities/${cid}`;
  let data;
  try {
    data = await api.get(`/api/v1/communities/${cid}/household-claims`, { fresh: true });
  } catch (err) {
    const body = err && err.status === 403 ? tr('claims.onlyResidents') : errorText(err, tr('error.network'));
    return { title: tr('claims.title'), back, node: emptyState({ iconName: 'home', title: tr('claims.unavailable'), body, action: linkButton(tr('soon.home'), '/', { variant: 'secondary' }) }) };
  }
  const wrap = h('div', {});
  const render = (items) => {
    clear(wrap);
    if (!items.length) {
      wrap.append(emptyState({ iconName: 'check', title: tr('claims.none'), body: tr('claims.noneBody') }));
      return;
    }
    for (const claim of items) {
      wrap.append(claimCard(cid, claim, (card, answered) => card.replaceWith(claimCard(cid, answered, () => {}))));
    }
  };
  render(data.items);
  return { title: tr('claims.title'), back, node: h('div', {}, h('p', { class: 'muted secondary', text: tr('claims.intro') }), wrap) };
}

export const ROUTES = { '/communities/:id/household-claims': claimsScreen };
