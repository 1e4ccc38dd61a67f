// Meetings and hearings (议事会、听证会): the list (upcoming, past), a meeting's page (agenda, RSVP with the waitlist
// place, my own check-in code, check-in on the day, minutes and decisions, a hearing's comments), and for the
// committee the meeting form, the door screen (the check-in code as a QR code, checking people in by their own
// code) and the minutes (a decision per item, answers to hearing comments, a poll from a decision).
import { api } from '../api.js';
import { bundle, formatDateTime, formatTimeRange, t } from '../i18n.js';
import { icon } from '../icons.js';
import { navigate, routeTable } from '../router.js';
import { currentMembership, isCommittee, state } from '../store.js';
import {
  button, card, clear, emptyState, errorText, field, formError, h, linkButton, openSheet, pill, showErrors, toast,
  useStylesheet, withLoading,
} from '../ui.js';
import { qrSvg } from './aid-qr.js';
import { civicTabs, requireUser } from './common.js';

const mt = bundle('meetings');
const STATUS_KIND = { draft: 'warn', published: 'ok', under_way: 'ok', ended: null, held: null, minuted: null, cancelled: 'danger' };
const LINK_PAGES = { project: '/projects/{id}', report: '/reports/{id}', poll: '/polls/{id}', survey: '/surveys/{id}' };

function registerMeetingRoutes(route) {
  route('/meetings', meetingList);
  route('/meetings/new', meetingForm);
  route('/meetings/:id', meetingPage);
  route('/meetings/:id/edit', meetingForm);
  route('/meetings/:id/checkin', checkinScreen);
  route('/meetings/:id/minutes', minutesEditor);
}

async function prepare() {
  useStylesheet('/css/meetings.css');
  await mt.ready();
}

// A published meeting that has begun is under way, then over (until its minutes come out).
function shownStatus(m) {
  if (m.status !== 'published' && m.status !== 'held') return m.status;
  const now = Date.now();
  if (now < new Date(m.starts_at).getTime()) return 'published';
  return now < new Date(m.ends_at).getTime() ? 'under_way' : 'ended';
}
const statusPill = (m) => pill(mt(`mt.status.${shownStatus(m)}`), STATUS_KIND[shownStatus(m)]);
const kindPill = (m) => pill(mt(`mt.kind.${m.kind}`), m.kind === 'hearing' ? 'warn' : null);
const when = (m) => formatTimeRange(m.starts_at, m.ends_at);
const places = (m) => (m.capacity ? mt('mt.places', { going: m.going_count, capacity: m.capacity })
  : mt('mt.placesOpen', { going: m.going_count }));

function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
const isoOf = (value) => (value ? new Date(value).toISOString() : null);

/* ---------- list ---------- */

function rsvpPill(m) {
  if (!m.my_rsvp) return null;
  return m.my_rsvp.status === 'going' ? pill(mt('mt.rsvp.going'), 'ok') : pill(mt('mt.rsvp.waiting', { n: m.my_rsvp.position }), 'warn');
}

function meetingItem(m) {
  return h('li', { dataset: { status: m.status, kind: m.kind } },
    h('a', { class: 'list-item meeting-item', href: `/meetings/${m.id}` },
      icon('calendar'),
      h('span', { class: 'list-item__body' },
        h('span', { class: 'list-item__title', 'data-user-content': '', text: m.title }),
        h('span', { class: 'list-item__meta row' }, kindPill(m), statusPill(m), rsvpPill(m)),
        h('span', { class: 'list-item__meta', text: `${when(m)} · ${m.location}` })),
      h('span', { class: 'list-item__chev' }, icon('chevron'))));
}

async function meetingList() {
  await prepare();
  const membership = currentMembership();
  const cid = membership && membership.community.id;
  if (!cid) {
    return { title: mt('mt.list.title'), node: h('div', {}, civicTabs('meetings'), emptyState({ iconName: 'calendar', title: mt('mt.list.noCommunity'),
      action: linkButton(t('community.choose'), '/communities', { block: true }) })) };
  }
  const [upcoming, past] = await Promise.all(['upcoming', 'past'].map((w) =>
    api.get(`/api/v1/communities/${cid}/meetings?when=${w}&limit=50`, { fresh: true })));
  const section = (key, page) => (page.items.length ? h('section', { class: 'section', id: `meetings-${key}` },
    h('h3', { class: 'section__title', text: mt(`mt.section.${key}`) }),
    h('ul', { class: 'list' }, page.items.map(meetingItem))) : null);
  const empty = !upcoming.items.length && !past.items.length;
  return { title: mt('mt.list.title'), node: h('div', { class: 'meetings' },
    civicTabs('meetings'),
    h('p', { class: 'muted secondary', text: mt('mt.list.intro') }),
    isCommittee() ? h('p', {}, linkButton(mt('mt.list.new'), '/meetings/new', { iconName: 'plus', block: true })) : null,
    section('upcoming', upcoming), section('past', past),
    empty ? emptyState({ iconName: 'calendar', title: mt('mt.list.empty'), body: mt('mt.list.emptyBody') }) : null) };
}

/* ---------- a meeting's page ---------- */

function linkChip(link) {
  if (!link) return null;
  return h('a', { class: 'meeting-link', href: LINK_PAGES[link.kind].replace('{id}', link.id) },
    h('span', { class: 'meeting-link__kind', text: mt(`mt.link.${link.kind}`) }),
    h('span', { 'data-user-content': '', text: link.title }));
}

function agendaCard(m) {
  const showDecisions = ['held', 'minuted'].includes(m.status);
  return card(h('h2', { class: 'card__title', text: mt('mt.agenda') }),
    m.agenda.length ? h('ol', { class: 'meeting-agenda' }, m.agenda.map((item) => h('li', { class: 'meeting-agenda__item', dataset: { itemId: item.id } },
      h('p', { class: 'meeting-agenda__title', 'data-user-content': '', text: item.title }),
      item.description ? h('p', { class: 'muted', 'data-user-content': '', text: item.description }) : null,
      linkChip(item.link),
      showDecisions && item.decision ? h('div', { class: 'meeting-decision' },
        h('p', { class: 'meeting-decision__label', text: mt('mt.decision') }),
        h('p', { 'data-user-content': '', text: item.decision }),
        item.comment_ids.length ? h('p', { class: 'muted small', text: mt('mt.answersComments', { n: item.comment_ids.length }) }) : null,
        item.poll_id ? h('a', { href: `/polls/${item.poll_id}`, text: mt('mt.pollOpened') }) : null,
        // the ledger is the staff's: residents read that a task was opened, the committee opens it
        item.task_id ? (isCommittee() ? h('a', { href: `/tasks/${item.task_id}`, text: mt('mt.taskOpened') })
          : h('p', { class: 'muted small', text: mt('mt.taskOpened') })) : null) : null)))
      : h('p', { class: 'muted', text: mt('mt.noAgenda') }));
}

async function act(el, promise, message) {
  return withLoading(el, async () => {
    try {
      await promise();
      if (message) toast(message);
      navigate(location.pathname, { replace: true });
    } catch (err) {
      toast(errorText(err), { type: 'error' });
    }
  });
}

function rsvpCard(m) {
  const base = `/api/v1/meetings/${m.id}`;
  const rows = [h('p', { class: 'meeting-places', text: places(m) }),
    m.waitlist_count ? h('p', { class: 'muted', text: mt('mt.waitlist', { n: m.waitlist_count }) }) : null];
  const mine = m.my_rsvp;
  if (mine) {
    rows.push(mine.status === 'going'
      ? h('p', { class: 'meeting-mine meeting-mine--going', text: mine.checked_in_at ? mt('mt.rsvp.checkedIn') : mt('mt.rsvp.youGo') })
      : h('p', { class: 'meeting-mine meeting-mine--waiting', text: mt('mt.rsvp.youWait', { n: mine.position }) }));
    if (mine.status === 'going' && !mine.checked_in_at) {
      rows.push(h('div', { class: 'meeting-own-code' },
        h('p', { class: 'muted small', text: mt('mt.ownCode') }),
        h('p', { class: 'meeting-code', id: 'my-attendee-code', text: mine.attendee_code })));
    }
  }
  if (m.can.rsvp) rows.push(button(mt('mt.rsvp.button'), { block: true, iconName: 'check', onClick: (e) => act(e.currentTarget, () => api.post(`${base}/rsvp`), mt('mt.rsvp.done')) }));
  else if (!state.user && m.status === 'published') rows.push(linkButton(mt('mt.rsvp.signIn'), `/signin?next=/meetings/${m.id}`, { block: true }));
  if (m.can.cancel_rsvp) rows.push(button(mt('mt.rsvp.cancel'), { variant: 'ghost', block: true, onClick: (e) => act(e.currentTarget, () => api.del(`${base}/rsvp`), mt('mt.rsvp.cancelled')) }));
  if (m.can.check_in) rows.push(checkinForm(m));
  return card(h('h2', { class: 'card__title', text: mt('mt.attend') }), ...rows);
}

function checkinForm(m, prefilled = '') {
  const code = field({ name: 'code', label: mt('mt.checkin.code'), value: prefilled, autocomplete: 'off', maxlength: '12', hint: mt('mt.checkin.hint') });
  const errorEl = formError();
  const submit = button(mt('mt.checkin.button'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack meeting-checkin', novalidate: true }, code.el, errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      try {
        await api.post(`/api/v1/meetings/${m.id}/checkin`, { code: code.input.value });
        toast(mt('mt.checkin.done'));
        navigate(`/meetings/${m.id}`, { replace: true });
      } catch (err) {
        showErrors(err, { code }, errorEl);
      }
    });
  });
  return form;
}

async function hearingCard(m) {
  const page = await api.get(`/api/v1/meetings/${m.id}/hearing-comments?limit=100`, { fresh: true });
  const period = mt('mt.hearing.period', { start: formatDateTime(m.comments_open_at), end: formatDateTime(m.comments_close_at) });
  const comments = page.items.map((c) => h('li', { class: 'hearing-comment', dataset: { commentId: c.id } },
    h('p', { class: 'hearing-comment__author', text: c.author_name || mt('mt.hearing.someone') }),
    h('p', { 'data-user-content': '', text: c.body }),
    c.answer ? h('div', { class: 'hearing-comment__answer' },
      h('p', { class: 'meeting-decision__label', text: mt('mt.hearing.answer') }),
      h('p', { 'data-user-content': '', text: c.answer })) : null));
  let form = null;
  if (m.can.comment) {
    const body = field({ name: 'body', label: mt('mt.hearing.yours'), multiline: true, maxlength: '2000', hint: mt('mt.hearing.hint') });
    const errorEl = formError();
    const submit = button(mt('mt.hearing.send'), { type: 'submit', block: true });
    form = h('form', { class: 'stack', novalidate: true }, body.el, errorEl, submit);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      withLoading(submit, async () => {
        try {
          await api.post(`/api/v1/meetings/${m.id}/hearing-comments`, { body: body.input.value });
          toast(mt('mt.hearing.sent'));
          navigate(`/meetings/${m.id}`, { replace: true });
        } catch (err) {
          showErrors(err, { body }, errorEl);
        }
      });
    });
  }
  return card(h('h2', { class: 'card__title', text: mt('mt.hearing.title') }),
    h('p', { class: m.comments_open ? 'meeting-period meeting-period--open' : 'muted', text: m.comments_open ? mt('mt.hearing.open', { end: formatDateTime(m.comments_close_at) }) : period }),
    comments.length ? h('ul', { class: 'hearing-comments' }, comments) : h('p', { class: 'muted', text: mt('mt.hearing.none') }),
    form);
}

function committeeCard(m) {
  const base = `/api/v1/meetings/${m.id}`;
  const actions = [
    m.can.publish ? button(mt('mt.manage.publish'), { block: true, onClick: (e) => act(e.currentTarget, () => api.post(`${base}/publish`), mt('mt.manage.published')) }) : null,
    m.can.edit ? linkButton(mt('mt.manage.edit'), `/meetings/${m.id}/edit`, { variant: 'secondary', block: true }) : null,
    ['published', 'held'].includes(m.status) ? linkButton(mt('mt.manage.door'), `/meetings/${m.id}/checkin`, { variant: 'secondary', block: true, iconName: 'check' }) : null,
    m.can.write_minutes || m.status === 'held' ? linkButton(mt('mt.manage.minutes'), `/meetings/${m.id}/minutes`, { variant: 'secondary', block: true }) : null,
    m.status === 'minuted' && m.agenda.some((item) => item.decision) ? linkButton(mt('mt.manage.followUp'), `/meetings/${m.id}/minutes`, { variant: 'secondary', block: true }) : null,
    m.can.cancel ? button(mt('mt.manage.cancel'), { variant: 'ghost', block: true, onClick: (e) => cancelMeeting(e.currentTarget, m) }) : null,
  ].filter(Boolean);
  return actions.length ? card(h('h2', { class: 'card__title', text: mt('mt.manage.title') }), h('div', { class: 'stack' }, actions)) : null;
}

function cancelMeeting(el, m) {
  const reason = field({ name: 'reason', label: mt('mt.manage.reason'), maxlength: '300' });
  const confirmButton = button(mt('mt.manage.cancelConfirm'), { variant: 'danger', block: true });
  const sheet = openSheet({ title: mt('mt.manage.cancel'), content: h('div', { class: 'stack' }, reason.el, confirmButton) });
  confirmButton.addEventListener('click', () => act(confirmButton, async () => {
    await api.post(`/api/v1/meetings/${m.id}/cancel`, { reason: reason.input.value });
    sheet.close();
  }, mt('mt.manage.cancelled')));
  return el;
}

async function meetingPage(ctx) {
  await prepare();
  const m = await api.get(`/api/v1/meetings/${ctx.params.id}`, { fresh: true });
  const header = card(
    h('p', { class: 'row' }, kindPill(m), statusPill(m)),
    h('h1', { class: 'meeting__title', 'data-user-content': '', text: m.title }),
    h('p', { class: 'meeting__when' }, icon('calendar'), h('span', { text: when(m) })),
    h('p', { class: 'meeting__where' }, icon('building'), h('span', { 'data-user-content': '', text: m.location })),
    m.description ? h('p', { 'data-user-content': '', text: m.description }) : null,
    m.status === 'cancelled' ? h('p', { class: 'meeting-cancelled', text: m.cancel_reason ? mt('mt.cancelledBecause', { reason: m.cancel_reason }) : mt('mt.cancelledNote') }) : null,
    h('a', { class: 'meeting-ics', href: `/api/v1/calendar/meeting/${m.id}.ics`, download: `meeting-${m.id}.ics`, text: mt('mt.addToCalendar') }));
  const minutes = m.status === 'minuted' && m.minutes_summary
    ? card(h('h2', { class: 'card__title', text: mt('mt.minutes') }), h('p', { 'data-user-content': '', text: m.minutes_summary })) : null;
  return { title: mt(`mt.kind.${m.kind}`), back: '/meetings', node: h('div', { class: 'meetings meeting-page' },
    header,
    isCommittee() ? committeeCard(m) : null,
    ['published', 'held'].includes(m.status) ? rsvpCard(m) : null,
    minutes,
    agendaCard(m),
    m.kind === 'hearing' && m.status !== 'draft' ? await hearingCard(m) : null) };
}

/* ---------- the committee: the meeting form ---------- */

const LINK_KINDS = Object.keys(LINK_PAGES);
const LINK_LISTS = { project: 'projects', report: 'reports', poll: 'polls', survey: 'surveys' };

/** A line a committee member recognises one of the community's things by (reports have no title: their
 * category and the start of the description). */
function linkTitle(kind, thing) {
  if (kind !== 'report') return thing.title;
  const words = (thing.description || '').slice(0, 40);
  return `#${thing.id} ${thing.category_label || ''} · ${words}`;
}

/** The newest 50 of one kind in the community (the list endpoints the screens already use): a select on a phone
 * beats typing a search word. */
async function linkChoices(cid, kind) {
  const page = await api.get(`/api/v1/communities/${cid}/${LINK_LISTS[kind]}?limit=50`, { fresh: true });
  return page.items.map((thing) => ({ value: String(thing.id), label: linkTitle(kind, thing) }));
}

/** An agenda row's link: the linked item's kind and title with "remove link", or "link to…" opening a picker
 * (kind, then one of that kind). */
function agendaLinkPicker(cid, initial) {
  let link = initial ? { kind: initial.kind, id: initial.id, title: initial.title } : null;
  const el = h('div', { class: 'meeting-link-picker' });
  const render = () => {
    clear(el);
    if (link) {
      el.append(h('p', { class: 'meeting-link-picker__chosen' },
        h('span', { class: 'meeting-link__kind', text: mt(`mt.link.${link.kind}`) }),
        h('span', { 'data-user-content': '', text: link.title || mt('mt.form.linkHidden') })),
      button(mt('mt.form.unlink'), { variant: 'ghost', small: true, onClick: () => { link = null; render(); } }));
      return;
    }
    el.append(button(mt('mt.form.linkTo'), { variant: 'ghost', small: true, onClick: openPanel }));
  };
  const openPanel = () => {
    clear(el);
    const kind = field({ name: 'link_kind', label: mt('mt.form.linkKind'), value: '',
      options: [{ value: '', label: mt('mt.form.chooseKind') }, ...LINK_KINDS.map((k) => ({ value: k, label: mt(`mt.link.${k}`) }))] });
    const itemSlot = h('div');
    let chosen = null;
    kind.input.addEventListener('change', async () => {
      clear(itemSlot);
      chosen = null;
      const k = kind.input.value;
      if (!k) return;
      itemSlot.append(h('p', { class: 'muted small', text: mt('mt.form.linkLoading') }));
      try {
        const options = await linkChoices(cid, k);
        if (kind.input.value !== k) return; // the kind changed while this list loaded
        clear(itemSlot);
        if (!options.length) { itemSlot.append(h('p', { class: 'muted small', text: mt('mt.form.linkNone') })); return; }
        chosen = field({ name: 'link_id', label: mt('mt.form.linkItem'), options, value: options[0].value });
        chosen.kind = k;
        chosen.options = options;
        itemSlot.append(chosen.el);
      } catch (err) {
        clear(itemSlot);
        itemSlot.append(h('p', { class: 'form-error', role: 'alert', text: errorText(err) }));
      }
    });
    const confirm = button(mt('mt.form.linkConfirm'), { variant: 'secondary', small: true, onClick: () => {
      if (!chosen) { kind.input.focus(); return; }
      const picked = chosen.options.find((o) => o.value === chosen.input.value);
      link = { kind: chosen.kind, id: Number(picked.value), title: picked.label };
      render();
    } });
    const cancel = button(mt('mt.form.linkCancel'), { variant: 'ghost', small: true, onClick: render });
    el.append(h('div', { class: 'meeting-link-picker__panel stack' }, kind.el, itemSlot, h('div', { class: 'meeting-link-picker__actions' }, confirm, cancel)));
  };
  render();
  return { el, value: () => link };
}

/** The agenda: a title per item, each with its optional link; an item's description is kept as it was. */
function agendaEditor(cid, items) {
  const listEl = h('ol', { class: 'meeting-agenda-editor' });
  const rows = [];
  const addRow = (item = { title: '' }) => {
    const input = h('input', { class: 'input', name: 'agenda', maxlength: '200', value: item.title, 'aria-label': mt('mt.form.itemLabel') });
    const picker = agendaLinkPicker(cid, item.link || (item.link_kind ? { kind: item.link_kind, id: item.link_id, title: '' } : null));
    const entry = { input, picker, description: item.description || '' };
    const remove = button(mt('mt.form.removeItem'), { variant: 'ghost', small: true, onClick: () => { row.remove(); rows.splice(rows.indexOf(entry), 1); } });
    const row = h('li', { class: 'meeting-agenda-editor__item' }, h('div', { class: 'meeting-agenda-editor__row' }, input, remove), picker.el);
    rows.push(entry);
    listEl.append(row);
  };
  (items.length ? items : [{ title: '' }]).forEach((item) => addRow(item));
  const add = button(mt('mt.form.addItem'), { variant: 'secondary', small: true, iconName: 'plus', onClick: () => addRow() });
  const values = () => rows.filter((r) => r.input.value.trim()).map((r) => {
    const link = r.picker.value();
    return { title: r.input.value.trim(), ...(r.description ? { description: r.description } : {}),
      ...(link ? { link_kind: link.kind, link_id: link.id } : {}) };
  });
  return { el: h('fieldset', { class: 'stack' }, h('legend', { text: mt('mt.form.agenda') }), listEl, add), values };
}

async function meetingForm(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const editing = ctx.params.id ? await api.get(`/api/v1/meetings/${ctx.params.id}`, { fresh: true }) : null;
  const membership = currentMembership();
  if (!membership || !isCommittee()) return { title: mt('mt.form.title'), back: '/meetings', node: emptyState({ iconName: 'shield', title: mt('mt.form.committeeOnly') }) };
  const start = editing ? new Date(editing.starts_at) : new Date(Date.now() + 7 * 864e5);
  if (!editing) start.setHours(19, 0, 0, 0);
  const end = editing ? new Date(editing.ends_at) : new Date(start.getTime() + 2 * 36e5);
  const f = {
    kind: field({ name: 'kind', label: mt('mt.form.kind'), value: editing ? editing.kind : 'meeting', disabled: editing ? true : null,
      options: ['meeting', 'hearing'].map((k) => ({ value: k, label: mt(`mt.kind.${k}`) })) }),
    title: field({ name: 'title', label: mt('mt.form.name'), value: editing ? editing.title : '', required: true, maxlength: '120' }),
    description: field({ name: 'description', label: mt('mt.form.description'), value: editing ? editing.description : '', multiline: true, maxlength: '5000' }),
    location: field({ name: 'location', label: mt('mt.form.location'), value: editing ? editing.location : '', required: true, maxlength: '200' }),
    starts_at: field({ name: 'starts_at', label: mt('mt.form.start'), type: 'datetime-local', value: localInput(start) }),
    ends_at: field({ name: 'ends_at', label: mt('mt.form.end'), type: 'datetime-local', value: localInput(end) }),
    capacity: field({ name: 'capacity', label: mt('mt.form.capacity'), type: 'number', inputmode: 'numeric', min: '1', max: '10000',
      value: editing && editing.capacity ? String(editing.capacity) : '', hint: mt('mt.form.capacityHint') }),
    comments_open_at: field({ name: 'comments_open_at', label: mt('mt.form.commentsOpen'), type: 'datetime-local',
      value: localInput(editing && editing.comments_open_at ? new Date(editing.comments_open_at) : new Date()) }),
    comments_close_at: field({ name: 'comments_close_at', label: mt('mt.form.commentsClose'), type: 'datetime-local',
      value: localInput(editing && editing.comments_close_at ? new Date(editing.comments_close_at) : new Date(start.getTime() - 864e5)) }),
  };
  const agenda = agendaEditor(membership.community.id, editing ? editing.agenda : []);
  const hearingFields = h('div', { class: 'stack' }, h('p', { class: 'muted small', text: mt('mt.form.periodHint') }), f.comments_open_at.el, f.comments_close_at.el);
  const showPeriod = () => { hearingFields.hidden = f.kind.input.value !== 'hearing'; };
  f.kind.input.addEventListener('change', showPeriod);
  showPeriod();
  const errorEl = formError();
  const submit = button(editing ? mt('mt.form.save') : mt('mt.form.create'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack meeting-form', novalidate: true },
    f.kind.el, f.title.el, f.description.el, f.location.el, f.starts_at.el, f.ends_at.el, f.capacity.el, hearingFields, agenda.el, errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      const hearing = f.kind.input.value === 'hearing';
      const body = {
        title: f.title.input.value, description: f.description.input.value, location: f.location.input.value,
        starts_at: isoOf(f.starts_at.input.value), ends_at: isoOf(f.ends_at.input.value),
        capacity: f.capacity.input.value ? Number(f.capacity.input.value) : null,
        comments_open_at: hearing ? isoOf(f.comments_open_at.input.value) : null,
        comments_close_at: hearing ? isoOf(f.comments_close_at.input.value) : null,
        agenda: agenda.values(),
      };
      try {
        const saved = editing ? await api.patch(`/api/v1/meetings/${editing.id}`, body)
          : await api.post(`/api/v1/communities/${membership.community.id}/meetings`, { kind: f.kind.input.value, ...body });
        toast(editing ? mt('mt.form.saved') : mt('mt.form.created'));
        navigate(`/meetings/${saved.id}`);
      } catch (err) {
        showErrors(err, f, errorEl);
      }
    });
  });
  return { title: editing ? mt('mt.form.editTitle') : mt('mt.form.title'), back: editing ? `/meetings/${editing.id}` : '/meetings', node: h('div', { class: 'meetings' }, form) };
}

/* ---------- check-in at the door ---------- */

async function checkinScreen(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const m = await api.get(`/api/v1/meetings/${ctx.params.id}`, { fresh: true });
  if (!isCommittee()) {
    // A resident who scanned the QR code at the door: the code is in the link.
    return { title: mt('mt.checkin.title'), back: `/meetings/${m.id}`, node: h('div', { class: 'meetings' },
      card(h('h1', { class: 'meeting__title', 'data-user-content': '', text: m.title }),
        m.can.check_in ? checkinForm(m, ctx.query.code || '') : h('p', { class: 'muted', text: m.my_rsvp && m.my_rsvp.checked_in_at ? mt('mt.rsvp.checkedIn') : mt('mt.checkin.notNow') }))) };
  }
  const info = await api.get(`/api/v1/meetings/${m.id}/checkin-code`, { fresh: true });
  const link = `${location.origin}/meetings/${m.id}/checkin?code=${info.code}`;
  const listEl = h('div', { id: 'attendees' });
  const drawList = async () => {
    const page = await api.get(`/api/v1/meetings/${m.id}/attendees?limit=100`, { fresh: true });
    const going = page.items.filter((a) => a.status === 'going');
    clear(listEl).append(
      h('p', { class: 'muted', text: mt('mt.door.count', { present: going.filter((a) => a.checked_in_at).length, going: going.length }) }),
      page.items.length ? h('ul', { class: 'meeting-attendees' }, page.items.map((a) => h('li', { class: 'meeting-attendee', dataset: { status: a.status } },
        h('span', { 'data-user-content': '', text: a.display_name || '' }),
        a.status === 'waitlisted' ? pill(mt('mt.rsvp.waiting', { n: a.position }), 'warn')
          : pill(a.checked_in_at ? mt('mt.door.in') : mt('mt.door.notYet'), a.checked_in_at ? 'ok' : null))))
        : emptyState({ iconName: 'users', title: mt('mt.door.none') }));
  };
  const own = field({ name: 'attendee_code', label: mt('mt.door.ownCode'), autocomplete: 'off', maxlength: '12', hint: mt('mt.door.ownHint') });
  const errorEl = formError();
  const submit = button(mt('mt.door.checkIn'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack', novalidate: true }, own.el, errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      try {
        const done = await api.post(`/api/v1/meetings/${m.id}/checkin`, { attendee_code: own.input.value });
        toast(mt('mt.door.welcome', { name: done.display_name || '' }));
        own.input.value = '';
        await drawList();
      } catch (err) {
        showErrors(err, { attendee_code: own }, errorEl);
      }
    });
  });
  await drawList();
  return { title: mt('mt.door.title'), back: `/meetings/${m.id}`, node: h('div', { class: 'meetings meeting-door' },
    card(h('h2', { class: 'card__title', text: mt('mt.door.codeTitle') }),
      h('p', { class: 'meeting-code meeting-code--large', id: 'meeting-checkin-code', text: info.code }),
      h('div', { class: 'meeting-qr' }, qrSvg(link, { label: mt('mt.door.qrLabel', { code: info.code }) })),
      h('p', { class: 'muted small', text: mt('mt.door.window', { start: formatDateTime(info.opens_at), end: formatDateTime(info.closes_at) }) })),
    card(h('h2', { class: 'card__title', text: mt('mt.door.byOwnCode') }), form),
    h('h3', { class: 'section__title', text: mt('mt.door.attendees') }), listEl) };
}

/* ---------- minutes ---------- */

function pollSheet(m, item) {
  const now = new Date();
  const opens = field({ name: 'opens_at', label: mt('mt.poll.opens'), type: 'datetime-local', value: localInput(new Date(now.getTime() + 36e5)) });
  const closes = field({ name: 'closes_at', label: mt('mt.poll.closes'), type: 'datetime-local', value: localInput(new Date(now.getTime() + 8 * 864e5)) });
  const errorEl = formError();
  const go = button(mt('mt.poll.open'), { block: true });
  const sheet = openSheet({ title: mt('mt.poll.title', { item: item.title }), content: h('div', { class: 'stack' }, h('p', { class: 'muted', text: mt('mt.poll.explain') }), opens.el, closes.el, errorEl, go) });
  go.addEventListener('click', () => withLoading(go, async () => {
    try {
      const made = await api.post(`/api/v1/meetings/${m.id}/decisions/poll`, { item_id: item.id, opens_at: isoOf(opens.input.value), closes_at: isoOf(closes.input.value) });
      sheet.close();
      toast(mt('mt.poll.done'));
      navigate(`/polls/${made.poll_id}`);
    } catch (err) {
      showErrors(err, { opens_at: opens, closes_at: closes }, errorEl);
    }
  }));
}

const STAFF_ROLES = ['committee', 'grid_worker'];
const inDays = (n) => localInput(new Date(Date.now() + n * 864e5)).slice(0, 10);

/** Who may own a task from a decision: the community's staff (committee, grid workers), from the members list. */
async function staffOptions(cid) {
  const roles = STAFF_ROLES.map((role) => `role=${role}`).join('&');  // the staff only, not the first page of everyone
  const members = await api.get(`/api/v1/communities/${cid}/members?status=verified&${roles}&limit=100`, { fresh: true });
  return members.items.filter((item) => STAFF_ROLES.includes(item.role))
    .map((item) => ({ value: String(item.user.id), label: `${item.user.display_name} · ${mt(`mt.role.${item.role}`)}` }));
}

/** "Make it a task" (转为任务): one step from a decision to a task in the ledger, an owner and a due date. */
async function taskSheet(m, item, slot) {
  let options;
  try {
    options = await staffOptions(m.community_id);
  } catch (err) {
    toast(errorText(err), { type: 'error' });
    return;
  }
  const title = field({ name: 'title', label: mt('mt.task.name'), value: item.title, maxlength: '120' });
  const owner = options.length ? field({ name: 'owner_id', label: mt('mt.task.owner'), options, value: options[0].value }) : null;
  const due = field({ name: 'due_on', label: mt('mt.task.due'), type: 'date', value: inDays(7), min: inDays(0) });
  const errorEl = formError();
  const go = button(mt('mt.task.open'), { block: true, disabled: owner ? null : true });
  const sheet = openSheet({ title: mt('mt.task.title', { item: item.title }), content: h('div', { class: 'stack' },
    h('p', { class: 'muted', text: mt('mt.task.explain') }), title.el,
    owner ? owner.el : h('p', { class: 'form-error', text: mt('mt.task.noStaff') }), due.el, errorEl, go) });
  go.addEventListener('click', () => withLoading(go, async () => {
    try {
      const made = await api.post(`/api/v1/meetings/${m.id}/decisions/task`, {
        item_id: item.id, owner_id: Number(owner.input.value), due_on: due.input.value, title: title.input.value.trim() || null });
      sheet.close();
      toast(mt('mt.task.done'));
      item.task_id = made.task_id;
      clear(slot);
      slot.append(h('a', { class: 'meeting-task-link', href: `/tasks/${made.task_id}`, text: mt('mt.taskOpened') }));
    } catch (err) {
      showErrors(err, { title, owner_id: owner, due_on: due }, errorEl);
    }
  }));
}

/** Under a decision in the minutes: a poll from it, a task from it, or links to what they opened. */
function decisionActions(m, item) {
  const taskSlot = h('div', { class: 'meeting-task-slot' },
    item.task_id ? h('a', { class: 'meeting-task-link', href: `/tasks/${item.task_id}`, text: mt('mt.taskOpened') })
      : item.decision ? button(mt('mt.task.fromDecision'), { variant: 'secondary', small: true, onClick: (e) => withLoading(e.currentTarget, () => taskSheet(m, item, taskSlot)) }) : null);
  return [
    item.decision && !item.poll_id ? button(mt('mt.poll.fromDecision'), { variant: 'secondary', small: true, onClick: () => pollSheet(m, item) }) : null,
    item.poll_id ? h('a', { href: `/polls/${item.poll_id}`, text: mt('mt.pollOpened') }) : null,
    taskSlot,
  ];
}

/** Once the minutes are published their words are final, but a decision may still open a poll or a task. */
function followUpCard(m) {
  const decided = m.agenda.filter((item) => item.decision);
  if (!decided.length) return null;
  return card(h('h2', { class: 'card__title', text: mt('mt.manage.followUp') }),
    ...decided.map((item) => h('div', { class: 'meeting-minutes-item', dataset: { itemId: item.id } },
      h('p', { class: 'meeting-agenda__title', 'data-user-content': '', text: item.title }), ...decisionActions(m, item))));
}

async function minutesEditor(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const m = await api.get(`/api/v1/meetings/${ctx.params.id}`, { fresh: true });
  const comments = m.kind === 'hearing' ? (await api.get(`/api/v1/meetings/${m.id}/hearing-comments?limit=100`, { fresh: true })).items : [];
  const summary = field({ name: 'summary', label: mt('mt.minutes.summary'), value: m.minutes_summary, multiline: true, maxlength: '10000' });
  const decisions = m.agenda.map((item) => ({ item, f: field({ name: `decision-${item.id}`, label: mt('mt.minutes.decisionFor', { item: item.title }), value: item.decision, multiline: true, maxlength: '5000' }) }));
  const answers = comments.map((c) => ({
    c,
    answer: field({ name: `answer-${c.id}`, label: mt('mt.minutes.answerTo', { name: c.author_name || mt('mt.hearing.someone') }), value: c.answer, multiline: true, maxlength: '2000', hint: c.body }),
    item: field({ name: `item-${c.id}`, label: mt('mt.minutes.answeredBy'), value: c.item_id ? String(c.item_id) : '',
      options: [{ value: '', label: mt('mt.minutes.noItem') }, ...m.agenda.map((item) => ({ value: String(item.id), label: item.title }))] }),
  }));
  const errorEl = formError();
  const save = button(mt('mt.minutes.save'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack', novalidate: true }, summary.el,
    h('h3', { class: 'section__title', text: mt('mt.agenda') }),
    ...decisions.map(({ item, f }) => h('div', { class: 'meeting-minutes-item' }, f.el, ...decisionActions(m, item))),
    answers.length ? h('h3', { class: 'section__title', text: mt('mt.minutes.comments') }) : null,
    ...answers.map(({ answer, item }) => h('div', { class: 'meeting-minutes-item' }, answer.el, item.el)),
    errorEl, save);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(save, async () => {
      const chosen = (itemId) => answers.filter((a) => a.item.input.value === String(itemId)).map((a) => a.c.id);
      const body = {
        summary: summary.input.value,
        items: decisions.map(({ item, f }) => ({ item_id: item.id, decision: f.input.value, ...(m.kind === 'hearing' ? { comment_ids: chosen(item.id) } : {}) })),
        answers: answers.map(({ c, answer }) => ({ comment_id: c.id, answer: answer.input.value })),
      };
      try {
        await api.put(`/api/v1/meetings/${m.id}/minutes`, body);
        toast(mt('mt.minutes.saved'));
        navigate(`/meetings/${m.id}/minutes`, { replace: true });
      } catch (err) {
        showErrors(err, { summary }, errorEl);
      }
    });
  });
  const publish = m.can.publish_minutes ? button(mt('mt.minutes.publish'), { variant: 'secondary', block: true,
    onClick: (e) => withLoading(e.currentTarget, async () => {
      try {
        await api.post(`/api/v1/meetings/${m.id}/minutes/publish`);
        toast(mt('mt.minutes.published'));
        navigate(`/meetings/${m.id}`);
      } catch (err) {
        toast(errorText(err), { type: 'error' });
      }
    }) }) : null;
  const locked = m.status === 'minuted';
  return { title: mt('mt.minutes'), back: `/meetings/${m.id}`, node: h('div', { class: 'meetings meeting-minutes' },
    h('h1', { class: 'meeting__title', 'data-user-content': '', text: m.title }),
    locked ? h('p', { class: 'muted', text: mt('mt.minutes.locked') }) : h('p', { class: 'muted small', text: mt('mt.minutes.explain') }),
    locked ? agendaCard(m) : form, locked ? followUpCard(m) : publish) };
}

export const ROUTES = routeTable(registerMeetingRoutes);
