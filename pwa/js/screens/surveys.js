// Surveys (问卷): the list, a survey's page with the answering flow (one question per card, progress, checks in
// the person's language before anything is sent), the results with a chart per question and the free-text
// answers (flaggable), and for the committee the question builder, open / close, the CSV and the conversion of
// a closed survey's result into a project draft or a poll.
import { api } from '../api.js';
import { bundle, formatDateTime, formatNumber, formatPercent as percent, t } from '../i18n.js';
import { navigate, routeTable } from '../router.js';
import { currentMembership, isCommittee, state } from '../store.js';
import {
  button, card, clear, emptyState, errorText, field, formError, h, linkButton, nextId, openSheet, pill, setFill,
  showErrors, toast, useStylesheet, withLoading,
} from '../ui.js';
import { civicTabs } from './common.js';
import { flagButton } from './moderation-links.js';
import { icon } from '../icons.js';

const st = bundle('surveys');
const KINDS = ['single', 'multiple', 'scale', 'text', 'ranking'];
const CHOICE_KINDS = ['single', 'multiple', 'ranking'];
const STATUS_KIND = { open: 'ok', draft: 'warn', closed: null };

function registerSurveyRoutes(route) {
  route('/surveys', surveyList);
  route('/surveys/new', surveyBuilder);
  route('/surveys/:id', surveyPage);
  route('/surveys/:id/edit', surveyBuilder);
  route('/surveys/:id/results', surveyResults);
}

async function prepare() {
  useStylesheet('/css/surveys.css');
  await st.ready();
}

const statusPill = (status) => pill(st(`sv.status.${status}`), STATUS_KIND[status]);

/* ---------- list ---------- */

function answeredPill(survey) {
  if (survey.status !== 'open' || survey.answered === null || survey.answered === undefined) return null;
  return survey.answered ? pill(st('sv.list.answered'), 'ok') : pill(st('sv.list.notAnswered'), 'warn');
}

function surveyItem(survey) {
  const when = survey.status === 'open' && survey.closes_at ? st('sv.list.closes', { when: formatDateTime(survey.closes_at) })
    : st('sv.list.questions', { n: survey.question_count });
  return h('li', { dataset: { status: survey.status } },
    h('a', { class: 'list-item survey-item', href: `/surveys/${survey.id}` },
      icon('check'),
      h('span', { class: 'list-item__body' },
        h('span', { class: 'list-item__title', 'data-user-content': '', text: survey.title }),
        h('span', { class: 'list-item__meta row' }, statusPill(survey.status), answeredPill(survey),
          h('span', { text: `${when} · ${st('sv.list.responses', { n: survey.responses })}` }))),
      h('span', { class: 'list-item__chev' }, icon('chevron'))));
}

async function surveyList() {
  await prepare();
  const membership = currentMembership();
  const cid = membership && membership.community.id;
  if (!cid) {
    return { title: st('sv.list.title'), node: h('div', {}, civicTabs('surveys'), emptyState({ iconName: 'check', title: st('sv.list.noCommunity'),
      action: linkButton(t('community.choose'), '/communities', { block: true }) })) };
  }
  const statuses = isCommittee() ? ['open', 'draft', 'closed'] : ['open', 'closed'];
  const pages = await Promise.all(statuses.map((status) =>
    api.get(`/api/v1/communities/${cid}/surveys?status=${status}&limit=50`, { fresh: true })));
  const sections = statuses.map((status, i) => (pages[i].items.length
    ? h('section', { class: 'section', id: `surveys-${status}` },
      h('h3', { class: 'section__title', text: st(`sv.section.${status}`) }),
      h('ul', { class: 'list' }, pages[i].items.map(surveyItem)))
    : null));
  const total = pages.reduce((n, p) => n + p.items.length, 0);
  return { title: st('sv.list.title'), node: h('div', { class: 'surveys' },
    civicTabs('surveys'),
    h('p', { class: 'muted secondary', text: st('sv.list.intro') }),
    isCommittee() ? h('p', {}, linkButton(st('sv.list.new'), '/surveys/new', { iconName: 'plus', block: true })) : null,
    sections,
    total ? null : emptyState({ iconName: 'check', title: st('sv.list.empty'), body: st('sv.list.emptyBody') })) };
}

/* ---------- a survey's page ---------- */

function facts(survey) {
  return [
    survey.anonymous ? st('sv.anonymous') : st('sv.named'),
    st(`sv.eligibility.${survey.eligibility}`),
    st('sv.list.questions', { n: survey.questions.length }),
    survey.closes_at ? st('sv.closesAt', { when: formatDateTime(survey.closes_at) }) : null,
    survey.results_public ? st('sv.resultsPublic') : st('sv.resultsPrivate'),
    st('sv.list.responses', { n: survey.responses }),
  ].filter(Boolean);
}

function header(survey) {
  return card(
    h('div', { class: 'survey__status' }, statusPill(survey.status)),
    h('h1', { class: 'survey__title', 'data-user-content': '', text: survey.title }),
    survey.description ? h('p', { class: 'survey__description', 'data-user-content': '', text: survey.description }) : null,
    h('ul', { class: 'survey__facts' }, facts(survey).map((f) => h('li', { text: f }))));
}

async function surveyPage(ctx) {
  await prepare();
  const survey = await api.get(`/api/v1/surveys/${ctx.params.id}`, { fresh: true });
  const root = h('div', { class: 'surveys survey' }, header(survey));
  const area = h('div', {});
  root.append(area);
  drawAnswerArea(survey, area);
  if (survey.can.see_results) {
    root.append(card(linkButton(st('sv.results.view'), `/surveys/${survey.id}/results`, { variant: 'secondary', block: true })));
  }
  if (isCommittee()) root.append(committeeCard(survey));
  return { title: st('sv.title'), back: '/surveys', node: root };
}

function drawAnswerArea(survey, area) {
  clear(area);
  if (survey.my_response) {
    area.append(answeredCard(survey));
    return;
  }
  if (survey.status === 'draft') {
    area.append(card(h('p', { class: 'muted', text: st('sv.draftNote') }), previewList(survey)));
    return;
  }
  if (survey.status === 'closed') {
    area.append(card(h('p', { text: survey.results_public ? st('sv.closedPublic') : st('sv.closedPrivate') })));
    return;
  }
  if (!state.user) {
    area.append(card(linkButton(st('sv.signInToAnswer'), `/signin?next=${encodeURIComponent(location.pathname)}`, { block: true })));
    return;
  }
  if (!survey.can.answer) {
    area.append(card(h('p', { text: st(`sv.notEligible.${survey.not_eligible_reason || 'not_a_member'}`) })));
    return;
  }
  area.append(card(
    h('p', { text: st('sv.start.body', { n: survey.questions.length }) }),
    survey.anonymous ? h('p', { class: 'muted small', text: st('sv.start.anonymous') }) : null,
    button(st('sv.start'), { block: true, class: 'survey__start', onClick: () => answerFlow(survey, area) })));
}

function previewList(survey) {
  return h('ol', { class: 'survey__preview' }, survey.questions.map((q) => h('li', {},
    h('span', { 'data-user-content': '', text: q.prompt }), ' ',
    h('span', { class: 'muted small', text: `(${st(`sv.kind.${q.kind}`)}${q.required ? '' : ` · ${st('sv.optional')}`})` }))));
}

function describeAnswer(question, answer) {
  if (!answer) return st('sv.review.blank');
  if (question.kind === 'text') return answer.text;
  if (question.kind === 'scale') return st('sv.scale.value', { n: answer.scale });
  if (question.kind === 'single') return question.options[answer.option];
  const indexes = question.kind === 'ranking' ? answer.ranking : answer.options;
  return indexes.map((i, n) => (question.kind === 'ranking' ? `${n + 1}. ${question.options[i]}` : question.options[i])).join(question.kind === 'ranking' ? '  ' : '、');
}

function answeredCard(survey) {
  const mine = survey.my_response;
  const node = card(h('p', { class: 'survey__done', text: st('sv.answered', { time: formatDateTime(mine.answered_at) }) }));
  if (mine.answers) {
    const byId = new Map(mine.answers.map((a) => [a.question_id, a]));
    node.append(h('h2', { class: 'card__title', text: st('sv.myAnswers') }), h('ol', { class: 'survey__review' },
      survey.questions.map((q) => {
        const stored = byId.get(q.id);
        const answer = stored && { option: stored.choice, options: stored.choice, ranking: stored.choice, scale: stored.choice, text: stored.text };
        return h('li', {}, h('p', { class: 'survey__review-q', text: q.prompt }), h('p', { 'data-user-content': '', text: describeAnswer(q, stored ? answer : null) }));
      })));
  } else if (survey.anonymous) {
    node.append(h('p', { class: 'muted small', text: st('sv.answeredAnonymous') }));
  }
  return node;
}

/* ---------- answering: one question per card ---------- */

function questionInput(question, previous) {
  const name = nextId('q');
  if (question.kind === 'single' || question.kind === 'multiple') {
    const type = question.kind === 'single' ? 'radio' : 'checkbox';
    const inputs = question.options.map((label, i) => {
      const id = nextId('opt');
      const checked = previous && (question.kind === 'single' ? previous.option === i : previous.options.includes(i));
      return { i, input: h('input', { type, id, name, value: String(i), class: 'survey__input', checked }), label, id };
    });
    const max = question.max_choices || question.options.length;
    const counter = question.kind === 'multiple' ? h('p', { class: 'survey__counter', 'aria-live': 'polite' }) : null;
    const update = () => {
      if (!counter) return;
      const n = inputs.filter((x) => x.input.checked).length;
      counter.textContent = st('sv.answer.selected', { n, max });
      inputs.forEach((x) => { x.input.disabled = !x.input.checked && n >= max; });
    };
    inputs.forEach((x) => x.input.addEventListener('change', update));
    update();
    return {
      node: h('fieldset', { class: 'survey__fieldset' }, h('legend', { class: 'visually-hidden', text: question.prompt }), counter,
        h('ul', { class: 'survey__choices' }, inputs.map((x) => h('li', {}, h('label', { class: 'survey__choice', for: x.id }, x.input,
          h('span', { 'data-user-content': '', text: x.label })))))),
      value: () => {
        const on = inputs.filter((x) => x.input.checked).map((x) => x.i);
        if (!on.length) return null;
        return question.kind === 'single' ? { option: on[0] } : { options: on };
      },
    };
  }
  if (question.kind === 'scale') {
    let chosen = previous ? previous.scale : null;
    const buttons = [1, 2, 3, 4, 5].map((n) => h('button', {
      type: 'button', class: 'survey__scale-button', 'aria-pressed': String(chosen === n), dataset: { value: String(n) },
      'aria-label': st('sv.scale.value', { n }),
      onclick: () => { chosen = n; buttons.forEach((b) => b.setAttribute('aria-pressed', String(Number(b.dataset.value) === n))); },
    }, String(n)));
    return {
      node: h('div', { class: 'survey__scale', role: 'group', 'aria-label': question.prompt },
        h('div', { class: 'survey__scale-row' }, buttons),
        h('div', { class: 'survey__scale-ends', 'aria-hidden': 'true' }, h('span', { text: st('sv.scale.low') }), h('span', { text: st('sv.scale.high') }))),
      value: () => (chosen ? { scale: chosen } : null),
    };
  }
  if (question.kind === 'text') {
    const area = field({ name, label: st('sv.answer.yourWords'), multiline: true, maxlength: 2000, value: previous ? previous.text : '' });
    return { node: area.el, value: () => (area.input.value.trim() ? { text: area.input.value.trim() } : null) };
  }
  return rankingInput(question, previous);
}

/** Every option in one list: Up / Down move it (the order is the answer); announced for screen readers. */
function rankingInput(question, previous) {
  const order = previous ? [...previous.ranking] : question.options.map((_, i) => i);
  let touched = !!previous;
  const listEl = h('ol', { class: 'survey__ranking' });
  const announcer = h('p', { class: 'visually-hidden', 'aria-live': 'assertive' });
  function draw(focus) {
    clear(listEl);
    order.forEach((index, place) => {
      const label = question.options[index];
      const up = button(st('sv.rank.up'), { variant: 'ghost', small: true, disabled: place === 0, 'aria-label': st('sv.rank.moveUp', { label }),
        dataset: { index: String(index), action: 'up' }, onClick: () => move(place, -1) });
      const down = button(st('sv.rank.down'), { variant: 'ghost', small: true, disabled: place === order.length - 1, 'aria-label': st('sv.rank.moveDown', { label }),
        dataset: { index: String(index), action: 'down' }, onClick: () => move(place, 1) });
      listEl.append(h('li', { class: 'survey__rank-item' }, h('span', { class: 'survey__rank-no', 'aria-hidden': 'true', text: String(place + 1) }),
        h('span', { class: 'survey__rank-label', 'data-user-content': '', text: label }), h('span', { class: 'survey__rank-actions' }, up, down)));
    });
    if (focus) {
      const target = listEl.querySelector(`[data-index="${focus[0]}"][data-action="${focus[1]}"]:not([disabled])`);
      if (target) target.focus();
    }
  }
  function move(place, step) {
    const [index] = order.splice(place, 1);
    order.splice(place + step, 0, index);
    touched = true;
    keepBox.checked = true;
    draw([index, step < 0 ? 'up' : 'down']);
    announcer.textContent = st('sv.rank.moved', { label: question.options[index], n: place + step + 1 });
  }
  // Moving an option answers the question; so does ticking "this order" for the order as shown.
  const keepBox = h('input', { type: 'checkbox', class: 'survey__input', checked: touched, onchange: (e) => { touched = e.target.checked; } });
  const keep = h('label', { class: 'survey__check' }, keepBox, h('span', { text: st('sv.rank.keep') }));
  draw();
  return { node: h('div', {}, h('p', { class: 'muted small', text: st('sv.rank.hint') }), listEl, keep, announcer),
    value: () => (touched ? { ranking: [...order] } : null) };
}

function problemOf(question, value) {
  if (!value) return question.required ? st('sv.check.required') : null;
  if (question.kind === 'multiple' && question.max_choices && value.options.length > question.max_choices) {
    return st('sv.check.tooMany', { max: question.max_choices });
  }
  return null;
}

function answerFlow(survey, area) {
  const questions = survey.questions;
  const answers = new Map();
  let at = 0;
  const show = () => {
    clear(area);
    if (at === questions.length) {
      area.append(reviewCard(survey, answers, area, (n) => { at = n; show(); }));
      return;
    }
    const question = questions[at];
    const input = questionInput(question, answers.get(question.id));
    const problem = h('p', { class: 'field__error survey__problem', role: 'alert' });
    const bar = h('div', { class: 'survey__progress-bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': String(questions.length),
      'aria-valuenow': String(at + 1), 'aria-label': st('sv.progress', { n: at + 1, total: questions.length }) }, h('span', { class: 'survey__progress-fill' }));
    setFill(bar, (at + 1) / questions.length);
    const next = () => {
      const value = input.value();
      const message = problemOf(question, value);
      if (message) { problem.textContent = message; problem.focus?.(); return; }
      if (value) answers.set(question.id, value); else answers.delete(question.id);
      at += 1;
      show();
    };
    const node = card(
      h('p', { class: 'survey__progress', text: st('sv.progress', { n: at + 1, total: questions.length }) }), bar,
      h('h2', { class: 'survey__prompt', 'data-user-content': '', text: question.prompt }),
      h('p', { class: 'muted small', text: `${st(`sv.kind.${question.kind}`)}${question.required ? '' : ` · ${st('sv.optional')}`}` }),
      input.node, problem,
      h('div', { class: 'survey__nav' },
        at ? button(st('sv.back'), { variant: 'secondary', onClick: () => { const v = input.value(); if (v) answers.set(question.id, v); at -= 1; show(); } }) : null,
        button(at === questions.length - 1 ? st('sv.review') : st('sv.next'), { onClick: next, class: 'survey__next' })));
    area.append(node);
    const heading = node.querySelector('.survey__prompt');
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  };
  show();
}

function reviewCard(survey, answers, area, goTo) {
  const error = formError();
  const submit = button(st('sv.submit'), { block: true, class: 'survey__submit', onClick: async () => {
    const body = { answers: [...answers].map(([question_id, value]) => ({ question_id, ...value })) };
    try {
      await withLoading(submit, async () => {
        await api.post(`/api/v1/surveys/${survey.id}/responses`, body);
        toast(st('sv.thanks'), { type: 'success' });
        navigate(`/surveys/${survey.id}`, { replace: true }); // the page again: answered, the count moved
      });
    } catch (err) {
      error.textContent = err.code === 'already_responded' ? st('sv.error.already')
        : err.status === 422 ? st('sv.error.invalid') : errorText(err);
      error.focus();
    }
  } });
  return card(
    h('h2', { class: 'card__title', text: st('sv.review.title') }),
    h('ol', { class: 'survey__review' }, survey.questions.map((q, n) => h('li', {},
      h('p', { class: 'survey__review-q', 'data-user-content': '', text: q.prompt }),
      h('p', { 'data-user-content': '', text: describeAnswer(q, answers.get(q.id)) }),
      button(st('sv.review.change'), { variant: 'ghost', small: true, onClick: () => goTo(n) })))),
    h('p', { class: 'muted small', text: survey.anonymous ? st('sv.review.anonymous') : st('sv.review.named') }),
    error, submit);
}

/* ---------- the committee ---------- */

function committeeCard(survey) {
  const can = survey.can;
  const node = card(h('h2', { class: 'card__title', text: st('sv.committee.title') }));
  const actions = h('div', { class: 'survey__actions' });
  if (can.edit) actions.append(linkButton(st('sv.committee.edit'), `/surveys/${survey.id}/edit`, { variant: 'secondary', block: true }));
  if (can.open) actions.append(button(st('sv.committee.open'), { block: true, onClick: (e) => act(e, survey, 'open', 'sv.committee.opened') }));
  if (can.close) actions.append(button(st('sv.committee.close'), { variant: 'secondary', block: true, onClick: (e) => act(e, survey, 'close', 'sv.committee.closed') }));
  if (can.export) {
    actions.append(h('a', { class: 'btn btn--secondary btn--block', href: `/api/v1/surveys/${survey.id}/export.csv`, download: `survey-${survey.id}.csv` },
      icon('download'), h('span', { text: st('sv.committee.export') })));
  }
  if (can.convert) actions.append(button(st('sv.committee.convert'), { variant: 'secondary', block: true, onClick: () => convertSheet(survey) }));
  if (survey.project_id) actions.append(linkButton(st('sv.committee.project'), `/projects/${survey.project_id}`, { variant: 'ghost', block: true }));
  if (survey.poll_id) actions.append(linkButton(st('sv.committee.poll'), `/polls/${survey.poll_id}`, { variant: 'ghost', block: true }));
  if (!actions.children.length) return null;
  node.append(actions);
  return node;
}

async function act(event, survey, step, done) {
  try {
    await withLoading(event.currentTarget, () => api.post(`/api/v1/surveys/${survey.id}/${step}`));
    toast(st(done), { type: 'success' });
    navigate(`/surveys/${survey.id}`, { replace: true });
  } catch (err) {
    toast(errorText(err), { type: 'error' });
  }
}

function localInput(value) {
  const d = new Date(value);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function convertSheet(survey) {
  const pollable = survey.questions.filter((q) => CHOICE_KINDS.includes(q.kind));
  const into = field({ name: 'into', label: st('sv.convert.into'), options: [
    { value: 'project', label: st('sv.convert.project') },
    ...(pollable.length ? [{ value: 'poll', label: st('sv.convert.poll') }] : []),
  ] });
  const question = field({ name: 'question_id', label: st('sv.convert.question'), options: pollable.map((q) => ({ value: q.id, label: q.prompt })) });
  const now = Date.now();
  const opens = field({ name: 'opens_at', label: st('sv.convert.opens'), type: 'datetime-local', value: localInput(now + 3600e3) });
  const closes = field({ name: 'closes_at', label: st('sv.convert.closes'), type: 'datetime-local', value: localInput(now + 8 * 86400e3) });
  const pollFields = h('div', { hidden: true }, question.el, opens.el, closes.el);
  into.input.addEventListener('change', () => { pollFields.hidden = into.input.value !== 'poll'; });
  const error = formError();
  openSheet({
    title: st('sv.convert.title'),
    content: (close) => h('div', {},
      h('p', { class: 'muted small', text: st('sv.convert.explain') }), into.el, pollFields, error,
      h('div', { class: 'sheet__actions' }, button(st('sv.convert.go'), { block: true, onClick: async (e) => {
        const body = { into: into.input.value };
        if (body.into === 'poll') {
          Object.assign(body, { question_id: Number(question.input.value),
            opens_at: new Date(opens.input.value).toISOString(), closes_at: new Date(closes.input.value).toISOString() });
        }
        try {
          const made = await withLoading(e.currentTarget, () => api.post(`/api/v1/surveys/${survey.id}/convert`, body));
          close('ok');
          toast(st(body.into === 'poll' ? 'sv.convert.donePoll' : 'sv.convert.doneProject'), { type: 'success' });
          navigate(body.into === 'poll' ? `/polls/${made.id}` : `/projects/${made.id}`);
        } catch (err) {
          showErrors(err, { question_id: question, opens_at: opens, closes_at: closes }, error);
        }
      } }), button(t('common.cancel'), { variant: 'ghost', block: true, onClick: () => close() }))),
  });
}

/* ---------- the question builder ---------- */

function questionEditor(question, { onMove, onRemove }) {
  const kind = field({ name: 'kind', label: st('sv.build.kind'), options: KINDS.map((k) => ({ value: k, label: st(`sv.kind.${k}`) })), value: question.kind });
  const prompt = field({ name: 'prompt', label: st('sv.build.prompt'), value: question.prompt, maxlength: 300, required: true });
  const options = field({ name: 'options', label: st('sv.build.options'), hint: st('sv.build.optionsHint'), multiline: true, value: (question.options || []).join('\n') });
  const max = field({ name: 'max_choices', label: st('sv.build.max'), type: 'number', inputmode: 'numeric', min: 1, value: question.max_choices || '' });
  const requiredBox = h('input', { type: 'checkbox', class: 'survey__input', checked: question.required !== false });
  const shape = () => {
    options.el.hidden = !CHOICE_KINDS.includes(kind.input.value);
    max.el.hidden = kind.input.value !== 'multiple';
  };
  kind.input.addEventListener('change', shape);
  shape();
  const node = h('li', { class: 'card survey__editor' },
    kind.el, prompt.el, options.el, max.el,
    h('label', { class: 'survey__check' }, requiredBox, h('span', { text: st('sv.build.required') })),
    h('div', { class: 'survey__editor-actions' },
      button(st('sv.rank.up'), { variant: 'ghost', small: true, onClick: () => onMove(-1) }),
      button(st('sv.rank.down'), { variant: 'ghost', small: true, onClick: () => onMove(1) }),
      button(st('sv.build.remove'), { variant: 'ghost', small: true, onClick: onRemove })));
  return {
    node,
    fields: { prompt, options, max },
    value: () => {
      const k = kind.input.value;
      const out = { kind: k, prompt: prompt.input.value.trim(), required: requiredBox.checked };
      if (CHOICE_KINDS.includes(k)) out.options = options.input.value.split('\n').map((s) => s.trim()).filter(Boolean);
      if (k === 'multiple' && max.input.value) out.max_choices = Number(max.input.value);
      return out;
    },
  };
}

/** Checks in the committee member's language before anything is sent (the server checks again). */
function builderProblems(editors) {
  let ok = true;
  for (const editor of editors) {
    const q = editor.value();
    editor.fields.prompt.setError(q.prompt ? null : st('sv.build.needPrompt'));
    ok = ok && !!q.prompt;
    if (CHOICE_KINDS.includes(q.kind)) {
      const distinct = new Set(q.options).size === q.options.length;
      const message = q.options.length < 2 ? st('sv.build.needOptions') : !distinct ? st('sv.build.distinct') : null;
      editor.fields.options.setError(message);
      ok = ok && !message;
    }
    if (q.max_choices && q.max_choices > (q.options || []).length) {
      editor.fields.max.setError(st('sv.build.maxTooBig'));
      ok = false;
    } else editor.fields.max.setError(null);
  }
  return ok;
}

async function surveyBuilder(ctx) {
  await prepare();
  const cid = currentMembership() && currentMembership().community.id;
  if (!isCommittee()) return { title: st('sv.build.title'), back: '/surveys', node: emptyState({ iconName: 'check', title: st('sv.build.committeeOnly') }) };
  const editing = ctx.params.id ? await api.get(`/api/v1/surveys/${ctx.params.id}`, { fresh: true }) : null;
  const title = field({ name: 'title', label: st('sv.build.surveyTitle'), value: editing ? editing.title : '', maxlength: 120, required: true });
  const description = field({ name: 'description', label: st('sv.build.description'), multiline: true, value: editing ? editing.description : '', maxlength: 5000 });
  const eligibility = field({ name: 'eligibility', label: st('sv.build.eligibility'),
    options: ['verified', 'household'].map((v) => ({ value: v, label: st(`sv.eligibility.${v}`) })), value: editing ? editing.eligibility : 'household' });
  const closes = field({ name: 'closes_at', label: st('sv.build.closes'), type: 'datetime-local', hint: st('sv.build.closesHint'),
    value: editing && editing.closes_at ? localInput(editing.closes_at) : '' });
  const anonymous = h('input', { type: 'checkbox', class: 'survey__input', checked: editing ? editing.anonymous : true });
  const publicResults = h('input', { type: 'checkbox', class: 'survey__input', checked: editing ? editing.results_public : true });
  const editors = [];
  const listEl = h('ol', { class: 'survey__editors' });
  const redraw = () => { clear(listEl); editors.forEach((e) => listEl.append(e.node)); };
  const add = (question) => {
    const editor = questionEditor(question, {
      onMove: (step) => {
        const i = editors.indexOf(editor);
        const j = i + step;
        if (j < 0 || j >= editors.length) return;
        [editors[i], editors[j]] = [editors[j], editors[i]];
        redraw();
      },
      onRemove: () => { editors.splice(editors.indexOf(editor), 1); redraw(); },
    });
    editors.push(editor);
    redraw();
  };
  (editing ? editing.questions : [{ kind: 'single', prompt: '', options: [] }]).forEach(add);
  const addButtons = h('div', { class: 'survey__add' }, KINDS.map((k) => button(`＋ ${st(`sv.kind.${k}`)}`, { variant: 'secondary', small: true,
    onClick: () => add({ kind: k, prompt: '', options: [] }) })));
  const error = formError();
  const save = button(editing ? st('sv.build.save') : st('sv.build.create'), { block: true, class: 'survey__save', onClick: async () => {
    title.setError(title.input.value.trim() ? null : st('sv.build.needTitle'));
    if (!title.input.value.trim() || !editors.length || !builderProblems(editors)) {
      error.textContent = editors.length ? st('sv.build.fix') : st('sv.build.needQuestion');
      error.focus();
      return;
    }
    const body = {
      title: title.input.value.trim(), description: description.input.value.trim(), eligibility: eligibility.input.value,
      anonymous: anonymous.checked, results_public: publicResults.checked, questions: editors.map((e) => e.value()),
      closes_at: closes.input.value ? new Date(closes.input.value).toISOString() : null,
    };
    try {
      const saved = await withLoading(save, () => (editing ? api.patch(`/api/v1/surveys/${editing.id}`, body)
        : api.post(`/api/v1/communities/${cid}/surveys`, body)));
      toast(st('sv.build.saved'), { type: 'success' });
      navigate(`/surveys/${saved.id}`);
    } catch (err) {
      showErrors(err, { title, description, closes_at: closes }, error);
    }
  } });
  return { title: editing ? st('sv.build.editTitle') : st('sv.build.title'), back: editing ? `/surveys/${editing.id}` : '/surveys', node: h('div', { class: 'surveys survey-builder' },
    card(title.el, description.el, eligibility.el, closes.el,
      h('label', { class: 'survey__check' }, anonymous, h('span', { text: st('sv.build.anonymous') })),
      h('label', { class: 'survey__check' }, publicResults, h('span', { text: st('sv.build.public') }))),
    h('h2', { class: 'section__title', text: st('sv.build.questions') }), listEl, addButtons, error, save,
    h('p', { class: 'muted small', text: st('sv.build.draftNote') })) };
}

/* ---------- results ---------- */

function barRows(rows, { label }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return h('figure', { class: 'survey-chart', role: 'img', 'aria-label': `${label}: ${rows.map((r) => `${r.label} ${r.text}`).join('；')}` },
    h('ul', { class: 'survey-chart__rows', 'aria-hidden': 'true' }, rows.map((r) => {
      const bar = h('span', { class: `survey-chart__bar${r.top ? ' is-top' : ''}` });
      setFill(bar, r.value / max);
      return h('li', { class: 'survey-chart__row' },
        h('span', { class: 'survey-chart__label', 'data-user-content': '', text: r.label }),
        h('span', { class: 'survey-chart__track' }, bar),
        h('span', { class: 'survey-chart__value', text: r.text }));
    })));
}

function questionResult(question, canFlag) {
  const node = card(h('h2', { class: 'survey__prompt', 'data-user-content': '', text: `${question.position + 1}. ${question.prompt}` }),
    h('p', { class: 'muted small', text: `${st(`sv.kind.${question.kind}`)} · ${st('sv.results.answered', { n: question.answered })}` }));
  if (question.kind === 'scale') {
    const top = Math.max(...question.scale.map((s) => s.count));
    node.append(h('p', { class: 'survey__mean', text: question.mean === null ? st('sv.results.noAnswers') : st('sv.results.mean', { mean: formatNumber(question.mean) }) }),
      barRows(question.scale.map((s) => ({ label: st('sv.scale.value', { n: s.value }), value: s.count, top: s.count === top && top > 0,
        text: `${s.count} · ${percent(s.share || 0)}` })), { label: question.prompt }));
  } else if (question.kind === 'ranking') {
    const top = Math.max(...question.options.map((o) => o.points));
    const rows = [...question.options].sort((a, b) => b.points - a.points);
    node.append(h('p', { class: 'muted small', text: st('sv.results.borda') }),
      barRows(rows.map((o) => ({ label: o.label, value: o.points, top: o.points === top && top > 0, text: st('sv.results.points', { n: o.points }) })), { label: question.prompt }));
  } else if (question.kind === 'text') {
    node.append(question.texts.length ? h('ul', { class: 'survey__texts' }, question.texts.map((a) => h('li', { class: a.is_hidden ? 'is-hidden' : '' },
      h('p', { 'data-user-content': '', text: a.text }), canFlag ? flagButton('survey_answer', a.id, { hidden: a.is_hidden }) : null)))
      : h('p', { class: 'muted', text: st('sv.results.noTexts') }));
    if (question.answered > question.texts.length) node.append(h('p', { class: 'muted small', text: st('sv.results.moreTexts', { n: question.answered - question.texts.length }) }));
  } else {
    const top = Math.max(...question.options.map((o) => o.count));
    node.append(barRows(question.options.map((o) => ({ label: o.label, value: o.count, top: o.count === top && top > 0,
      text: `${o.count} · ${percent(o.share || 0)}` })), { label: question.prompt }));
  }
  return node;
}

async function surveyResults(ctx) {
  await prepare();
  const [survey, results] = await Promise.all([
    api.get(`/api/v1/surveys/${ctx.params.id}`, { fresh: true }),
    api.get(`/api/v1/surveys/${ctx.params.id}/results`, { fresh: true }),
  ]);
  const turnout = h('div', { class: 'survey__turnout', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': String(Math.round((results.turnout || 0) * 100)), 'aria-label': st('sv.results.turnout', { n: results.responses, eligible: results.eligible, share: percent(results.turnout || 0) }) },
  h('span', { class: 'survey__turnout-fill' }));
  setFill(turnout, results.turnout || 0);
  const summary = card(h('h1', { class: 'survey__title', 'data-user-content': '', text: survey.title }),
    results.live ? h('p', { class: 'pill pill--warn', text: st('sv.results.live') }) : null,
    h('p', { text: st('sv.results.turnout', { n: results.responses, eligible: results.eligible, share: percent(results.turnout || 0) }) }), turnout);
  return { title: st('sv.results.title'), back: `/surveys/${survey.id}`, node: h('div', { class: 'surveys survey-results' },
    summary, results.questions.map((q) => questionResult(q, !!state.user))) };
}

export const ROUTES = routeTable(registerSurveyRoutes);
