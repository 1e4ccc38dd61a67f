// Committee: take in the tickets of the city hotline (12345) from its CSV or XLSX export. The preview lists
// what would become reports and the rows with problems (in the reader's language) and writes nothing; the
// confirmation makes each new ticket a report once (a ticket taken in before is never taken in again).
import { api } from '../api.js';
import { bundle, formatDateTime, getLocale } from '../i18n.js';
import { navigate } from '../router.js';
import { currentMembership, isCommittee } from '../store.js';
import { button, card, clear, emptyState, errorText, field, h, linkButton, pill, toast, withLoading } from '../ui.js';
import { requireUser } from './common.js';

const tr = bundle('hotline');
const COLUMNS = ['ticket', 'received_at', 'category', 'description', 'address', 'lat', 'lng'];

async function upload(cid, chosen) {
  const session = await api.get('/api/v1/auth/session', { fresh: true });
  const body = new FormData();
  body.append('file', chosen, chosen.name);
  const res = await fetch(`/api/v1/communities/${cid}/hotline-imports`, {
    method: 'POST', body, credentials: 'same-origin',
    headers: { 'X-CSRF-Token': session.csrf_token, Accept: 'application/json', 'Accept-Language': getLocale() },
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.detail || `HTTP ${res.status}`), { status: res.status, code: data.code, detail: data.detail, fields: data.errors || {} });
  return data;
}

function previewView(preview) {
  const c = preview.counts;
  const counts = h('dl', { class: 'kv' },
    [['rows', c.rows], ['new', c.new], ['already_imported', c.already_imported], ['invalid', c.invalid]]
      .map(([k, v]) => [h('dt', { text: tr(`hl.count.${k}`) }), h('dd', { text: String(v) })]));
  const problems = preview.problems.length
    ? card(h('h2', { class: 'card__title', text: tr('hl.problemsTitle', { n: c.invalid }) }),
      h('ul', { class: 'register-errors' }, preview.problems.slice(0, 200).map((p) => h('li', {},
        h('strong', { text: tr('hl.line', { n: p.row }) }), ' ',
        h('span', { text: `${COLUMNS.includes(p.field) ? tr(`hl.col.${p.field}`) : p.field}${tr('hl.sep')}${p.message}` })))))
    : null;
  const tickets = preview.tickets.length
    ? card(h('h2', { class: 'card__title', text: tr('hl.ticketsTitle') }),
      h('ul', { class: 'register-changes' }, preview.tickets.slice(0, 30).map((x) => h('li', {},
        pill(x.label, 'ok'), ' ', h('span', { 'data-user-content': '', text: x.ticket })))))
    : null;
  const nothing = !c.new;
  const skip = field({ name: 'skip', label: tr('hl.skipInvalid'), type: 'checkbox' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const confirm = button(tr('hl.confirm', { n: c.new }), { block: true });
  confirm.addEventListener('click', () => withLoading(confirm, async () => {
    try {
      const done = await api.post(`/api/v1/hotline-imports/${preview.id}/confirm`, { skip_invalid_rows: !!skip.input.checked });
      toast(tr('hl.done', { created: done.created, already: done.already_imported }));
      navigate('/reports');
    } catch (err) {
      error.textContent = errorText(err, tr('hl.failed'));
    }
  }));
  return h('div', {},
    card(h('h2', { class: 'card__title', text: tr('hl.previewTitle') }), counts,
      nothing ? h('p', { class: 'muted', text: tr('hl.nothingToDo') }) : null),
    problems, tickets,
    c.invalid && !nothing ? skip.el : null, error, nothing ? null : confirm,
    h('p', { class: 'small muted', text: tr('hl.expires', { when: formatDateTime(preview.expires_at) }) }));
}

async function hotlineImport(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const m = currentMembership();
  if (!isCommittee(m)) {
    return { title: tr('hl.title'), back: '/me', node: emptyState({ iconName: 'users', title: tr('hl.onlyCommittee'),
      action: linkButton(tr('hl.home'), '/', { variant: 'secondary' }) }) };
  }
  const file = field({ name: 'file', label: tr('hl.file'), hint: tr('hl.fileHint'), type: 'file',
    accept: '.csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(tr('hl.check'), { type: 'submit', block: true });
  const result = h('div', { id: 'hotline-preview' });
  const form = h('form', { class: 'card', novalidate: true }, file.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    const chosen = file.input.files && file.input.files[0];
    if (!chosen) { file.setError(tr('hl.chooseFile')); return; }
    withLoading(send, async () => {
      try {
        clear(result).append(previewView(await upload(m.community.id, chosen)));
      } catch (err) {
        error.textContent = errorText(err, tr('hl.failed'));
      }
    });
  });
  return {
    title: tr('hl.title'),
    back: '/me',
    node: h('div', {}, h('p', { class: 'muted secondary', text: tr('hl.intro') }), form, result),
  };
}

export const ROUTES = { '/committee/hotline': hotlineImport };
