// Acting for a resident (代办, issue 18), for the committee and grid workers, from the resident's row on
// /committee/residents: what can be done for them (file a report, ask for or offer aid, sign up for a shift,
// support a project, print their letter), and the forms. The server runs each action as the resident (every rule
// of the domain applies to them) and records who entered it; the items say so on their own pages.
// Loaded on demand (LAZY_SCREENS in app.js).
import { api } from '../api.js';
import { bundle, formatDateTime } from '../i18n.js';
import { navigate, routeTable } from '../router.js';
import { currentMembership } from '../store.js';
import {
  button, card, confirmSheet, emptyState, errorText, field, formError, h, list, listItem, pill, showErrors, skeleton,
  toast, useStylesheet, withLoading,
} from '../ui.js';

const tr = bundle('onbehalf');
const ar = bundle('aid');
const CHANNELS = ['visit', 'phone', 'walk_in', 'hotline'];
const AID_CATEGORIES = ['errands', 'elderly_companionship', 'childcare', 'repairs', 'lending', 'tutoring', 'health_escort', 'emotional_support', 'other'];

function isStaff() {
  const m = currentMembership();
  return !!m && m.status === 'verified' && (m.role === 'committee' || m.role === 'grid_worker');
}

function householdText(hh) {
  return hh ? tr('ob.household', { building: hh.building, unit: hh.unit, room: hh.room }) : '';
}

/** The resident as the staff member's list has them, or a screen that says why not. */
async function loadResident(ctx) {
  useStylesheet('/css/onbehalf.css');
  await Promise.all([tr.ready(), ar.ready()]);
  if (!isStaff()) {
    return { screen: { title: tr('ob.title'), back: '/me', node: emptyState({ iconName: 'shield', title: tr('ob.staffOnly') }) } };
  }
  const cid = currentMembership().community.id;
  const uid = Number(ctx.params.uid);
  const residents = await api.get(`/api/v1/communities/${cid}/residents`, { fresh: true });
  const resident = residents.items.find((r) => r.user.id === uid);
  if (!resident) {
    return { screen: { title: tr('ob.title'), back: '/committee/residents', node: emptyState({ iconName: 'user', title: tr('ob.notFound') }) } };
  }
  return { cid, resident };
}

function forWhom(resident) {
  return h('p', { class: 'muted', text: tr('ob.forWhom', { name: resident.user.display_name, household: householdText(resident.household) }) });
}

function channelField() {
  return field({ name: 'channel', label: tr('ob.channel'), value: 'visit', options: CHANNELS.map((c) => ({ value: c, label: tr(`ob.channel.${c}`) })) });
}

/* ---------- what can be done for them ---------- */

async function hub(ctx) {
  const { screen, resident } = await loadResident(ctx);
  if (screen) return screen;
  const uid = resident.user.id;
  const base = `/committee/residents/${uid}`;
  const node = h('div', {},
    card(h('h2', { class: 'card__title', text: resident.user.display_name }),
      h('p', { class: 'muted', text: householdText(resident.household) }),
      h('p', { class: 'small', text: tr('ob.hubIntro') })),
    list([
      listItem({ href: `${base}/report`, iconName: 'camera', title: tr('ob.report'), meta: tr('ob.reportMeta') }),
      listItem({ href: `${base}/aid`, iconName: 'help', title: tr('ob.aid'), meta: tr('ob.aidMeta') }),
      listItem({ href: `${base}/shift`, iconName: 'clock', title: tr('ob.shift'), meta: tr('ob.shiftMeta') }),
      listItem({ href: `${base}/support`, iconName: 'vote', title: tr('ob.support'), meta: tr('ob.supportMeta') }),
      listItem({ href: `/committee/residents/letters?user=${uid}`, iconName: 'share', title: tr('ob.letter'), meta: tr('ob.letterMeta') }),
    ]));
  return { title: tr('ob.title'), back: '/committee/residents', node };
}

/* ---------- ask for or offer aid ---------- */

async function aidForm(ctx) {
  const { screen, cid, resident } = await loadResident(ctx);
  if (screen) return screen;
  const kind = field({ name: 'kind', label: ar('post.kind'), value: 'request', options: [{ value: 'request', label: ar('kind.request') }, { value: 'offer', label: ar('kind.offer') }] });
  const category = field({ name: 'category', label: ar('post.category'), value: 'errands', options: AID_CATEGORIES.map((c) => ({ value: c, label: ar(`category.${c}`) })) });
  const title = field({ name: 'title', label: ar('post.titleLabel'), required: true, maxlength: 100, placeholder: tr('ob.aidTitlePlaceholder') });
  const body = field({ name: 'body', label: ar('post.body'), multiline: true, maxlength: 2000 });
  const channel = channelField();
  const atHome = h('input', { type: 'checkbox', name: 'at_home', id: 'ob-at-home' });
  const fields = { kind, category, title, body, channel };
  const error = formError();
  const submit = button(tr('ob.aidSubmit'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack-form', novalidate: true }, forWhom(resident), error,
    kind.el, category.el, title.el, body.el, channel.el,
    h('label', { class: 'switch-row', for: 'ob-at-home' }, h('span', { text: tr('ob.atHome') }), atHome),
    h('p', { class: 'notice', role: 'note', text: tr('ob.aidNote') }),
    h('div', { class: 'actions-bottom actions-bottom--static' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.values(fields).forEach((f) => f.setError(null));
    if (title.input.value.trim().length < 2) { title.setError(tr('ob.titleTooShort')); return; }
    withLoading(submit, async () => {
      try {
        const post = await api.post(`/api/v1/communities/${cid}/aid`, {
          kind: kind.input.value, category: category.input.value, title: title.input.value.trim(),
          body: body.input.value.trim(), at_home: atHome.checked, on_behalf_of: resident.user.id, channel: channel.input.value,
        });
        toast(tr('ob.aidDone', { name: resident.user.display_name }));
        navigate(`/help/aid/${post.id}`);
      } catch (err) {
        showErrors(err.status ? err : { detail: errorText(err) }, fields, error);
      }
    });
  });
  return { title: tr('ob.aid'), back: `/committee/residents/${resident.user.id}`, node: form };
}

/* ---------- sign up for a shift ---------- */

async function shiftList(ctx) {
  const { screen, cid, resident } = await loadResident(ctx);
  if (screen) return screen;
  const body = h('div', {}, skeleton(3));
  const node = h('div', {}, forWhom(resident), h('p', { class: 'small', text: tr('ob.shiftIntro') }), body);
  const draw = async () => {
    const activities = await api.get(`/api/v1/communities/${cid}/activities`, { fresh: true });
    const now = Date.now();
    const rows = [];
    for (const activity of activities.items) {
      for (const shift of activity.shifts || []) {
        if (new Date(shift.starts_at).getTime() <= now) continue; // a shift already started takes nobody new
        const full = shift.places_left <= 0;
        rows.push(h('li', { class: 'ob-shift', dataset: { shift: String(shift.id) } },
          h('div', { class: 'ob-shift__text' },
            h('p', { class: 'ob-shift__title', 'data-user-content': '', text: activity.title }),
            h('p', { class: 'muted small', text: `${formatDateTime(shift.starts_at)} · ${activity.location || ''}` }),
            pill(full ? tr('ob.shiftFull', { n: shift.waitlist_count }) : tr('ob.shiftPlaces', { n: shift.places_left }), full ? 'warn' : 'ok')),
          h('div', { class: 'ob-shift__actions' }, button(full ? tr('ob.shiftWaitlist') : tr('ob.shiftSignUp'), { variant: 'secondary', small: true, class: 'ob-shift__go', onClick: async (e) => {
            const go = e.currentTarget; // null once the event is over: kept for after the sheet
            const ok = await confirmSheet({ title: tr('ob.shiftConfirm', { name: resident.user.display_name }), body: `${activity.title} · ${formatDateTime(shift.starts_at)}`, confirmLabel: tr('ob.shiftSignUp') });
            if (!ok) return;
            await withLoading(go, async () => {
              try {
                const signup = await api.post(`/api/v1/shifts/${shift.id}/signups`, { on_behalf_of: resident.user.id });
                toast(signup.status === 'waitlisted' ? tr('ob.shiftWaitlisted', { name: resident.user.display_name }) : tr('ob.shiftDone', { name: resident.user.display_name }));
                await draw();
              } catch (err) {
                toast(errorText(err), { type: 'error' });
              }
            });
          } }), cancelButton(activity, shift, resident, draw))));
      }
    }
    body.replaceChildren(rows.length ? h('ul', { class: 'list ob-shifts' }, rows) : emptyState({ iconName: 'clock', title: tr('ob.noShifts') }));
  };
  draw().catch((err) => body.replaceChildren(h('p', { class: 'form-error', text: errorText(err) })));
  return { title: tr('ob.shift'), back: `/committee/residents/${resident.user.id}`, node };
}

/** "Cancel their sign-up": at the resident's word. Staff are not shown the resident's sign-ups; a shift they are not
 * signed up for says so (404) and nothing changes. A confirmed place passes to the first person waiting. */
function cancelButton(activity, shift, resident, redraw) {
  const name = resident.user.display_name;
  return button(tr('ob.cancelGo'), { variant: 'ghost', small: true, class: 'ob-withdraw', onClick: async (e) => {
    const go = e.currentTarget;
    const ok = await confirmSheet({ title: tr('ob.cancelConfirm', { name }), body: `${activity.title} · ${formatDateTime(shift.starts_at)}`, confirmLabel: tr('ob.cancelGo') });
    if (!ok) return;
    await withLoading(go, async () => {
      try {
        await api.del(`/api/v1/shifts/${shift.id}/signups/me?on_behalf_of=${resident.user.id}`);
        toast(tr('ob.cancelDone', { name }));
        await redraw();
      } catch (err) {
        toast(err.status === 404 ? tr('ob.cancelNone', { name }) : errorText(err), { type: 'error' });
      }
    });
  } });
}

/* ---------- support a project ---------- */

async function supportList(ctx) {
  const { screen, cid, resident } = await loadResident(ctx);
  if (screen) return screen;
  const body = h('div', {}, skeleton(3));
  const node = h('div', {}, forWhom(resident), h('p', { class: 'small', text: tr('ob.supportIntro') }), body);
  const page = await api.get(`/api/v1/communities/${cid}/projects?status=submitted&limit=50`, { fresh: true });
  const rows = page.items.filter((p) => p.author.id !== resident.user.id).map((project) => h('li', { class: 'ob-shift', dataset: { project: String(project.id) } },
    h('div', { class: 'ob-shift__text' },
      h('a', { class: 'ob-shift__title', href: `/projects/${project.id}`, 'data-user-content': '', text: project.title }),
      h('p', { class: 'muted small', text: tr('ob.supports', { n: project.supports_count, goal: project.support_threshold }) })),
    h('div', { class: 'ob-shift__actions' },
      button(tr('ob.supportGo'), { variant: 'secondary', small: true, class: 'ob-shift__go', onClick: async (e) => {
        const go = e.currentTarget; // null once the event is over: kept for after the sheet
        const ok = await confirmSheet({ title: tr('ob.supportConfirm', { name: resident.user.display_name }), body: project.title, confirmLabel: tr('ob.supportGo') });
        if (!ok) return;
        await withLoading(go, async () => {
          try {
            await api.post(`/api/v1/projects/${project.id}/supports`, { on_behalf_of: resident.user.id });
            toast(tr('ob.supportDone', { name: resident.user.display_name }));
            navigate(`/projects/${project.id}`);
          } catch (err) {
            toast(err.code === 'project.already_supported' ? tr('ob.supportedAlready', { name: resident.user.display_name }) : errorText(err), { type: 'error' });
          }
        });
      } }),
      withdrawButton(project, resident))));
  body.replaceChildren(rows.length ? h('ul', { class: 'list ob-shifts' }, rows) : emptyState({ iconName: 'vote', title: tr('ob.noProjects') }));
  return { title: tr('ob.support'), back: `/committee/residents/${resident.user.id}`, node };
}

/** "Take their support back": at the resident's word (they asked in person or by phone). Staff are not shown whom the
 * resident supports; a project they never supported says so (409 project.not_supported) and nothing changes. */
function withdrawButton(project, resident) {
  const name = resident.user.display_name;
  return button(tr('ob.withdrawGo'), { variant: 'ghost', small: true, class: 'ob-withdraw', onClick: async (e) => {
    const go = e.currentTarget;
    const ok = await confirmSheet({ title: tr('ob.withdrawConfirm', { name }), body: project.title, confirmLabel: tr('ob.withdrawGo') });
    if (!ok) return;
    await withLoading(go, async () => {
      try {
        await api.del(`/api/v1/projects/${project.id}/supports?on_behalf_of=${resident.user.id}`);
        toast(tr('ob.withdrawDone', { name }));
        navigate(`/projects/${project.id}`);
      } catch (err) {
        toast(err.code === 'project.not_supported' ? tr('ob.withdrawNone', { name }) : errorText(err), { type: 'error' });
      }
    });
  } });
}

export const ROUTES = routeTable((route) => {
  route('/committee/residents/:uid', hub);
  route('/committee/residents/:uid/aid', aidForm);
  route('/committee/residents/:uid/shift', shiftList);
  route('/committee/residents/:uid/support', supportList);
});
