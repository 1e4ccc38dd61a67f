// Platform admin: the district → street → community hierarchy, communities (create, edit, move to another
// street), their grids (drawn on a simple map canvas or uploaded as GeoJSON) and the first committee member.
// Loaded on demand (app.js lazy routes): residents never download it.
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { navigate } from '../router.js';
import { state } from '../store.js';
import {
  button, card, confirmSheet, emptyState, errorText, field, formError, h, linkButton, list, listItem, pill, showErrors,
  skeleton, toast, useStylesheet, withLoading
} from '../ui.js';
import { communityName, contactText, householdText } from './common.js';
import { polygonEditor } from './admin-map.js';

const tr = bundle('admin');

async function prepare() {
  useStylesheet('/css/admin.css');
  await tr.ready();
}

/** Null for a platform admin; else the screen that says this place is theirs (with the way home). */
function onlyAdmins(title) {
  if (state.user && state.user.is_platform_admin) return null;
  return { title, back: '/', node: emptyState({ iconName: 'shield', title: tr('admin.only'), body: tr('admin.onlyBody'),
    action: linkButton(tr('admin.home'), '/', { variant: 'secondary' }) }) };
}

async function regions() {
  return (await api.get('/api/v1/regions', { fresh: true })).items;
}

/** "静安区 · 南京西路街道" options for a street select. */
function streetOptions(all, { none = true } = {}) {
  const byId = new Map(all.map((r) => [r.id, r]));
  const streets = all.filter((r) => r.kind === 'street').map((s) => ({ value: s.id, label: `${(byId.get(s.parent_id) || {}).name || ''} · ${s.name}` }));
  return none ? [{ value: '', label: tr('community.noStreet') }, ...streets] : streets;
}

/* ---------- the hierarchy and its communities ---------- */

export async function adminHome() {
  await prepare();
  const blocked = onlyAdmins(tr('admin.title'));
  if (blocked) return blocked;
  const [all, communities] = await Promise.all([regions(), api.get('/api/v1/communities?limit=100', { fresh: true })]);
  const placed = new Set();
  const tree = all.filter((r) => r.kind === 'district').map((district) => h('section', { class: 'card admin-district', dataset: { region: district.id } },
    h('h3', { class: 'card__title', 'data-user-content': '', text: district.name }),
    officialsLink(district),
    ...all.filter((s) => s.parent_id === district.id).map((street) => {
      street.communities.forEach((c) => placed.add(c.id));
      return h('div', { class: 'admin-street', dataset: { region: street.id } },
        h('p', { class: 'admin-street__name' }, h('span', { 'data-user-content': '', text: street.name }), ' ',
          h('span', { class: 'muted small', text: tr('region.communityCount', { n: street.communities.length }) })),
        street.communities.length ? list(street.communities.map((c) => listItem({ href: `/admin/communities/${c.id}`, iconName: 'building', title: communityName(c) }))) : null,
        linkButton(tr('community.newHere'), `/admin/communities/new?street=${street.id}`, { variant: 'ghost', iconName: 'plus' }),
        officialsLink(street));
    })));
  const loose = communities.items.filter((c) => !placed.has(c.id));
  return {
    title: tr('admin.title'),
    node: h('div', { class: 'admin' },
      h('p', { class: 'muted', text: tr('admin.intro') }),
      linkButton(tr('community.new'), '/admin/communities/new', { block: true, iconName: 'plus' }),
      linkButton(tr('admin.apiKeys'), '/admin/api-keys', { block: true, variant: 'secondary', iconName: 'shield' }),
      linkButton(tr('admin.outbox'), '/admin/outbox', { block: true, variant: 'secondary', iconName: 'outbox' }),
      h('div', { class: 'section' }, h('h2', { class: 'section__title', text: tr('region.title') }),
        tree.length ? tree : h('p', { class: 'muted', text: tr('region.none') })),
      loose.length ? h('div', { class: 'section' }, h('h2', { class: 'section__title', text: tr('community.noStreetList') }),
        list(loose.map((c) => listItem({ href: `/admin/communities/${c.id}`, iconName: 'building', title: communityName(c) })))) : null,
      regionForm(all)),
  };
}

function officialsLink(region) {
  return linkButton(tr(`officials.link.${region.kind}`), `/admin/regions/${region.id}/officials`, { variant: 'ghost', iconName: 'users' });
}

/* ---------- a region's officials (issue 19): they read its roll-up and receive its escalations ---------- */

export async function regionOfficials(ctx) {
  await prepare();
  const rid = Number(ctx.params.id);
  const blocked = onlyAdmins(tr('officials.title'));
  if (blocked) return blocked;
  const [all, officials] = await Promise.all([regions(), api.get(`/api/v1/regions/${rid}/officials`, { fresh: true })]);
  const region = all.find((r) => r.id === rid);
  if (!region) return { title: tr('officials.title'), back: '/admin', node: emptyState({ iconName: 'building', title: tr('officials.noRegion') }) };
  const role = `${region.kind}_official`;
  const remove = (o) => async () => {
    if (!(await confirmSheet({ title: tr('officials.removeConfirm', { name: o.user.display_name }), body: tr(`officials.removeBody.${region.kind}`), confirmLabel: tr('officials.remove'), danger: true }))) return;
    try {
      await api.del(`/api/v1/regions/${rid}/officials/${o.user.id}`);
      toast(tr('officials.removed', { name: o.user.display_name }));
      navigate(`/admin/regions/${rid}/officials`, { replace: true });
    } catch (err) {
      toast(errorText(err));
    }
  };
  const rows = officials.items.map((o) => h('li', { class: 'list-item', dataset: { userId: o.user.id } },
    h('span', { class: 'list-item__body' },
      h('span', { class: 'list-item__title', 'data-user-content': '', text: o.user.display_name }),
      h('span', { class: 'list-item__meta', text: tr(`officials.role.${region.kind}`) })),
    button(tr('officials.remove'), { variant: 'ghost', small: true, onClick: remove(o) })));
  const login = field({ name: 'login', label: tr('officials.login'), hint: tr('officials.loginHint'), required: true, autocomplete: 'off', maxlength: 254 });
  const error = formError();
  const submit = button(tr(`officials.appoint.${region.kind}`), { type: 'submit', block: true });
  const form = h('form', { class: 'form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    withLoading(submit, async () => {
      try {
        const made = await api.post(`/api/v1/regions/${rid}/officials`, { login: login.input.value.trim(), role });
        toast(tr('officials.appointed', { name: made.user.display_name }));
        navigate(`/admin/regions/${rid}/officials`, { replace: true });
      } catch (err) {
        showErrors(err, { login, user_id: login }, error);
      }
    });
  } }, login.el, error, submit);
  return {
    title: tr('officials.title'),
    back: '/admin',
    node: h('div', { class: 'admin' },
      h('h2', { class: 'section__title', 'data-user-content': '', text: region.name }),
      h('p', { class: 'muted', text: tr(`officials.intro.${region.kind}`) }),
      rows.length ? h('ul', { class: 'list' }, rows) : h('p', { class: 'muted', text: tr('officials.none') }),
      h('div', { class: 'section' }, h('h2', { class: 'section__title', text: tr('officials.addTitle') }), card(form))),
  };
}

function regionForm(all) {
  const districts = all.filter((r) => r.kind === 'district');
  const kind = field({ name: 'kind', label: tr('region.kind'), value: districts.length ? 'street' : 'district',
    options: ['district', 'street'].map((k) => ({ value: k, label: tr(`region.kind.${k}`) })) });
  const name = field({ name: 'name', label: tr('region.name'), required: true, maxlength: 100 });
  const parent = field({ name: 'parent_id', label: tr('region.parent'), options: districts.map((d) => ({ value: d.id, label: d.name })) });
  const sync = () => { parent.el.hidden = kind.input.value !== 'street'; };
  kind.input.addEventListener('change', sync);
  sync();
  const error = formError();
  const submit = button(tr('region.add'), { type: 'submit', block: true, variant: 'secondary' });
  const form = h('form', { class: 'form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    const body = { kind: kind.input.value, name: name.input.value.trim() };
    if (body.kind === 'street') body.parent_id = Number(parent.input.value) || null;
    withLoading(submit, async () => {
      try {
        await api.post('/api/v1/regions', body);
        toast(tr('region.added', { name: body.name }));
        navigate('/admin', { replace: true });
      } catch (err) {
        showErrors(err, { kind, name, parent_id: parent }, error);
      }
    });
  } }, kind.el, parent.el, name.el, error, submit);
  return h('div', { class: 'section', id: 'region-form' }, h('h2', { class: 'section__title', text: tr('region.addTitle') }), card(form));
}

/* ---------- a community: create, edit, move ---------- */

export async function communityForm(ctx) {
  await prepare();
  const editing = ctx.params.id ? Number(ctx.params.id) : null;
  const title = tr(editing ? 'community.edit' : 'community.new');
  const blocked = onlyAdmins(title);
  if (blocked) return blocked;
  const [all, current] = await Promise.all([regions(), editing ? api.get(`/api/v1/communities/${editing}`, { fresh: true }) : null]);
  const f = {
    name: field({ name: 'name', label: tr('community.name'), required: true, maxlength: 100, value: current ? current.name : '' }),
    name_en: field({ name: 'name_en', label: tr('community.nameEn'), maxlength: 100, value: current ? current.name_en || '' : '' }),
    street_id: field({ name: 'street_id', label: tr('community.street'), hint: editing ? tr('community.moveHint') : null,
      value: current ? current.street_id || '' : ctx.query.street || '', options: streetOptions(all) }),
    description: field({ name: 'description', label: tr('community.description'), multiline: true, maxlength: 2000, value: current ? current.description : '' }),
  };
  const error = formError();
  const submit = button(tr(editing ? 'community.save' : 'community.create'), { type: 'submit', block: true });
  const form = h('form', { class: 'form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    const body = { name: f.name.input.value.trim(), name_en: f.name_en.input.value.trim() || null,
      street_id: Number(f.street_id.input.value) || null, description: f.description.input.value.trim() };
    withLoading(submit, async () => {
      try {
        const saved = editing ? await api.patch(`/api/v1/communities/${editing}`, body) : await api.post('/api/v1/communities', body);
        toast(tr(editing ? 'community.saved' : 'community.created', { name: saved.name }));
        navigate(`/admin/communities/${saved.id}`, { replace: true });
      } catch (err) {
        showErrors(err, f, error);
      }
    });
  } }, f.name.el, f.name_en.el, f.street_id.el, f.description.el, error, h('div', { class: 'actions-bottom' }, submit));
  return { title, back: editing ? `/admin/communities/${editing}` : '/admin', node: card(form) };
}

export async function communityAdmin(ctx) {
  await prepare();
  const blocked = onlyAdmins(tr('community.title'));
  if (blocked) return blocked;
  const cid = Number(ctx.params.id);
  const community = await api.get(`/api/v1/communities/${cid}`, { fresh: true });
  const where = [community.district, community.street].filter(Boolean).join(' · ') || tr('community.noStreet');
  const grids = community.grids.map((g) => h('li', { dataset: { grid: g.id } }, h('a', { class: 'list-item', href: `/admin/communities/${cid}/grids/${g.id}` },
    h('span', { class: 'admin-grid-no', text: String(g.number) }),
    h('span', { class: 'list-item__body' }, h('span', { class: 'list-item__title', 'data-user-content': '', text: g.name }),
      h('span', { class: 'list-item__meta row' },
        g.polygon ? pill(tr('grid.mapped'), 'ok') : pill(tr('grid.unmapped'), 'warn'),
        h('span', { text: g.responsible ? tr('grid.responsible', { name: g.responsible.display_name }) : tr('grid.noResponsible') }))))));
  return {
    title: communityName(community),
    back: '/admin',
    node: h('div', { class: 'admin' },
      card(h('h2', { class: 'card__title', 'data-user-content': '', text: communityName(community) }),
        h('p', { class: 'muted', text: where }),
        linkButton(tr('community.edit'), `/admin/communities/${cid}/edit`, { variant: 'secondary', block: true })),
      h('div', { class: 'section', id: 'admin-grids' },
        h('h2', { class: 'section__title', text: tr('grid.title') }),
        grids.length ? h('ul', { class: 'list' }, grids) : h('p', { class: 'muted', text: tr('grid.none') }),
        linkButton(tr('grid.new'), `/admin/communities/${cid}/grids/new`, { variant: 'ghost', iconName: 'plus' })),
      committeePart(cid)),
  };
}

/* ---------- the first committee member ---------- */

function committeePart(cid) {
  const box = h('div', { class: 'section', id: 'admin-committee', 'aria-busy': 'true' },
    h('h2', { class: 'section__title', text: tr('committee.title') }), skeleton(2));
  const draw = async () => {
    const { items } = await api.get(`/api/v1/communities/${cid}/members?limit=100`, { fresh: true });
    const committee = items.filter((m) => m.role === 'committee' && m.status === 'verified');
    const others = items.filter((m) => !(m.role === 'committee' && m.status === 'verified'));
    box.removeAttribute('aria-busy');
    box.replaceChildren(h('h2', { class: 'section__title', text: tr('committee.title') }),
      committee.length ? list(committee.map((m) => listItem({ iconName: 'users', title: m.user.display_name, meta: tr('committee.member') })))
        : h('p', { class: 'notice', role: 'note', text: tr('committee.none') }),
      appointPart(committee.length > 0,
        h('p', { class: 'muted small', text: tr('committee.appointHint') }),
        others.length ? h('div', { class: 'stack' }, others.map((m) => memberCard(cid, m, draw))) : h('p', { class: 'muted', text: tr('committee.nobody') })));
  };
  draw().catch((err) => { box.removeAttribute('aria-busy'); box.append(h('p', { class: 'form-error', text: errorText(err) })); });
  return box;
}

/** Appointing is the platform's job only until a community has its first committee member: then folded away. */
function appointPart(hasCommittee, ...children) {
  if (!hasCommittee) return h('div', {}, h('h3', { class: 'section__title admin-subtitle', text: tr('committee.appoint') }), ...children);
  return h('details', { class: 'admin-more' }, h('summary', { text: tr('committee.appointMore') }), ...children);
}

function memberCard(cid, m, redraw) {
  const u = m.user;
  const act = (label, run, variant = 'secondary') => button(label, { variant, block: true, onClick: (e) => withLoading(e.currentTarget, async () => {
    try {
      await run();
      await redraw();
    } catch (err) {
      toast(errorText(err), { type: 'error' });
    }
  }) });
  const actions = [];
  if (m.can.verify) actions.push(act(tr('committee.verify'), () => api.post(`/api/v1/communities/${cid}/members/${u.id}/verify`)));
  if (m.can.set_role && m.role !== 'committee') {
    actions.push(act(tr('committee.make'), async () => {
      if (!(await confirmSheet({ title: tr('committee.makeConfirm', { name: u.display_name }), body: tr('committee.makeBody'), confirmLabel: tr('committee.make') }))) return;
      await api.put(`/api/v1/communities/${cid}/members/${u.id}/role`, { role: 'committee' });
      toast(tr('committee.made', { name: u.display_name }));
    }, 'primary'));
  }
  return h('section', { class: 'card', dataset: { userId: u.id, status: m.status } },
    h('p', { class: 'row' }, h('strong', { 'data-user-content': '', text: u.display_name }), pill(tr(`status.${m.status}`), m.status === 'verified' ? 'ok' : 'warn'),
      h('span', { class: 'muted small', text: tr(`role.${m.role}`) })),
    h('p', { class: 'muted small', 'data-user-content': '', text: [householdText(m.household), contactText(u)].filter(Boolean).join(' · ') }),
    actions.length ? h('div', { class: 'stack' }, actions) : null);
}

/* ---------- a grid: number, name, its area ---------- */

export async function gridForm(ctx) {
  await prepare();
  const cid = Number(ctx.params.id);
  const gid = ctx.params.gid ? Number(ctx.params.gid) : null;
  const title = tr(gid ? 'grid.edit' : 'grid.new');
  const blocked = onlyAdmins(title);
  if (blocked) return blocked;
  const community = await api.get(`/api/v1/communities/${cid}`, { fresh: true });
  const grid = gid ? community.grids.find((g) => g.id === gid) : null;
  if (gid && !grid) return { title, back: `/admin/communities/${cid}`, node: emptyState({ iconName: 'search', title: tr('grid.missing') }) };
  const next = Math.max(0, ...community.grids.map((g) => g.number)) + 1;
  const f = {
    number: field({ name: 'number', label: tr('grid.number'), type: 'number', inputmode: 'numeric', min: '1', required: true, value: String(grid ? grid.number : next), disabled: !!grid }),
    name: field({ name: 'name', label: tr('grid.name'), required: true, maxlength: 100, value: grid ? grid.name : '' }),
  };
  const others = community.grids.filter((g) => g !== grid && g.polygon);
  const editor = polygonEditor({ tr, polygon: grid ? grid.polygon : null, others });
  const error = formError();
  const submit = button(tr(gid ? 'grid.save' : 'grid.create'), { type: 'submit', block: true });
  const form = h('form', { class: 'form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    const polygon = editor.value();
    if (polygon && polygon.error) { error.textContent = polygon.error; error.focus(); return; }
    const body = { name: f.name.input.value.trim(), polygon: polygon ? polygon.geometry : null };
    if (!gid) body.number = Number(f.number.input.value);
    withLoading(submit, async () => {
      try {
        await (gid ? api.patch(`/api/v1/grids/${gid}`, body) : api.post(`/api/v1/communities/${cid}/grids`, body));
        toast(tr('grid.saved', { name: body.name }));
        navigate(`/admin/communities/${cid}`, { replace: true });
      } catch (err) {
        showErrors(err, { ...f, polygon: { setError: (msg) => editor.setError(msg), input: editor.el } }, error);
      }
    });
  } }, f.number.el, f.name.el, editor.el, error, h('div', { class: 'actions-bottom' }, submit));
  return { title, back: `/admin/communities/${cid}`, node: card(form) };
}

/** Route table, registered lazily by app.js. */
export const ROUTES = {
  '/admin': adminHome,
  '/admin/communities/new': communityForm,
  '/admin/communities/:id': communityAdmin,
  '/admin/communities/:id/edit': communityForm,
  '/admin/communities/:id/grids/new': gridForm,
  '/admin/communities/:id/grids/:gid': gridForm,
  '/admin/regions/:id/officials': regionOfficials,
};
