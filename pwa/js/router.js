// A small History-API router. Routes are patterns like '/communities/:id'; ordinary
// <a href> links inside the app are intercepted, so screens only write normal links.

const routes = [];
let notFound = null;
let onRender = null;
let renderSeq = 0;

function compile(pattern) {
  const keys = [];
  const src = pattern
    .replace(/\/+$/, '')
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/:(\w+)/g, (_, k) => {
      keys.push(k);
      return '([^/]+)';
    });
  return { re: new RegExp(`^${src || ''}/?$`), keys };
}

/** Register `handler(ctx)` for `pattern`; ctx = {params, query, path}. */
export function route(pattern, handler) {
  routes.push({ pattern, handler, ...compile(pattern) });
}

/**
 * A module's routes as {pattern: handler} (its ROUTES for app.js's LAZY_SCREENS), from a function that
 * registers them with route(pattern, handler): the patterns stay listed once, in their order.
 */
export function routeTable(register) {
  const table = {};
  register((pattern, handler) => { table[pattern] = handler; });
  return table;
}

export function fallback(handler) {
  notFound = handler;
}

/**
 * The route for `path`. When several patterns match, the one with the fewest parameters wins
 * ('/help/mine' before '/help/:id'), then the first registered: the order in which modules list their
 * routes (LAZY_SCREENS in app.js) does not decide which screen opens.
 */
export function match(path) {
  let best = null;
  for (const r of routes) {
    if (best && r.keys.length >= best.route.keys.length) continue;
    const m = r.re.exec(path);
    if (m) best = { route: r, m };
  }
  if (!best) return { handler: notFound, params: {}, pattern: null };
  const params = {};
  best.route.keys.forEach((k, i) => { params[k] = decodeURIComponent(best.m[i + 1]); });
  return { handler: best.route.handler, params, pattern: best.route.pattern };
}

export function navigate(to, { replace = false } = {}) {
  const url = new URL(to, location.href);
  if (url.origin !== location.origin) {
    location.href = url.href;
    return;
  }
  const target = url.pathname + url.search + url.hash;
  if (replace) history.replaceState(null, '', target);
  else if (target !== location.pathname + location.search + location.hash) history.pushState(null, '', target);
  return render();
}

/** Re-render the current URL (e.g. after the language changed). */
export function refresh() {
  return render({ keepScroll: true });
}

async function render({ keepScroll = false } = {}) {
  const seq = ++renderSeq;
  const path = location.pathname;
  const query = Object.fromEntries(new URLSearchParams(location.search));
  const { handler, params, pattern } = match(path);
  const ctx = { params, query, path, pattern, isCurrent: () => seq === renderSeq };
  if (onRender) await onRender(handler, ctx, { keepScroll });
}

function onClick(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  if (/\.(json|webmanifest|png|svg|csv|js|css|html)$/.test(url.pathname)) return;
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

/** Start routing: `renderFn(handler, ctx, opts)` mounts what a handler returns. */
export function start(renderFn) {
  onRender = renderFn;
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', () => render());
  return render();
}
