// Committee: the resident register (社区居民基础数据库) — search the list, open a record (each opening is in the
// audit log), import a CSV or XLSX with a preview (row errors in the reader's language; nothing is written
// until the committee confirms), export in the same format, and put a resident on the care list.
import { api } from '../api.js';
import { bundle, formatDateTime, getLocale } from '../i18n.js';
import { navigate } from '../router.js';
import { currentMembership, isCommittee } from '../store.js';
import { button, card, clear, emptyState, errorText, field, h, linkButton, list, listItem, pill, showErrors, toast, withLoading } from '../ui.js';
import { requireUser } from './common.js';

const tr = bundle('register');
const CARE_CATEGORIES = ['alone_elderly', 'disability', 'hardship', 'other'];

function committeeOnly(ctx) {
  if (!requireUser(ctx)) return { membership: null, screen: null };
  const m = currentMembership();
  if (!isCommittee(m)) {
    return {
      membership: null,
      screen: { title: tr('reg.title'), back: '/', node: emptyState({ iconName: 'users', title: tr('reg.onlyCommittee'), action: linkButton(tr('reg.home'), '/', { variant: 'secondary' }) }) },
    };
  }
  return { membership: m, screen: null };
}

async function registerList(ctx) {
  await tr.ready();
  const { membership: m, screen } = committeeOnly(ctx);
  if (!m) return screen;
  const cid = m.community.id;
  const results = h('div', { id: 'register-results' });
  const rows = list([]);
  const search = field({ name: 'q', label: tr('reg.search'), placeholder: tr('reg.searchHint'), maxlength: 50, type: 'search' });
  let cursor = null;
  const more = button(tr('reg.more'), { variant: 'secondary', block: true });
  more.hidden = true;
  async function load(reset) {
    if (reset) { cursor = null; clear(results); clear(rows); results.append(rows); }
    const q = search.input.value.trim();
    const params = new URLSearchParams({ limit: '30' });
    if (q) params.set('q', q);
    if (cursor) params.set('cursor', cursor);
    try {
      const page = await api.get(`/api/v1/communities/${cid}/register/residents?${params}`, { fresh: true });
      if (reset && !page.items.length) {
        results.append(emptyState({ iconName: 'users', title: q ? tr('reg.noMatch') : tr('reg.empty'), body: q ? '' : tr('reg.emptyBody') }));
      }
      for (const r of page.items) rows.append(residentRow(r));
      cursor = page.next_cursor || null;
      more.hidden = !cursor;
    } catch (err) {
      results.append(h('p', { class: 'form-error', role: 'alert', text: errorText(err, tr('reg.loadFailed')) }));
    }
  }
  let timer = null;
  search.input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load(true), 300); });
  more.addEventListener('click', () => withLoading(more, () => load(false)));
  await load(true);
  const exportLinks = h('div', { class: 'sheet__actions' },
    h('a', { class: 'btn btn--secondary', href: `/api/v1/communities/${cid}/register/export?format=xlsx`, download: '', text: tr('reg.exportXlsx') }),
    h('a', { class: 'btn btn--secondary', href: `/api/v1/communities/${cid}/register/export?format=csv`, download: '', text: tr('reg.exportCsv') }));
  return {
    title: tr('reg.title'),
    back: '/',
    node: h('div', {},
      h('p', { class: 'muted secondary', text: tr('reg.intro') }),
      linkButton(tr('reg.import'), '/committee/register/import', { block: true }),
      exportLinks,
      search.el, results, more),
  };
}

function residentRow(r) {
  return listItem({ href: `/committee/register/${r.id}`, iconName: 'user', title: r.name, meta: [r.address, r.relation].filter(Boolean).join(' · ') });
}

async function residentPage(ctx) {
  await tr.ready();
  const { membership: m, screen } = committeeOnly(ctx);
  if (!m) return screen;
  const r = await api.get(`/api/v1/register/residents/${ctx.params.id}`, { fresh: true });
  const gender = r.gender ? tr(`reg.gender.${r.gender}`) : '—';
  const rows = [
    [tr('reg.col.ref'), r.ref || '—'], [tr('reg.col.address'), r.address], [tr('reg.col.gender'), gender],
    [tr('reg.col.birth_date'), r.birth_date || '—'], [tr('reg.col.phone'), r.phone || '—'],
    [tr('reg.col.relation'), r.relation || '—'], [tr('reg.col.notes'), r.notes || '—'],
    [tr('reg.col.account'), r.has_account ? tr('reg.hasAccount') : tr('reg.noAccount')],
    [tr('reg.col.updated'), formatDateTime(r.updated_at)],
  ];
  return {
    title: r.name,
    back: '/committee/register',
    node: h('div', {},
      card(h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]))),
      h('p', { class: 'small muted', text: tr('reg.audited') }),
      await accountCard(r),
      careForm(m.community.id, r)),
  };
}

/** The record's Linli account: who it is linked to, or the verified members living at that address to link one
 * (the committee decides: a same name is marked, never linked by itself). */
async function accountCard(r) {
  const body = h('div', { id: 'register-account' });
  const again = () => navigate(location.pathname, { replace: true });
  let candidates = [];
  try {
    candidates = (await api.get(`/api/v1/register/residents/${r.id}/account-candidates`, { fresh: true })).items;
  } catch (err) {
    body.append(h('p', { class: 'form-error', role: 'alert', text: errorText(err, tr('reg.loadFailed')) }));
  }
  const act = (btn, request, done) => withLoading(btn, async () => {
    try {
      await request();
      toast(done);
      again();
    } catch (err) {
      toast(errorText(err), { type: 'error' });
    }
  });
  if (r.user_id) {
    const linked = candidates.find((c) => c.user.id === r.user_id);
    const unlink = button(tr('reg.link.unlink'), { variant: 'secondary', id: 'register-unlink' });
    unlink.addEventListener('click', () => act(unlink, () => api.del(`/api/v1/register/residents/${r.id}/account`), tr('reg.link.undone')));
    body.append(h('p', { text: linked ? tr('reg.link.linked', { name: linked.user.display_name }) : tr('reg.link.linkedAway') }), unlink);
  } else if (!candidates.length) {
    body.append(h('p', { class: 'muted', text: tr('reg.link.noCandidates') }));
  } else {
    body.append(h('p', { class: 'muted', text: tr('reg.link.none') }), h('ul', { class: 'list', id: 'register-candidates' }, candidates.map((c) => {
      const link = button(tr('reg.link.link'), { variant: 'secondary', small: true, disabled: Boolean(c.linked_resident_id) });
      link.addEventListener('click', () => act(link, () => api.put(`/api/v1/register/residents/${r.id}/account`, { user_id: c.user.id }), tr('reg.link.done')));
      const meta = [c.name_matches ? tr('reg.link.sameName') : null, c.linked_resident_id ? tr('reg.link.elsewhere') : null].filter(Boolean).join(' · ');
      return h('li', { class: 'list-item' },
        h('span', { class: 'list-item__body' }, h('span', { class: 'list-item__title', text: c.user.display_name }), meta ? h('span', { class: 'list-item__meta', text: meta }) : null),
        link);
    })));
  }
  return card(h('h2', { class: 'card__title', text: tr('reg.link.title') }), body);
}

function careForm(cid, r) {
  const category = field({ name: 'category', label: tr('care.category'), options: CARE_CATEGORIES.map((c) => ({ value: c, label: tr(`care.cat.${c}`) })) });
  const every = field({ name: 'visit_every_days', label: tr('care.every'), type: 'number', value: '7', min: 1, max: 90, inputmode: 'numeric' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(tr('care.add'), { type: 'submit', block: true });
  const form = h('form', { class: 'card', novalidate: true }, h('h2', { class: 'card__title', text: tr('care.addTitle') }), category.el, every.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withLoading(send, async () => {
      try {
        const record = await api.post(`/api/v1/communities/${cid}/care-records`, {
          resident_id: r.id, category: category.input.value, visit_every_days: Number(every.input.value) || 7,
        });
        toast(tr('care.added', { name: r.name }));
        navigate(`/care/${record.id}`);
      } catch (err) {
        showErrors(err, { category, visit_every_days: every }, error);
      }
    });
  });
  return form;
}

async function importScreen(ctx) {
  await tr.ready();
  const { membership: m, screen } = committeeOnly(ctx);
  if (!m) return screen;
  const cid = m.community.id;
  const file = field({ name: 'file', label: tr('reg.file'), hint: tr('reg.fileHint'), type: 'file', accept: '.csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(tr('reg.check'), { type: 'submit', block: true });
  const result = h('div', { id: 'register-preview' });
  const form = h('form', { class: 'card', novalidate: true }, file.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    const chosen = file.input.files && file.input.files[0];
    if (!chosen) { file.setError(tr('reg.chooseFile')); return; }
    withLoading(send, async () => {
      try {
        const preview = await upload(cid, chosen);
        clear(result).append(previewView(preview));
      } catch (err) {
        error.textContent = errorText(err, tr('reg.loadFailed'));
      }
    });
  });
  return {
    title: tr('reg.importTitle'),
    back: '/committee/register',
    node: h('div', {}, h('p', { class: 'muted secondary', text: tr('reg.importIntro') }), form, result),
  };
}

async function upload(cid, chosen) {
  const session = await api.get('/api/v1/auth/session', { fresh: true });
  const body = new FormData();
  body.append('file', chosen, chosen.name);
  const res = await fetch(`/api/v1/communities/${cid}/register-imports`, {
    method: 'POST', body, credentials: 'same-origin',
    headers: { 'X-CSRF-Token': session.csrf_token, Accept: 'application/json', 'Accept-Language': getLocale() },
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.detail || `HTTP ${res.status}`), { status: res.status, code: data.code, detail: data.detail, fields: data.errors || {} });
  return data;
}

export function previewView(preview) {
  const c = preview.counts;
  const counts = h('dl', { class: 'kv' },
    [['new', c.new], ['changed', c.changed], ['unchanged', c.unchanged], ['invalid', c.invalid], ['new_households', c.new_households]]
      .map(([k, v]) => [h('dt', { text: tr(`reg.count.${k}`) }), h('dd', { text: String(v) })]));
  const errors = preview.errors.length
    ? card(h('h2', { class: 'card__title', text: tr('reg.errorsTitle', { n: preview.errors_total }) }),
      h('ul', { class: 'register-errors' }, preview.errors.map((e) => h('li', {},
        h('strong', { text: tr('reg.line', { n: e.row }) }), ' ', h('span', { text: `${tr(`reg.col.${e.field}`)}${tr('reg.sep')}${e.message}` })))))
    : null;
  const changes = preview.changes.length
    ? card(h('h2', { class: 'card__title', text: tr('reg.changesTitle') }),
      h('ul', { class: 'register-changes' }, preview.changes.slice(0, 30).map((x) => h('li', {},
        pill(tr(`reg.action.${x.action}`), x.action === 'new' ? 'ok' : 'warn'), ' ',
        h('span', { text: `${x.name} · ${x.address}` }),
        x.fields.length ? h('span', { class: 'small muted', text: ` (${x.fields.map((f) => tr(`reg.col.${f}`)).join('、')})` }) : null))))
    : null;
  const nothing = !c.new && !c.changed;
  const skip = field({ name: 'skip', label: tr('reg.skipInvalid'), type: 'checkbox' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const confirm = button(tr('reg.confirm'), { block: true });
  confirm.disabled = nothing;
  confirm.addEventListener('click', () => withLoading(confirm, async () => {
    try {
      const done = await api.post(`/api/v1/register-imports/${preview.id}/confirm`, { skip_invalid_rows: !!skip.input.checked });
      toast(tr('reg.done', { created: done.created, updated: done.updated }));
      navigate('/committee/register');
    } catch (err) {
      error.textContent = errorText(err, tr('reg.loadFailed'));
    }
  }));
  return h('div', {},
    card(h('h2', { class: 'card__title', text: tr('reg.previewTitle', { rows: preview.rows }) }), counts,
      nothing ? h('p', { class: 'muted', text: tr('reg.nothingToDo') }) : null),
    errors, changes,
    c.invalid ? skip.el : null, error, confirm,
    h('p', { class: 'small muted', text: tr('reg.expires', { when: formatDateTime(preview.expires_at) }) }));
}

export const ROUTES = {
  '/committee/register': registerList,
  '/committee/register/import': importScreen,
  '/committee/register/:id': residentPage,
};
