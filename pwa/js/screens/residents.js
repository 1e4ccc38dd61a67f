// Residents served in person (代办), for the committee and grid workers: the residents they registered, the form
// to register one (paper consent), a report filed for one (with the channel), and the invitation letters of a
// building as a print view (one page each: the code and its QR code). /takeover is the resident's side: the
// letter's code, their phone or e-mail and a password. Loaded on demand (LAZY_SCREENS in app.js).
import { api } from '../api.js';
import { bundle, formatDate } from '../i18n.js';
import { applyPrefs } from '../prefs.js';
import { navigate } from '../router.js';
import { currentMembership, refreshSession } from '../store.js';
import {
  button, emptyState, errorText, field, formError, h, linkButton, list, listItem, showErrors, skeleton, useStylesheet,
  withLoading,
} from '../ui.js';

const tr = bundle('residents');
const CHANNELS = ['phone', 'visit', 'walk_in', 'hotline'];

function isStaff() {
  const m = currentMembership();
  return !!m && m.status === 'verified' && (m.role === 'committee' || m.role === 'grid_worker');
}

function notStaff() {
  return { title: tr('res.title'), back: '/me', node: emptyState({ iconName: 'shield', title: tr('res.staffOnly'), body: tr('res.staffOnlyBody') }) };
}

function householdText(hh) {
  return hh ? tr('res.household', { building: hh.building, unit: hh.unit, room: hh.room }) : '';
}

async function listScreen(ctx) {
  await tr.ready();
  if (!isStaff()) return notStaff();
  useStylesheet('/css/residents.css');
  const cid = currentMembership().community.id;
  const building = ctx.query.building || '';
  const body = h('div', {}, skeleton(3));
  const filter = field({ name: 'building', label: tr('res.building'), value: building, inputmode: 'numeric', maxlength: 20 });
  const filterForm = h('form', { class: 'stack-form', novalidate: true }, filter.el,
    h('div', { class: 'res-actions' },
      button(tr('res.filter'), { type: 'submit', variant: 'secondary' }),
      linkButton(tr('res.printLetters'), `/committee/residents/letters${building ? `?building=${encodeURIComponent(building)}` : ''}`, { variant: 'ghost', iconName: 'share' })));
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = filter.input.value.trim();
    navigate(value ? `/committee/residents?building=${encodeURIComponent(value)}` : '/committee/residents', { replace: true });
  });
  const node = h('div', {},
    h('p', { class: 'muted secondary', text: tr('res.intro') }),
    linkButton(tr('res.register'), '/committee/residents/new', { block: true, iconName: 'plus' }),
    h('div', { class: 'section' }, filterForm), body);
  api.get(`/api/v1/communities/${cid}/residents${building ? `?building=${encodeURIComponent(building)}` : ''}`)
    .then(({ items }) => {
      if (!items.length) {
        body.replaceChildren(emptyState({ iconName: 'users', title: tr('res.none'), body: tr('res.noneBody') }));
        return;
      }
      body.replaceChildren(list(items.map((r) => listItem({
        href: `/committee/residents/${r.user.id}`, // what can be done for them (onbehalf.js)
        iconName: 'user',
        title: r.user.display_name,
        meta: [householdText(r.household), r.taken_over_at ? tr('res.takenOver') : tr('res.consentOn', { date: formatDate(r.consent_on) })].join(' · '),
      }))));
    })
    .catch((err) => body.replaceChildren(h('p', { class: 'form-error', text: errorText(err) })));
  return { title: tr('res.title'), back: '/me', node };
}

function registerScreen() {
  return tr.ready().then(() => {
    if (!isStaff()) return notStaff();
    const cid = currentMembership().community.id;
    const m = currentMembership();
    const name = field({ name: 'display_name', label: tr('res.name'), hint: tr('res.nameHint'), required: true, maxlength: 40 });
    const building = field({ name: 'building', label: tr('res.building'), required: true, maxlength: 20 });
    const unit = field({ name: 'unit', label: tr('res.unit'), required: true, maxlength: 20 });
    const room = field({ name: 'room', label: tr('res.room'), required: true, maxlength: 20 });
    const phone = field({ name: 'phone', label: tr('res.phone'), hint: tr('res.phoneHint'), type: 'tel', inputmode: 'numeric', maxlength: 11 });
    const consentDate = field({ name: 'consent_date', label: tr('res.consentDate'), type: 'date', value: new Date().toISOString().slice(0, 10) });
    const consentBox = h('input', { type: 'checkbox', id: 'consent-paper', name: 'consent_on_paper' });
    const consentErr = h('p', { class: 'field__error' });
    const consent = { el: h('div', { class: 'field' }, h('div', { class: 'check-row' }, consentBox, h('label', { for: 'consent-paper', text: tr('res.consent') })), consentErr),
      setError: (msg) => { consentErr.textContent = msg || ''; }, input: consentBox };
    const fields = { display_name: name, building, unit, room, phone, consent_date: consentDate, consent_on_paper: consent };
    const err = formError();
    const submit = button(tr('res.registerSubmit'), { type: 'submit', block: true });
    const form = h('form', { novalidate: true, class: 'stack-form' },
      h('p', { class: 'muted secondary', text: tr('res.registerIntro') }),
      err, name.el, building.el, unit.el, room.el, phone.el, consentDate.el, consent.el,
      h('div', { class: 'actions-bottom actions-bottom--static' }, submit));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      Object.values(fields).forEach((f) => f.setError(null));
      const body = {
        display_name: name.input.value.trim(), building: building.input.value.trim(), unit: unit.input.value.trim(),
        room: room.input.value.trim(), consent_on_paper: consentBox.checked,
      };
      if (phone.input.value.trim()) body.phone = phone.input.value.replace(/[\s-]/g, '');
      if (consentDate.input.value) body.consent_date = consentDate.input.value;
      if (m && m.role === 'grid_worker' && m.grid) body.grid_id = m.grid.id;
      const local = {};
      for (const key of ['display_name', 'building', 'unit', 'room']) if (!body[key]) local[key] = [tr('res.required')];
      if (!body.consent_on_paper) local.consent_on_paper = [tr('res.consentRequired')];
      if (Object.keys(local).length) { showErrors({ fields: local }, fields, null); return; }
      withLoading(submit, async () => {
        try {
          const made = await api.post(`/api/v1/communities/${cid}/residents`, body);
          navigate(`/committee/residents/${made.user.id}/report?new=1`, { replace: true });
        } catch (e2) {
          showErrors(e2.status ? e2 : { detail: tr('error.network') }, fields, err);
        }
      });
    });
    return { title: tr('res.register'), back: '/committee/residents', node: form };
  });
}

async function reportForScreen(ctx) {
  await tr.ready();
  if (!isStaff()) return notStaff();
  const cid = currentMembership().community.id;
  const residentId = Number(ctx.params.uid);
  const [residents, categories] = await Promise.all([
    api.get(`/api/v1/communities/${cid}/residents`),
    api.get(`/api/v1/communities/${cid}/report-categories`),
  ]);
  const resident = residents.items.find((r) => r.user.id === residentId);
  if (!resident) return { title: tr('res.title'), back: '/committee/residents', node: emptyState({ iconName: 'user', title: tr('res.notFound') }) };
  const category = field({ name: 'category', label: tr('res.category'), options: categories.items.map((c) => ({ value: c.key, label: c.label })) });
  const channel = field({ name: 'channel', label: tr('res.channel'), options: CHANNELS.map((c) => ({ value: c, label: tr(`res.channel.${c}`) })), value: 'visit' });
  const description = field({ name: 'description', label: tr('res.description'), multiline: true, required: true, maxlength: 2000 });
  const place = field({ name: 'location_text', label: tr('res.place'), value: householdText(resident.household), maxlength: 200 });
  const fields = { category, channel, description, location_text: place };
  const err = formError();
  const submit = button(tr('res.fileReport'), { type: 'submit', block: true });
  const letter = linkButton(tr('res.printOne'), `/committee/residents/letters?user=${residentId}`, { variant: 'ghost', iconName: 'share' });
  const form = h('form', { novalidate: true, class: 'stack-form' },
    ctx.query.new ? h('p', { class: 'card', role: 'status', text: tr('res.registered', { name: resident.user.display_name }) }) : null,
    h('p', { class: 'muted', text: tr('res.forWhom', { name: resident.user.display_name, household: householdText(resident.household) }) }),
    err, category.el, channel.el, description.el, place.el,
    h('div', { class: 'actions-bottom actions-bottom--static' }, submit),
    resident.taken_over_at ? null : h('p', { class: 'center' }, letter));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.values(fields).forEach((f) => f.setError(null));
    const body = {
      category: category.input.value, description: description.input.value.trim(), location_text: place.input.value.trim(),
      on_behalf_of: residentId, channel: channel.input.value,
    };
    if (!body.description) { description.setError(tr('res.required')); return; }
    withLoading(submit, async () => {
      try {
        const report = await api.post(`/api/v1/communities/${cid}/reports`, body);
        navigate(`/reports/${report.id}`);
      } catch (e2) {
        showErrors(e2.status ? e2 : { detail: tr('error.network') }, fields, err);
      }
    });
  });
  return { title: tr('res.reportFor'), back: '/committee/residents', node: form };
}

function letterPage(letter, communityName) {
  const qr = h('img', { class: 'letter__qr', alt: tr('res.qrAlt'), src: `data:image/svg+xml;base64,${btoa(letter.qr_svg)}` });
  return h('article', { class: 'letter' },
    h('h2', { class: 'letter__title', text: tr('res.letterTitle', { community: communityName }) }),
    h('p', { class: 'letter__to', text: `${letter.user.display_name} · ${householdText(letter.household)}` }),
    h('p', { text: tr('res.letterBody') }),
    h('div', { class: 'letter__code-row' }, qr,
      h('div', {}, h('p', { class: 'letter__label', text: tr('res.letterCode') }),
        h('p', { class: 'letter__code', text: letter.code.replace(/(.{5})/, '$1 ') }))),
    h('ol', { class: 'letter__steps' },
      h('li', { text: tr('res.letterStep1') }), h('li', { text: tr('res.letterStep2') }), h('li', { text: tr('res.letterStep3') })),
    h('p', { class: 'letter__small', text: tr('res.letterExpires', { date: formatDate(letter.letter_expires_at) }) }));
}

async function lettersScreen(ctx) {
  await tr.ready();
  if (!isStaff()) return notStaff();
  useStylesheet('/css/residents.css');
  const cid = currentMembership().community.id;
  const m = currentMembership();
  const building = field({ name: 'building', label: tr('res.building'), value: ctx.query.building || '', maxlength: 20 });
  const err = formError();
  const submit = button(tr('res.makeLetters'), { type: 'submit', block: true });
  const pages = h('div', { class: 'letters' });
  const printButton = button(tr('res.print'), { variant: 'secondary', block: true, iconName: 'share', onClick: () => window.print() });
  printButton.hidden = true;
  const form = h('form', { novalidate: true, class: 'stack-form no-print' },
    h('p', { class: 'muted', text: tr('res.lettersIntro') }), err, ctx.query.user ? null : building.el,
    h('div', { class: 'actions-bottom actions-bottom--static' }, submit), printButton);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = ctx.query.user ? { user_ids: [Number(ctx.query.user)] } : { building: building.input.value.trim() };
    if (!ctx.query.user && !body.building) { building.setError(tr('res.required')); return; }
    withLoading(submit, async () => {
      try {
        const { letters } = await api.post(`/api/v1/communities/${cid}/residents/letters`, body);
        pages.replaceChildren(...(letters.length ? letters.map((l) => letterPage(l, m.community.name)) : [emptyState({ iconName: 'check', title: tr('res.noLetters') })]));
        printButton.hidden = !letters.length;
      } catch (e2) {
        showErrors(e2.status ? e2 : { detail: tr('error.network') }, { building }, err);
      }
    });
  });
  return { title: tr('res.printLetters'), back: '/committee/residents', node: h('div', {}, form, pages) };
}

async function takeOverScreen(ctx) {
  await tr.ready();
  const code = field({ name: 'code', label: tr('res.letterCode'), value: ctx.query.code || '', autocomplete: 'one-time-code', maxlength: 20, required: true });
  const login = field({ name: 'login', label: tr('res.login'), hint: tr('res.loginHint'), autocomplete: 'username', required: true });
  const password = field({ name: 'password', label: tr('res.password'), type: 'password', autocomplete: 'new-password', hint: tr('auth.passwordHint'), required: true, minlength: 10 });
  const fields = { code, login, password };
  const err = formError();
  const submit = button(tr('res.takeOver'), { type: 'submit', block: true });
  const form = h('form', { novalidate: true, class: 'stack-form' },
    h('p', { class: 'muted', text: tr('res.takeOverIntro') }), err, code.el, login.el, password.el,
    h('div', { class: 'actions-bottom actions-bottom--static' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.values(fields).forEach((f) => f.setError(null));
    const body = { code: code.input.value.replace(/\s/g, ''), login: login.input.value.trim(), password: password.input.value };
    const local = {};
    if (!body.code) local.code = [tr('res.required')];
    if (!body.login) local.login = [tr('res.required')];
    if (body.password.length < 10) local.password = [tr('auth.passwordShort')];
    if (Object.keys(local).length) { showErrors({ fields: local }, fields, null); return; }
    withLoading(submit, async () => {
      try {
        await api.post('/api/v1/residents/takeover', body);
        const user = await refreshSession({ clearCache: true });
        await applyPrefs(user);
        navigate('/', { replace: true });
      } catch (e2) {
        if (e2.status === 404) { code.setError(e2.detail || tr('res.badCode')); code.input.focus(); return; }
        if (e2.status === 429) { err.textContent = tr('res.tooMany'); err.focus(); return; }
        showErrors(e2.status ? e2 : { detail: tr('error.network') }, fields, err);
      }
    });
  });
  return { title: tr('res.takeOverTitle'), back: '/signin', node: form };
}

/** The screens, loaded when one opens (LAZY_SCREENS in app.js). */
export const ROUTES = {
  '/committee/residents': listScreen,
  '/committee/residents/new': registerScreen,
  '/committee/residents/letters': lettersScreen,
  '/committee/residents/:uid/report': reportForScreen,
  '/takeover': takeOverScreen,
};
