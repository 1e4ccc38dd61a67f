// Outside agencies (部门报到, issue 19), the small parts other screens show: on a report's page who handles it
// and the transfer buttons (staff: transfer, recall; the agency's staff: accept, send back), the agency desk on
// /me, the league-table link on a community's page. The inbox and the league table are screens/agencies.js,
// loaded on demand; the words are the agencies bundle's.
import { api } from '../api.js';
import { bundle } from '../i18n.js';
import { state } from '../store.js';
import { button, field, formError, h, listItem, openSheet, showErrors, toast, useStylesheet, withLoading } from '../ui.js';

const tr = bundle('agencies');

/** Fill `el`'s text with a word of the bundle once it has arrived. */
function later(el, key, vars) {
  tr.ready().then(() => { el.textContent = tr(key, vars); }).catch(() => {});
  return el;
}

/** On a report's page: the agency handling it (residents see who handles it: the agency, never its staff). */
export function agencyRow(report) {
  if (!report.agency) return null;
  return [later(h('dt', { text: ' ' }), 'ag.handledBy'), h('dd', { 'data-user-content': '', text: report.agency.name })];
}

function agencyPicker(report, onPick) {
  useStylesheet('/css/agencies.css');
  const box = h('div', { class: 'field' });
  api.get(`/api/v1/communities/${report.community_id}/agencies`).then(async (res) => {
    await tr.ready();
    if (!res.items.length) { box.append(h('p', { class: 'muted', text: tr('ag.noAgencies') })); return; }
    const rows = res.items.map((a) => h('label', { class: 'ag-pick' },
      h('input', { type: 'radio', name: 'agency', value: String(a.id), onchange: () => onPick(a) }),
      h('span', { class: 'ag-pick__body' },
        h('span', { class: 'ag-pick__name', 'data-user-content': '', text: a.name }),
        h('span', { class: 'muted small', text: tr(`ag.kind.${a.kind}`) }))));
    box.append(h('fieldset', { class: 'ag-picks' }, h('legend', { class: 'field__label', text: tr('ag.pickAgency') }), ...rows));
  }).catch(() => {});
  return box;
}

/** One sheet for every transfer step: transfer (pick an agency), recall, accept, return (with a reason). */
function stepSheet(report, action, reload) {
  const titles = { transfer: 'ag.transferTitle', recall: 'ag.recallTitle', accept_transfer: 'ag.accept', return: 'ag.returnTitle' };
  const hints = { transfer: 'ag.transferHint', recall: 'ag.recallHint', return: 'ag.returnReasonHint' };
  const chosen = { agency: null };
  const note = field({
    name: 'note', label: tr(action === 'return' ? 'ag.returnReasonLabel' : 'ag.note'), multiline: true, maxlength: 2000,
    required: action === 'return',
  });
  const picker = action === 'transfer' ? agencyPicker(report, (a) => { chosen.agency = a.id; }) : null;
  openSheet({ title: tr(titles[action]), content: (close) => {
    const error = formError();
    const go = button(tr(titles[action]), { block: true, type: 'submit', variant: action === 'return' ? 'danger' : 'primary' });
    const form = h('form', { class: 'stack' },
      hints[action] ? h('p', { class: 'muted', text: tr(hints[action]) }) : null, picker, note.el, error,
      h('div', { class: 'sheet__actions' }, go));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (action === 'transfer' && !chosen.agency) { error.textContent = tr('ag.chooseAgency'); error.focus(); return; }
      withLoading(go, async () => {
        const body = { action, note: note.input.value.trim() };
        if (action === 'transfer') body.agency_id = chosen.agency;
        try {
          await api.post(`/api/v1/reports/${report.id}/transition`, body);
          close();
          toast(tr('ag.done'));
          reload();
        } catch (err) {
          showErrors(err, { note, agency_id: { setError: (m) => { error.textContent = m || ''; } } }, error);
        }
      });
    });
    return form;
  } });
}

/** The transfer buttons this viewer may press (`can` from the server), for the report page's action row. */
export function agencyActions(report, reload) {
  const can = report.can || {};
  const variants = { accept_transfer: 'primary', transfer: 'secondary', return: 'ghost', recall: 'ghost' };
  const labels = { accept_transfer: 'ag.accept', transfer: 'ag.transfer', return: 'ag.return', recall: 'ag.recall' };
  return ['accept_transfer', 'return', 'transfer', 'recall'].filter((action) => can[action]).map((action) => {
    const b = button(' ', { variant: variants[action], dataset: { action }, onClick: () => tr.ready().then(() => stepSheet(report, action, reload)) });
    later(b, labels[action]);
    return b;
  });
}

/** /me: the desk of each agency the person works for (nothing for everyone else). */
export function agencyDeskLinks() {
  if (!state.user) return [];
  const li = listItem({ href: '/me', iconName: 'building', title: ' ', meta: ' ' });
  li.hidden = true;
  Promise.all([api.get('/api/v1/me/agencies'), tr.ready()]).then(([res]) => {
    if (!res.items.length) return;
    const agency = res.items[0];
    li.querySelector('a').setAttribute('href', `/agencies/${agency.id}`);
    li.querySelector('.list-item__title').textContent = tr('ag.meTitle');
    li.querySelector('.list-item__meta').textContent = tr('ag.meMeta', { name: res.items.map((a) => a.name).join('、') });
    li.hidden = false;
  }).catch(() => {});
  return [li];
}

/** A community's page: the published league table of its street's agencies. */
export function leagueLink(community) {
  if (!community || !community.street_id) return null;
  const li = listItem({ href: `/regions/${community.street_id}/agency-league`, iconName: 'check', title: ' ', meta: ' ' });
  later(li.querySelector('.list-item__title'), 'ag.leagueLink');
  later(li.querySelector('.list-item__meta'), 'ag.leagueLinkMeta');
  return li;
}
