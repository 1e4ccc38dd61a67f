// Organisation admins: register an organisation, create an activity with shifts, a shift's sign-up list
// and attendance, the check-in code (with QR), hours corrections, and recruitment by skills.
import { api } from '../api.js';
import { navigate } from '../router.js';
import { button, card, clear, emptyState, field, formError, h, linkButton, openSheet, pill, showErrors, toast, withLoading } from '../ui.js';
import { requireUser } from './common.js';
import { at, community, gate, hoursText, isoToLocalInput, localInputToIso, prepare, span } from './aid-common.js';
import { qrSvg } from './aid-qr.js';

async function myOrganisations(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const blocked = gate(at('org.mine'), '/help/activities');
  if (blocked) return blocked;
  const orgs = await api.get('/api/v1/me/organisations', { fresh: true });
  const name = field({ name: 'name', label: at('org.name'), required: true, maxlength: 100 });
  const kind = field({ name: 'kind', label: at('org.kind'), value: 'volunteer_group', options: ['volunteer_group', 'social_organisation', 'enterprise'].map((k) => ({ value: k, label: at(`org.kind.${k}`) })) });
  const description = field({ name: 'description', label: at('org.description'), multiline: true, maxlength: 2000 });
  const errorEl = formError();
  const submit = button(at('org.create'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack', novalidate: true }, name.el, kind.el, description.el, errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      try {
        await api.post(`/api/v1/communities/${community().id}/organisations`, { name: name.input.value.trim(), kind: kind.input.value, description: description.input.value.trim() });
        toast(at('org.created'));
        navigate('/help/organisations', { replace: true });
      } catch (err) {
        showErrors(err, { name, kind, description }, errorEl);
      }
    });
  });
  return {
    title: at('org.mine'), back: '/help/activities',
    node: h('div', {},
      orgs.length ? orgs.map((o) => card(
        h('div', { class: 'aid-card__head' }, pill(at(`org.status.${o.status}`), o.status === 'verified' ? 'ok' : 'warn')),
        h('h3', { class: 'card__title', text: o.name }),
        o.status === 'verified'
          ? h('div', { class: 'stack' }, linkButton(at('org.newActivity'), `/help/organisations/${o.id}/activities/new`, { block: true }),
            linkButton(at('recruit.title'), `/help/organisations/${o.id}/recruitment`, { variant: 'secondary', block: true }))
          : h('p', { class: 'muted', text: at('org.pendingExplain') })))
        : emptyState({ iconName: 'users', title: at('org.none') }),
      h('div', { class: 'section' }, h('h3', { class: 'section__title', text: at('org.register') }), card(form))),
  };
}

function shiftRow(index) {
  const start = new Date(Date.now() + (index + 1) * 24 * 3600 * 1000);
  start.setMinutes(0, 0, 0);
  const starts = field({ name: `starts_at_${index}`, label: at('shift.starts'), type: 'datetime-local', required: true, value: isoToLocalInput(start) });
  const ends = field({ name: `ends_at_${index}`, label: at('shift.ends'), type: 'datetime-local', required: true, value: isoToLocalInput(new Date(start.getTime() + 2 * 3600 * 1000)) });
  const capacity = field({ name: `capacity_${index}`, label: at('shift.capacity'), type: 'number', inputmode: 'numeric', min: '1', max: '1000', value: '5', required: true });
  const el = h('fieldset', { class: 'shift-row' }, h('legend', { text: at('shift.number', { n: index + 1 }) }), starts.el, ends.el, capacity.el);
  return { el, read: () => ({ starts_at: localInputToIso(starts.input.value), ends_at: localInputToIso(ends.input.value), capacity: Number(capacity.input.value) }) };
}

/** The activity's place on the map (optional): the report form's pin, loaded when asked for. */
function activityPlace(cid) {
  const point = { lat: null, lng: null };
  const box = h('div', { id: 'activity-pin' });
  const open = button(at('activity.placeOnMap'), { variant: 'secondary', small: true, id: 'activity-place-on-map', onClick: async () => {
    open.hidden = true;
    try {
      const { pinPicker } = await import('../map/pin-picker.js');
      await pinPicker(box, { cid, purpose: 'activity',
        onPlace: (lat, lng) => { point.lat = lat; point.lng = lng; },
        onClear: () => { point.lat = null; point.lng = null; } });
    } catch {
      open.hidden = false; // the map could not load: the place's name is enough
    }
  } });
  const el = h('div', { class: 'field' }, h('span', { class: 'field__label', text: at('activity.mapPlace') }), open, box,
    h('p', { class: 'field__hint', text: at('activity.mapPlaceHint') }));
  return { el, point: () => (point.lat === null || !cid ? {} : { lat: point.lat, lng: point.lng }) };
}

async function newActivity(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const oid = ctx.params.oid;
  const title = field({ name: 'title', label: at('activity.titleLabel'), required: true, maxlength: 100 });
  const description = field({ name: 'description', label: at('activity.description'), multiline: true, maxlength: 4000 });
  const location = field({ name: 'location', label: at('activity.location'), required: true, maxlength: 200 });
  const skills = field({ name: 'skills', label: at('activity.skills'), hint: at('profile.skillsHint'), maxlength: 300 });
  const place = activityPlace(community() && community().id);
  const rows = [shiftRow(0)];
  const rowsEl = h('div', { class: 'stack' }, rows[0].el);
  const addRow = button(at('shift.add'), { id: 'activity-add-shift', variant: 'secondary', iconName: 'plus', onClick: () => { const row = shiftRow(rows.length); rows.push(row); rowsEl.append(row.el); } });
  const errorEl = formError();
  const submit = button(at('activity.publish'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack', novalidate: true }, title.el, description.el, location.el, place.el, skills.el,
    h('h3', { class: 'section__title', text: at('activity.shifts') }), rowsEl, addRow, errorEl, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      try {
        const activity = await api.post(`/api/v1/organisations/${oid}/activities`, {
          title: title.input.value.trim(), description: description.input.value.trim(), location: location.input.value.trim(),
          skills: skills.input.value.split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean), shifts: rows.map((r) => r.read()),
          ...place.point(),
        });
        toast(at('activity.published'));
        navigate(`/help/activities/${activity.id}`, { replace: true });
      } catch (err) {
        showErrors(err, { title, description, location, skills }, errorEl);
      }
    });
  });
  return { title: at('org.newActivity'), back: '/help/organisations', node: form };
}

function correctHours(signup, onDone) {
  openSheet({
    title: at('hours.correctTitle', { name: signup.user.display_name }),
    content: (close) => {
      const hours = field({ name: 'hours', label: at('hours.value'), type: 'number', inputmode: 'decimal', min: '0', max: '24', step: '0.25', value: signup.hours ?? '', required: true });
      const reason = field({ name: 'reason', label: at('hours.reason'), required: true, maxlength: 200, hint: at('hours.reasonHint') });
      const errorEl = formError();
      const save = button(at('hours.save'), { type: 'submit', block: true });
      const form = h('form', { class: 'stack', novalidate: true }, hours.el, reason.el, errorEl, save);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        withLoading(save, async () => {
          try {
            await api.patch(`/api/v1/signups/${signup.id}/hours`, { hours: Number(hours.input.value), reason: reason.input.value.trim() });
            close();
            onDone();
          } catch (err) {
            showErrors(err, { hours, reason }, errorEl);
          }
        });
      });
      return form;
    },
  });
}

async function manageShift(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const sid = ctx.params.sid;
  const [codeInfo] = await Promise.all([api.get(`/api/v1/shifts/${sid}/checkin-code`, { fresh: true })]);
  const link = `${location.origin}/help/checkin/${sid}?code=${codeInfo.code}`;
  const listEl = h('div', { id: 'signup-list' });
  const drawList = async () => {
    const data = await api.get(`/api/v1/shifts/${sid}/signups?limit=100`, { fresh: true });
    const confirmed = data.items.filter((s) => s.status === 'confirmed');
    const present = confirmed.filter((s) => s.checked_in_at).length;
    clear(listEl).append(
      h('p', { class: 'muted', text: at('manage.attendance', { present, confirmed: confirmed.length, waiting: data.items.length - confirmed.length }) }),
      data.items.length ? card(...data.items.map((s) => h('div', { class: 'signup-row', dataset: { signupId: s.id, status: s.status } },
        h('span', { class: 'signup-row__name', text: s.user.display_name }),
        s.entered_by_id ? pill(at('signup.onBehalf')) : null, // 代办: staff signed the resident up in person
        s.status === 'confirmed' ? pill(s.checked_in_at ? at('signup.checkedIn') : at('signup.confirmed'), s.checked_in_at ? 'ok' : null) : pill(at('signup.waitlisted', { position: s.position }), 'warn'),
        s.hours !== null && s.hours !== undefined ? h('span', { class: 'signup-row__hours', title: s.hours_reason || '', text: hoursText(s.hours) }) : null,
        s.status === 'confirmed' ? button(at('hours.correct'), { variant: 'ghost', small: true, onClick: () => correctHours(s, drawList) }) : null)))
        : emptyState({ iconName: 'users', title: at('manage.none') }));
  };
  await drawList();
  return {
    title: at('manage.title'), back: ctx.query.activity ? `/help/activities/${ctx.query.activity}` : '/help/activities',
    node: h('div', {},
      card(h('h3', { class: 'card__title', text: at('manage.codeTitle') }),
        h('p', { class: 'checkin-code', id: 'checkin-code', text: codeInfo.code }),
        h('div', { class: 'checkin-qr' }, qrSvg(link, { label: at('manage.qrLabel', { code: codeInfo.code }) })),
        h('p', { class: 'muted small', text: at('manage.window', { window: span(codeInfo.opens_at, codeInfo.closes_at) }) })),
      h('h3', { class: 'section__title', text: at('manage.signups') }), listEl),
  };
}

async function recruitment(ctx) {
  await prepare();
  if (!requireUser(ctx)) return null;
  const oid = ctx.params.oid;
  const page = await api.get(`/api/v1/organisations/${oid}/activities?limit=50`, { fresh: true });
  const upcoming = page.items.filter((a) => new Date(a.ends_at) > new Date());
  if (!upcoming.length) return { title: at('recruit.title'), back: '/help/organisations', node: emptyState({ iconName: 'users', title: at('recruit.noActivity') }) };
  const activity = field({ name: 'activity_id', label: at('recruit.activity'), options: upcoming.map((a) => ({ value: a.id, label: a.title })) });
  const skills = field({ name: 'skills', label: at('activity.skills'), value: upcoming[0].skills.join('，'), hint: at('profile.skillsHint') });
  const countEl = h('p', { class: 'aid-quote', id: 'recruit-count', text: at('recruit.countHint') });
  const list = () => skills.input.value.split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean);
  const errorEl = formError();
  const countButton = button(at('recruit.count'), { variant: 'secondary', block: true, onClick: (e) => withLoading(e.currentTarget, async () => {
    try {
      const data = await api.get(`/api/v1/organisations/${oid}/recruitment?skills=${encodeURIComponent(list().join(','))}`, { fresh: true });
      countEl.textContent = at('recruit.countResult', { count: data.count });
    } catch (err) {
      showErrors(err, { skills }, errorEl);
    }
  }) });
  const send = button(at('recruit.send'), { type: 'submit', block: true });
  const form = h('form', { class: 'stack', novalidate: true }, activity.el, skills.el, countButton, countEl, h('p', { class: 'muted small', text: at('recruit.explain') }), errorEl, send);
  activity.input.addEventListener('change', () => { skills.input.value = (upcoming.find((a) => String(a.id) === activity.input.value) || {}).skills.join('，'); });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    withLoading(send, async () => {
      try {
        const result = await api.post(`/api/v1/organisations/${oid}/recruitment`, { activity_id: Number(activity.input.value), skills: list() });
        toast(at('recruit.sent', { count: result.recipient_count }));
      } catch (err) {
        showErrors(err, { skills }, errorEl);
      }
    });
  });
  return { title: at('recruit.title'), back: '/help/organisations', node: card(form) };
}

export function registerOrganiserScreens(route) {
  route('/help/organisations', myOrganisations);
  route('/help/organisations/:oid/activities/new', newActivity);
  route('/help/organisations/:oid/recruitment', recruitment);
  route('/help/shifts/:sid/manage', manageShift);
}
