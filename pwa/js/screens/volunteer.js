// Volunteering (志愿服务) for residents: upcoming activities with places left, sign-up / cancel,
// waitlist position, check-in with the code (typed or from the QR link), my hours, certificate, skills.
import { api } from '../api.js';
import { formatNumber } from '../i18n.js';
import { maybeAskForPush } from './notifications-push.js';
import { navigate } from '../router.js';
import {
  button, card, clear, confirmSheet, emptyState, errorText, field, formError, h, linkButton, pill, showErrors,
  toast, withLoading
} from '../ui.js';
import { communityName, myCommunityName, requireUser, shareButton } from './common.js';
import { addToCalendarLink, subscribeCalendarButton } from './calendar-links.js';
import { currentMembership, state } from '../store.js';
import { at, community, gate, helpSwitch, hoursText, prepare, span, when } from './aid-common.js';
import { flagButton } from './moderation-links.js';
import { registerOrganiserScreens } from './volunteer-admin.js';

const CHECKIN_EARLY_MS = 30 * 60 * 1000;

function placesText(shift) {
  if (shift.places_left > 0) return at('shift.placesLeft', { left: shift.places_left, capacity: shift.capacity });
  return at('shift.full', { waiting: shift.waitlist_count });
}

function mySignupPill(signup) {
  if (!signup) return null;
  if (signup.status === 'confirmed') return pill(signup.checked_in_at ? at('signup.checkedIn') : at('signup.confirmed'), 'ok');
  return pill(at('signup.waitlisted', { position: signup.position }), 'warn');
}

export function activityCard(activity) {
  return h('a', { class: 'card aid-card', href: `/help/activities/${activity.id}`, dataset: { activityId: activity.id } },
    h('div', { class: 'aid-card__head' }, pill(activity.organisation ? activity.organisation.name : at('activity.project')),
      ...activity.shifts.map((s) => mySignupPill(s.my_signup)).filter(Boolean).slice(0, 1)),
    h('h3', { class: 'aid-card__title', text: activity.title }),
    h('p', { class: 'aid-meta' }, h('span', { text: when(activity.starts_at) }), h('span', { text: activity.location })),
    h('p', { class: 'aid-meta secondary' }, h('span', { text: activity.shifts.map(placesText).join(' · ') })));
}

async function activities(ctx) {
  await prepare();
  const c = community();
  if (!c) return { title: at('volunteer.title'), node: h('div', {}, helpSwitch('volunteer'), emptyState({ iconName: 'building', title: at('gate.noCommunity'), action: linkButton(at('gate.choose'), '/communities', { block: true }) })) };
  const data = await api.get(`/api/v1/communities/${c.id}/activities?limit=50`, { fresh: true });
  const subscribe = await subscribeCalendarButton(c.id, communityName(c));
  return {
    title: at('volunteer.title'),
    node: h('div', {}, helpSwitch('volunteer'),
      h('div', { class: 'aid-toolbar' },
        linkButton(at('volunteer.myHours'), '/help/volunteering', { variant: 'secondary' }),
        linkButton(at('org.mine'), '/help/organisations', { variant: 'secondary', class: 'secondary' })),
      h('div', { id: 'activity-list' }, data.items.length ? data.items.map(activityCard)
        : emptyState({ iconName: 'users', title: at('volunteer.empty'), body: at('volunteer.emptyBody') })),
      h('div', { class: 'calendar-subscribe-row' }, subscribe)),
  };
}

function shiftBlock(activity, shift, redraw, canSign) {
  const mine = shift.my_signup;
  const now = Date.now();
  const started = new Date(shift.starts_at).getTime() <= now;
  const checkinOpen = now >= new Date(shift.starts_at).getTime() - CHECKIN_EARLY_MS && now <= new Date(shift.ends_at).getTime();
  const actions = [];
  const run = (fn) => (e) => withLoading(e.currentTarget, async () => {
    try {
      await fn();
      await redraw();
    } catch (err) {
      toast(errorText(err, at('common.error')), { type: 'error' });
    }
  });
  if (!mine && !started && canSign) {
    actions.push(button(shift.places_left > 0 ? at('signup.signUp') : at('signup.joinWaitlist'), { class: 'shift-signup', onClick: run(async () => {
      const result = await api.post(`/api/v1/shifts/${shift.id}/signups`);
      toast(result.status === 'confirmed' ? at('signup.confirmedToast') : at('signup.waitlistedToast', { position: result.position }));
      maybeAskForPush('signup'); // reminders before the shift and promotion from the waitlist
    }) }));
  }
  if (mine && mine.status === 'confirmed' && !mine.checked_in_at && checkinOpen) {
    actions.push(linkButton(at('checkin.action'), `/help/checkin/${shift.id}`, { class: 'shift-checkin' }));
  }
  if (mine && !started) {
    actions.push(button(at('signup.cancel'), { variant: 'secondary', class: 'shift-cancel', onClick: async (e) => {
      if (!(await confirmSheet({ title: at('signup.cancelConfirm'), body: mine.status === 'confirmed' ? at('signup.cancelExplain') : null, confirmLabel: at('signup.cancel'), danger: true }))) return;
      run(() => api.del(`/api/v1/shifts/${shift.id}/signups/me`))(e);
    } }));
  }
  if (activity.can.manage) actions.push(linkButton(at('manage.action'), `/help/shifts/${shift.id}/manage?activity=${activity.id}`, { variant: 'ghost' }));
  return h('div', { class: 'shift', dataset: { shiftId: shift.id } },
    h('p', { class: 'shift__when', text: span(shift.starts_at, shift.ends_at) }),
    h('p', { class: `shift__places${shift.places_left > 0 ? '' : ' is-full'}`, text: placesText(shift) }),
    mine ? h('p', { class: 'shift__status', dataset: { status: mine.status } }, mySignupPill(mine),
      mine.hours ? h('span', { class: 'muted', text: ` ${hoursText(mine.hours)}` }) : null) : null,
    actions.length ? h('div', { class: 'shift__actions' }, actions) : null);
}

/** Why this person cannot sign up for a shift yet, and the next step (sign in, join, wait for verification). */
function signUpGate() {
  const m = community() && currentMembership();
  if (!state.user) return h('p', { class: 'notice' }, h('span', { text: at('activity.gateSignIn') }), ' ', h('a', { href: `/signin?next=${encodeURIComponent(location.pathname)}`, text: at('activity.gateSignInLink') }));
  if (!m) return h('p', { class: 'notice' }, h('span', { text: at('activity.gateJoin') }), ' ', h('a', { href: '/communities', text: at('gate.choose') }));
  return h('p', { class: 'notice', text: at(m.status === 'suspended' ? 'gate.suspendedBody' : 'activity.gatePending') });
}

/** The activity's point on a small map, drawn once its box is on the screen (Leaflet measures it); Leaflet is
 * loaded on demand, so the page is drawn first. A map that cannot load leaves the place's name alone. */
function drawPositionWhenShown(box, activity, tries = 0) {
  if (!box.isConnected) {
    if (tries < 100) requestAnimationFrame(() => drawPositionWhenShown(box, activity, tries + 1));
    return;
  }
  import('../map/activity-position.js').then(({ drawActivityPosition }) => drawActivityPosition(box, activity))
    .catch(() => box.remove());
}

async function activityDetail(ctx) {
  await prepare();
  const node = h('div', { id: 'activity-detail' });
  const draw = async () => {
    const activity = await api.get(`/api/v1/activities/${ctx.params.id}`, { fresh: true });
    // Only a public activity is in the calendar feed (a hidden one is seen by its managers alone).
    const addToCalendar = activity.is_hidden ? null : await addToCalendarLink('activity', activity.id);
    const position = activity.lat === null || activity.lat === undefined ? null : h('div', { class: 'activity-position' });
    if (position) drawPositionWhenShown(position, activity);
    const m = community();
    const canSign = m && gate('') === null;
    clear(node).append(...[
      card(h('div', { class: 'aid-card__head' }, activity.organisation
        ? h('a', { class: 'pill pill--link', href: `/help/organisations/${activity.organisation.id}`, 'data-user-content': '', text: activity.organisation.name })
        : pill(at('activity.project'))),
        h('h2', { class: 'card__title', text: activity.title }),
        activity.description ? h('p', { class: 'aid-response__msg', text: activity.description }) : null,
        h('dl', { class: 'kv' }, h('dt', { text: at('activity.location') }), h('dd', { text: activity.location }),
          activity.skills.length ? [h('dt', { text: at('activity.skills') }), h('dd', { text: activity.skills.join('、') })] : null),
        flagButton('activity', activity.id, { mine: activity.can.manage, hidden: activity.is_hidden })),
      shareButton({ kind: 'activity', title: activity.title, path: `/help/activities/${activity.id}`, community: myCommunityName(activity.community_id),
        lines: [activity.shifts.length ? span(activity.shifts[0].starts_at, activity.shifts[0].ends_at) : null, activity.location] }),
      position,
      addToCalendar,
      canSign ? null : signUpGate(),
      h('h3', { class: 'section__title', text: at('activity.shifts') }),
      ...activity.shifts.map((s) => shiftBlock(activity, s, draw, canSign))].filter(Boolean));
  };
  await draw();
  return { title: at('activity.title'), back: '/help/activities', node };
}

async function checkin(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const code = field({ name: 'code', label: at('checkin.code'), value: ctx.query.code || '', required: true, maxlength: 12, autocomplete: 'off', inputmode: 'latin', hint: at('checkin.hint') });
  code.input.classList.add('checkin-code');
  const errorEl = formError();
  const submit = button(at('checkin.submit'), { type: 'submit', block: true, id: 'checkin-submit' });
  const result = h('div', { id: 'checkin-result' });
  const form = h('form', { class: 'stack', novalidate: true }, code.el, errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      try {
        const signup = await api.post(`/api/v1/shifts/${ctx.params.sid}/checkin`, { code: code.input.value.trim() });
        form.hidden = true;
        clear(result).append(emptyState({ iconName: 'check', title: at('checkin.done'), body: at('checkin.hours', { hours: hoursText(signup.hours) }), action: linkButton(at('volunteer.myHours'), '/help/volunteering', { block: true }) }));
        result.dataset.status = 'checked-in';
      } catch (err) {
        // The server's field message for a wrong code is English-only ("wrong code"): say it in our words.
        if (String(err.code || '').endsWith('wrong_checkin_code')) err.fields = { code: [at('checkin.wrongCode')] };
        showErrors(err, { code }, errorEl);
      }
    });
  });
  return { title: at('checkin.title'), back: '/help/activities', node: h('div', {}, form, result) };
}

async function myVolunteering(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const [record, profile] = await Promise.all([api.get('/api/v1/me/volunteering?limit=50', { fresh: true }), api.get('/api/v1/me/volunteer-profile', { fresh: true })]);
  const skills = field({ name: 'skills', label: at('profile.skills'), value: profile.skills.join('，'), hint: at('profile.skillsHint'), maxlength: 400 });
  const availability = field({ name: 'availability', label: at('profile.availability'), value: profile.availability, maxlength: 200 });
  const errorEl = formError();
  const save = button(at('profile.save'), { type: 'submit', block: true, variant: 'secondary' });
  const form = h('form', { class: 'stack', novalidate: true }, skills.el, availability.el, errorEl, save);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(save, async () => {
      try {
        const list = skills.input.value.split(/[,，、;；\n]/).map((s) => s.trim()).filter(Boolean);
        await api.put('/api/v1/me/volunteer-profile', { skills: list, availability: availability.input.value.trim() });
        toast(at('profile.saved'));
      } catch (err) {
        showErrors(err, { skills, availability }, errorEl);
      }
    });
  });
  const c = community();
  const certificateHref = `/api/v1/me/volunteering/certificate${c ? `?community_id=${c.id}` : ''}`;
  return {
    title: at('volunteer.myHours'), back: '/help/activities',
    node: h('div', {},
      card(h('div', { class: 'aid-balance', id: 'my-hours' },
        h('div', {}, h('strong', { text: formatNumber(Number(record.total_hours), { maximumFractionDigits: 2 }) }), h('span', { class: 'small', text: at('record.hours') })),
        h('div', {}, h('strong', { text: String(record.shifts_done) }), h('span', { class: 'small', text: at('record.shifts') })),
        h('div', {}, h('strong', { text: String(record.activities_done) }), h('span', { class: 'small', text: at('record.activities') }))),
        h('a', { class: 'btn btn--primary btn--block', href: certificateHref, target: '_blank', rel: 'noopener', id: 'certificate-link', text: at('record.certificate') })),
      h('div', { class: 'section' }, h('h3', { class: 'section__title', text: at('record.signups') }),
        record.items.length ? record.items.map((s) => h('a', { class: 'card aid-card', href: `/help/activities/${s.activity.id}` },
          h('div', { class: 'aid-card__head' }, mySignupPill(s), s.hours ? pill(hoursText(s.hours)) : null),
          h('p', { class: 'aid-card__title', text: s.activity.title }),
          h('p', { class: 'aid-meta' }, h('span', { text: span(s.shift.starts_at, s.shift.ends_at) }), s.activity.organisation ? h('span', { text: s.activity.organisation }) : null)))
          : emptyState({ iconName: 'users', title: at('record.empty'), action: linkButton(at('volunteer.title'), '/help/activities', { variant: 'secondary' }) })),
      h('div', { class: 'section' }, h('h3', { class: 'section__title', text: at('profile.title') }), h('p', { class: 'muted small', text: at('profile.explain') }), card(form))),
  };
}

export function registerVolunteerScreens(route) {
  route('/help/activities', activities);
  route('/help/activities/:id', activityDetail);
  route('/help/checkin/:sid', checkin);
  route('/help/volunteering', myVolunteering);
  registerOrganiserScreens(route);
}

export { navigate };
