// Grid patrols (日常巡管): a grid worker starts a patrol of their grid, the phone adds its position now and then
// (if the worker allows it), findings become reports in one tap, the worker ends the patrol. The committee (and
// the officials above, from a community's dashboard: ?community=) see coverage per grid per week, with the grids
// nobody walked flagged.
import { api } from '../api.js';
import { bundle, formatDateTime, formatDay } from '../i18n.js';
import { navigate } from '../router.js';
import { currentMembership, isCommittee, state } from '../store.js';
import { button, card, chips, clear, emptyState, errorText, field, h, linkButton, list, listItem, pill, showErrors, toast, useStylesheet, withLoading } from '../ui.js';
import { requireUser } from './common.js';

const tr = bundle('patrols');
useStylesheet('/css/tasks.css');
const POSITION_EVERY_MS = 60_000;
let watcher = null; // the interval sending positions of the patrol under way (one per page)

function stopPositions() {
  if (watcher) clearInterval(watcher);
  watcher = null;
}

function currentPosition() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) { resolve(null); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve({ lat: +pos.coords.latitude.toFixed(6), lng: +pos.coords.longitude.toFixed(6) }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 30_000 });
  });
}

async function patrolScreen(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  stopPositions();
  const m = currentMembership();
  const staff = m && m.status === 'verified' && (m.role === 'grid_worker' || m.role === 'committee');
  if (!staff) return { title: tr('patrol.title'), back: '/me', node: emptyState({ iconName: 'shield', title: tr('patrol.staffOnly') }) };
  const [active, community] = await Promise.all([
    api.get('/api/v1/me/patrols?active=true&limit=1', { fresh: true }),
    api.get(`/api/v1/communities/${m.community.id}`),
  ]);
  const patrol = active.items[0];
  const node = patrol ? activePatrol(patrol) : startForm(m, community);
  const recent = await api.get('/api/v1/me/patrols?active=false&limit=5', { fresh: true });
  return {
    title: tr('patrol.title'),
    back: '/me',
    node: h('div', {}, node,
      isCommittee(m) ? linkButton(tr('coverage.title'), '/committee/patrols', { variant: 'secondary', block: true }) : null,
      recent.items.length ? h('div', {}, h('h2', { class: 'section-title', text: tr('patrol.recent') }),
        list(recent.items.map((p) => listItem({
          iconName: 'clock',
          title: `${p.grid_name} · ${tr('patrol.minutes', { n: p.minutes })}`,
          meta: [formatDateTime(p.started_at), tr('patrol.findingsN', { n: p.finding_count }), p.is_auto_ended ? tr('patrol.autoEnded') : null].filter(Boolean).join(' · '),
        })))) : null),
  };
}

function startForm(m, community) {
  const mine = (community.grids || []).filter((g) => isCommittee(m) || (g.responsible && g.responsible.id === state.user.id));
  if (!mine.length) return emptyState({ iconName: 'building', title: tr('patrol.noGrid'), body: tr('patrol.noGridBody') });
  const grid = field({ name: 'grid_id', label: tr('patrol.grid'), options: mine.map((g) => ({ value: g.id, label: g.name })) });
  const share = h('input', { type: 'checkbox', role: 'switch', class: 'switch', id: 'patrol-share', checked: true });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const go = button(tr('patrol.start'), { type: 'submit', block: true, iconName: 'shield' });
  const form = h('form', { class: 'card', novalidate: true },
    h('p', { class: 'muted secondary', text: tr('patrol.intro') }),
    grid.el,
    h('div', { class: 'switch-row' }, h('label', { for: 'patrol-share', class: 'field__label', text: tr('patrol.sharePosition') }), share),
    h('p', { class: 'field__hint', text: tr('patrol.sharePositionHint') }),
    error, go);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withLoading(go, async () => {
      try {
        const point = share.checked ? await currentPosition() : null;
        await api.post(`/api/v1/communities/${m.community.id}/patrols`, { grid_id: Number(grid.input.value), points: point ? [point] : [] });
        sessionStorage.setItem('linli.patrol.share', share.checked ? '1' : '0');
        toast(tr('patrol.started'));
        navigate('/patrol', { replace: true });
      } catch (err) {
        showErrors(err, { grid_id: grid }, error);
      }
    });
  });
  return form;
}

function activePatrol(patrol) {
  const counts = h('p', { class: 'small muted', 'aria-live': 'polite' });
  const showCounts = (p) => { counts.textContent = tr('patrol.counts', { points: p.point_count, findings: p.finding_count }); };
  showCounts(patrol);
  if (sessionStorage.getItem('linli.patrol.share') !== '0') {
    watcher = setInterval(async () => {
      if (location.pathname !== '/patrol') { stopPositions(); return; }
      const point = await currentPosition();
      if (!point) return;
      try { showCounts(await api.post(`/api/v1/patrols/${patrol.id}/points`, { points: [{ ...point, recorded_at: new Date().toISOString() }] })); } catch { /* the next one */ }
    }, POSITION_EVERY_MS);
  }
  const end = button(tr('patrol.end'), { variant: 'secondary', block: true });
  end.addEventListener('click', () => withLoading(end, async () => {
    try {
      stopPositions();
      const point = sessionStorage.getItem('linli.patrol.share') !== '0' ? await currentPosition() : null;
      await api.post(`/api/v1/patrols/${patrol.id}/end`, { points: point ? [point] : [] });
      toast(tr('patrol.ended'));
      navigate('/patrol', { replace: true });
    } catch (err) {
      toast(errorText(err, tr('patrol.failed')), { type: 'error' });
    }
  }));
  return h('div', {},
    card(
      h('p', {}, pill(tr('patrol.underway'), 'ok'), ' ', h('strong', { text: patrol.grid_name })),
      h('p', { class: 'muted', text: tr('patrol.since', { when: formatDateTime(patrol.started_at) }) }),
      counts),
    findingForm(patrol, showCounts),
    end);
}

function findingForm(patrol, showCounts) {
  const category = field({ name: 'category', label: tr('finding.category'), options: [] });
  api.get(`/api/v1/communities/${patrol.community_id}/report-categories`).then((data) => {
    clear(category.input).append(...data.items.map((c) => h('option', { value: c.key, text: c.label })));
  }).catch(() => {});
  const description = field({ name: 'description', label: tr('finding.description'), multiline: true, maxlength: 2000, required: true });
  const place = field({ name: 'location_text', label: tr('finding.place'), hint: tr('finding.placeHint'), maxlength: 200 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = button(tr('finding.send'), { type: 'submit', block: true, iconName: 'camera' });
  const form = h('form', { class: 'card', novalidate: true }, h('h2', { class: 'card__title', text: tr('finding.title') }),
    h('p', { class: 'small muted', text: tr('finding.intro') }), category.el, description.el, place.el, error, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withLoading(send, async () => {
      try {
        const point = await currentPosition();
        const body = { category: category.input.value, description: description.input.value.trim(), location_text: place.input.value.trim() || null };
        if (point) Object.assign(body, point);
        const updated = await api.post(`/api/v1/patrols/${patrol.id}/findings`, body);
        showCounts(updated);
        description.input.value = ''; place.input.value = '';
        toast(tr('finding.sent'));
      } catch (err) {
        showErrors(err, { category, description, location_text: place }, error);
      }
    });
  });
  return form;
}

async function coverageScreen(ctx) {
  await tr.ready();
  if (!requireUser(ctx)) return null;
  const m = currentMembership();
  const cid = Number(ctx.query.community) || (m && m.community.id);
  if (!cid) return { title: tr('coverage.title'), back: '/me', node: emptyState({ iconName: 'users', title: tr('coverage.noCommunity') }) };
  let weeks = 4;
  const table = h('div', { class: 'patrol-coverage' });
  const load = async () => {
    try {
      const data = await api.get(`/api/v1/communities/${cid}/patrol-coverage?weeks=${weeks}`, { fresh: true });
      clear(table).append(coverageTable(data));
    } catch (err) {
      clear(table).append(h('p', { class: 'form-error', text: errorText(err, tr('patrol.failed')) }));
    }
  };
  await load();
  return {
    title: tr('coverage.title'),
    back: ctx.query.community ? `/committee/insights?community=${cid}` : '/me',
    node: h('div', {},
      h('p', { class: 'muted secondary', text: tr('coverage.intro') }),
      chips([4, 8, 12].map((n) => ({ value: n, label: tr('coverage.weeks', { n }) })), weeks, (value) => { weeks = value; load(); }, { label: tr('coverage.range') }),
      table),
  };
}

function coverageTable(data) {
  const flagged = data.unpatrolled_this_week;
  return h('div', {},
    card(h('p', {}, flagged ? pill(tr('coverage.flagged', { n: flagged }), 'warn') : pill(tr('coverage.allWalked'), 'ok'))),
    data.grids.map((grid) => card(
      h('h2', { class: 'card__title' }, grid.grid_name, ' ', grid.is_unpatrolled_this_week ? pill(tr('coverage.notThisWeek'), 'warn') : null),
      h('p', { class: 'small muted', text: grid.responsible_name ? tr('coverage.responsible', { name: grid.responsible_name }) : tr('coverage.noResponsible') }),
      h('table', { class: 'table patrol-weeks' },
        h('thead', {}, h('tr', {}, ['week', 'patrols', 'minutes', 'findings'].map((k) => h('th', { scope: 'col', text: tr(`coverage.col.${k}`) })))),
        h('tbody', {}, [...grid.weeks].reverse().map((w) => h('tr', { class: w.is_unpatrolled ? 'is-unpatrolled' : '' },
          h('th', { scope: 'row', text: tr('coverage.weekOf', { day: formatDay(w.week_start) }) }),
          h('td', { text: w.is_unpatrolled ? tr('coverage.none') : String(w.patrols) }),
          h('td', { text: String(w.minutes) }),
          h('td', { text: String(w.findings) }))))))));
}

export const ROUTES = {
  '/patrol': patrolScreen,
  '/committee/patrols': coverageScreen,
};
