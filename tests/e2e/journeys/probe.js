// The journey suite's eyes inside the page. Injected with Playwright's add_init_script, so it runs
// before the app's own scripts, through the DevTools protocol (the page keeps its real, strict CSP).
//
// It records what the page cannot tell us afterwards (CSP violations, fetches in flight, the strings
// the API sent: user content), and offers window.__journey.{go, settle, inspect} to the Python side.
// `window.__journeyConfig` is prepended by the Python side: {localeKeys, briefAcronyms, ...}.
(() => {
  if (window.__journey) return;
  const config = window.__journeyConfig || {};
  const J = {
    csp: [],
    inflight: 0,
    lastActivity: performance.now(),
    navStart: performance.now(),
    corpus: [],         // strings of user content the API sent (see harvest)
    corpusText: '',
    writes: [],         // non-GET requests the crawl caused (it should cause none but reads)
  };
  window.__journey = J;

  document.addEventListener('securitypolicyviolation', (e) => {
    J.csp.push({
      directive: e.effectiveDirective || e.violatedDirective,
      blocked: e.blockedURI || '',
      sample: (e.sample || '').slice(0, 60),
      source: (e.sourceFile || '').replace(location.origin, ''),
      line: e.lineNumber || 0,
    });
  }, true);

  /* ---------- user content: strings the API sent, minus what the server writes itself ---------- */

  // Responses (or fields) whose text the server composes in the reader's language: interface text,
  // not user content, so they must NOT exempt text from the script check.
  const SERVER_TEXT_PATHS = [/\/notifications/, /\/privacy/, /\/report-categories/, /\/insights/];
  const SERVER_TEXT_FIELDS = /(_label$|^status$|^kind$|code$|^role$|^method$|^category$|^type$|^action$|^locale$|url$|_at$|^id$|_id$|^detail$)/i;

  function harvest(value, key, depth) {
    if (depth > 8 || value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (value.length >= 2 && !(key && SERVER_TEXT_FIELDS.test(key))) J.corpus.push(value);
      return;
    }
    if (Array.isArray(value)) { for (const v of value) harvest(v, key, depth + 1); return; }
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) harvest(v, k, depth + 1);
  }

  const originalFetch = window.fetch.bind(window);
  window.fetch = function journeyFetch(input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    const method = ((init && init.method) || (input && input.method) || 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') J.writes.push(`${method} ${url.replace(location.origin, '')}`);
    J.inflight += 1;
    J.lastActivity = performance.now();
    const done = () => { J.inflight -= 1; J.lastActivity = performance.now(); };
    const promise = originalFetch(input, init);
    promise.then(async (res) => {
      try {
        const type = res.headers.get('Content-Type') || '';
        const path = new URL(res.url || url, location.href).pathname;
        if (res.ok && type.includes('application/json') && path.startsWith('/api/') && !SERVER_TEXT_PATHS.some((re) => re.test(path))) {
          harvest(await res.clone().json(), null, 0);
          J.corpusText = J.corpus.join('\u0001');
        }
      } catch { /* a body we cannot read is no user content */ }
    }).catch(() => {}).finally(done);
    return promise;
  };

  /* ---------- navigation inside the single-page app ---------- */

  /** Go to `url` the way a tapped link does (History API + the router's popstate), without a reload. */
  J.go = (url) => {
    delete document.documentElement.dataset.route;
    J.navStart = performance.now();
    J.lastActivity = performance.now();
    history.pushState(null, '', url);
    window.dispatchEvent(new PopStateEvent('popstate'));
  };

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  function contentState() {
    const root = document.documentElement;
    const busy = document.querySelector('main [aria-busy="true"], main .skeleton, main .boot-msg');
    const sheets = [...document.querySelectorAll('link[rel="stylesheet"]')].every((l) => l.sheet);
    const images = [...document.querySelectorAll('main img')].every((img) => img.complete || img.loading === 'lazy');
    return {
      route: root.dataset.route || null,
      ready: !!root.dataset.ready,
      busy: !!busy,
      styles: sheets,
      images,
      fonts: document.fonts ? document.fonts.status === 'loaded' : true,
      inflight: J.inflight,
    };
  }

  /**
   * Wait until the screen has drawn its content: the router mounted it (data-route), nothing in
   * <main> is busy, stylesheets, fonts and images are in, and no fetch ran for `quietMs`.
   * Returns {ok, ms} where ms counts from the navigation (or from `since`) to the content.
   */
  J.settle = async ({ timeoutMs = 8000, quietMs = 80, since = null } = {}) => {
    const start = since === null ? J.navStart : since === 'now' ? performance.now() : since;
    let contentAt = null;
    for (;;) {
      const now = performance.now();
      const s = contentState();
      const drawn = s.route && s.ready && !s.busy && s.styles && s.images && s.fonts && s.inflight === 0;
      if (drawn) {
        if (contentAt === null) contentAt = now;
        if (now - J.lastActivity >= quietMs) return { ok: true, ms: Math.round(Math.max(contentAt, J.lastActivity) - start) };
      } else {
        contentAt = null;
      }
      if (now - start > timeoutMs) return { ok: false, ms: Math.round(now - start), state: s };
      await sleep(20);
    }
  };

  /** Which of `runs` the API sent inside some string: user content, not interface text. */
  J.userContentRuns = (runs) => runs.filter((run) => J.corpusText.includes(run));

  J.drain = () => {
    const out = { csp: J.csp, writes: J.writes };
    J.csp = [];
    J.writes = [];
    return out;
  };

  /* ---------- what a person sees ---------- */

  /** `section.card > p > a`: stable across ids and items, so one kind of element is one finding. */
  function shortSelector(el) {
    if (!el || el.nodeType !== 1) return '';
    const parts = [];
    let node = el;
    for (let depth = 0; node && node.nodeType === 1 && depth < 3; depth += 1) {
      let part = node.tagName.toLowerCase();
      // An id names one element of its kind (#pref-vote_opened-push): used only when it has no such part.
      if (node.id && /^[a-z]+(-[a-z]+)*$/.test(node.id)) { part += `#${node.id}`; parts.unshift(part); break; }
      const classes = [...node.classList].filter((c) => !/\d/.test(c) && !c.startsWith('is-')).slice(0, 2);
      if (classes.length) part += `.${classes.join('.')}`;
      parts.unshift(part);
      if (classes.length && depth >= 1) break;
      node = node.parentElement;
    }
    return parts.join(' > ');
  }

  function visible(el) {
    if (!el || el.nodeType !== 1) return false;
    if (el.closest('option, optgroup')) el = el.closest('select') || el;
    if (el.closest('[hidden], template, noscript, script, style')) return false;
    if (typeof el.checkVisibility === 'function') {
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0 || el.getClientRects().length > 0;
  }

  /** An inert background (behind an open modal dialog) is not what a person can reach. */
  function reachable(el) {
    return !el.closest('[inert]') && !(document.querySelector('dialog[open]') && !el.closest('dialog[open]') && el.closest('main, nav, header'));
  }

  function userContent(el) {
    if (el.closest('[data-user-content], [translate="no"]')) return true;
    const langEl = el.closest('[lang]');
    if (langEl && langEl !== document.documentElement) {
      const a = (langEl.getAttribute('lang') || '').toLowerCase().slice(0, 2);
      const b = (document.documentElement.lang || '').toLowerCase().slice(0, 2);
      if (a && a !== b) return true;
    }
    return false;
  }

  /** Every piece of interface text: visible text nodes and the attributes people perceive. */
  function texts() {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Map();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue.replace(/\s+/g, ' ').trim();
      if (!text) continue;
      const el = node.parentElement;
      if (!seen.has(el)) seen.set(el, visible(el));
      if (!seen.get(el)) continue;
      out.push({ el, text, source: 'text' });
    }
    for (const el of document.body.querySelectorAll('[aria-label], [placeholder], [title], img[alt]')) {
      if (!visible(el)) continue;
      for (const attr of ['aria-label', 'placeholder', 'title', 'alt']) {
        const v = (el.getAttribute(attr) || '').trim();
        if (v) out.push({ el, text: v, source: attr });
      }
    }
    return out;
  }

  // Dates and times follow the person's language ("12月7日 10:00"), never the wire format.
  const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
  const BAD_TEXT = /(^|[^A-Za-z])(null|undefined|NaN|Invalid Date)(?![A-Za-z])|\[object Object\]/;
  // Things that look like keys but are not: e-mail addresses, web addresses, file names.
  const NOT_KEYS = /\S+@\S+|https?:\/\/\S+|\b[\w-]+\.(csv|json|png|jpe?g|svg|pdf|ics|geojson|html|webp|webmanifest|js|css|linli|org|com|cn|net)\b/gi;
  // `domain.some_key`, `some.key.name` (segments of two or more characters, so "e.g." is no key) and
  // `snake_case` codes (`shift_signup`): a person should never read either.
  const KEY_SHAPE = /(?<![\w.@/-])[a-z][a-zA-Z0-9]+(?:(?:\.[a-zA-Z][a-zA-Z0-9_]+)+|(?:_[a-z0-9]+)+)(?![\w@/-]|\.\w)/g;
  const localeKeys = new Set(config.localeKeys || []);

  function rawKeys(text) {
    const cleaned = text.replace(NOT_KEYS, ' ');
    const found = new Set(cleaned.match(KEY_SHAPE) || []);
    for (const token of cleaned.split(/[\s,;:()“”"'·，：；（）]+/)) if (localeKeys.has(token)) found.add(token);
    return [...found];
  }

  const ALLOWED_LATIN = new Set((config.allowedLatin || []).map((w) => w.toLowerCase()));
  const ALLOWED_HAN = new Set(config.allowedHan || []);
  // Latin runs: words joined by spaces/hyphens/apostrophes; codes with digits and addresses removed first.
  const LATIN_RUN = /[A-Za-z][A-Za-z'’-]*(?:[ ][A-Za-z][A-Za-z'’-]*)*/g;
  // ...and codes people type: with a digit (A3-502), or four or more capitals (a check-in code RYPTPE).
  const CODES = /\S+@\S+|https?:\/\/\S+|\b[\w-]+\.(linli|org|com|cn|net)\b|\b(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{2,}\b|\b[A-Z]{4,}\b/g;
  const HAN_RUN = /\p{Script=Han}+/gu;

  function wrongScript(text, lang) {
    const out = [];
    if (lang === 'zh') {
      for (const run of text.replace(CODES, ' ').match(LATIN_RUN) || []) {
        const words = run.split(/[ -]/).filter((w) => w.length > 1 && !ALLOWED_LATIN.has(w.toLowerCase()));
        if (!words.length) continue;
        out.push(run);
      }
    } else {
      for (const run of text.match(HAN_RUN) || []) {
        if (ALLOWED_HAN.has(run)) continue;
        out.push(run);
      }
    }
    return out;
  }

  /**
   * Elements that stick out of the 360 px screen: wider than the page (the document scrolls sideways),
   * or cut off by a container that hides its overflow (what is beyond the edge cannot be reached at all).
   * A swipeable row (a chips list, a wide table in its own overflow-x: auto box) is meant to be wider and
   * is not reported; the page-level containers (body, the shell, main) are no such row.
   */
  function overflow() {
    // Not innerWidth: a mobile browser widens the layout viewport to fit a too-wide page (647 px).
    const vw = config.viewportWidth || document.documentElement.clientWidth;
    const docWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    const pageLevel = new Set([document.documentElement, document.body, document.getElementById('shell'), document.getElementById('main')]);
    const offenders = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right <= vw + 1 || r.left >= vw || r.width === 0 || r.height === 0) continue;
      // Fixed bars (the tab bar) stretch with the widened viewport: victims of the overflow, not causes.
      if (!visible(el) || getComputedStyle(el).position === 'fixed') continue;
      if (el.ownerSVGElement) continue; // drawn inside an <svg>, clipped by it: the <svg> itself is checked
      let swipeable = false;
      for (let a = el.parentElement; a && !pageLevel.has(a); a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        // a map (Leaflet's container) is panned: its panes are meant to reach beyond what it shows
        if (ox === 'auto' || ox === 'scroll' || a.classList.contains('leaflet-container')) { swipeable = true; break; }
      }
      if (swipeable) continue;
      const parent = el.parentElement;
      const parentSticksOut = parent && !pageLevel.has(parent) && parent.getBoundingClientRect().right > vw + 1;
      if (!parentSticksOut) offenders.push({ selector: shortSelector(el), width: Math.round(r.width), right: Math.round(r.right) });
    }
    if (docWidth <= vw && !offenders.length) return null;
    return { docWidth, vw, offenders: offenders.slice(0, 5) };
  }

  const TARGETS = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="switch"], [role="checkbox"], [role="tab"], [role="link"], label';

  function targetLabel(el) {
    const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.getAttribute('name') || el.type || '').replace(/\s+/g, ' ').trim();
    return text.slice(0, 30);
  }

  /** Inline in a sentence (WCAG 2.5.8 "inline" exception): an inline link among other text. */
  function inlineInText(el) {
    if (getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement;
    if (!block) return false;
    const own = (el.textContent || '').trim().length;
    return (block.textContent || '').trim().length > own + 2;
  }

  function distanceToRect(x, y, r) {
    const dx = Math.max(r.left - x, 0, x - r.right);
    const dy = Math.max(r.top - y, 0, y - r.bottom);
    return Math.hypot(dx, dy);
  }

  // Care mode asks for 44 px targets the way WCAG 2.5.5 does: no spacing exception there, elderly
  // fingers need the size itself. The 24 px rule is 2.5.8, with its spacing exception.
  function targets(min, spacingException) {
    const all = [];
    for (const el of document.body.querySelectorAll(TARGETS)) {
      if (el.tagName === 'LABEL') {
        const control = el.control;
        if (!control || !['checkbox', 'radio', 'file'].includes(control.type)) continue;
      }
      if (el.disabled || !visible(el) || !reachable(el)) continue;
      if (el.closest('.skip-link') || el.classList.contains('skip-link')) continue;
      const r = el.getBoundingClientRect();
      // Visually hidden (a control whose label is the target), or not laid out yet (a link around an image
      // still loading): nothing a finger can hit, and no stable size to judge.
      if (r.width <= 2 || r.height <= 2) continue;
      if (r.bottom + window.scrollY <= 0 || r.right <= 0) continue; // parked off-screen until focused
      all.push({ el, r });
    }
    const small = all.filter(({ r }) => r.width + 0.5 < min || r.height + 0.5 < min);
    const out = [];
    for (const t of small) {
      if (t.el.tagName === 'A' && inlineInText(t.el)) continue;
      // Spacing exception: a circle of diameter `min` on the target's centre touches no other target
      // and no other small target's circle.
      const cx = (t.r.left + t.r.right) / 2;
      const cy = (t.r.top + t.r.bottom) / 2;
      const crowded = !spacingException || all.some((o) => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el) && (
        distanceToRect(cx, cy, o.r) < min / 2
        || (small.includes(o) && Math.hypot(cx - (o.r.left + o.r.right) / 2, cy - (o.r.top + o.r.bottom) / 2) < min)));
      if (!crowded) continue;
      out.push({ selector: shortSelector(t.el), label: targetLabel(t.el), w: Math.round(t.r.width), h: Math.round(t.r.height) });
    }
    return out;
  }

  function links() {
    const out = [];
    for (const a of document.querySelectorAll('a[href]')) {
      if (!visible(a) || !reachable(a)) continue;
      if ((a.getAttribute('href') || '').startsWith('#')) continue; // a place on this page (the skip link)
      const url = new URL(a.href, location.href);
      const hint = [];
      const holder = a.closest('li') || a;
      for (const el of [a, ...holder.querySelectorAll('[data-status], [data-state], [data-kind], [data-method]')]) {
        for (const k of ['status', 'state', 'kind', 'method']) if (el.dataset && el.dataset[k]) hint.push(`${k}=${el.dataset[k]}`);
      }
      for (const p of a.querySelectorAll('.pill')) hint.push(p.textContent.trim());
      // A list's meta line often says the state too ("已结束 · 排序投票 · 10月7日"): without the numbers.
      const meta = a.querySelector('.list-item__meta');
      if (meta) hint.push(meta.textContent.replace(/[\d\s:/.,·-]+/g, ' ').trim());
      out.push({
        href: url.origin === location.origin ? url.pathname + url.search + url.hash : url.href,
        sameOrigin: url.origin === location.origin,
        download: a.hasAttribute('download'),
        external: (a.target && a.target !== '_self') || a.dataset.external !== undefined,
        text: (a.getAttribute('aria-label') || a.innerText || '').replace(/\s+/g, ' ').trim().slice(0, 40),
        area: a.closest('#tabbar') ? 'tabbar' : a.closest('#appbar') ? 'appbar' : a.closest('dialog') ? 'sheet' : 'main',
        inbox: !!a.closest('#notif-list'),
        inboxTitle: ((a.querySelector('.notif-item__title') || {}).textContent || '').trim(),
        inboxBody: ((a.querySelector('.notif-item__text') || {}).textContent || '').trim(),
        hint: [...new Set(hint)].join(' | '),
      });
    }
    return out;
  }

  /** Everything the rules need, from one look at the screen. */
  J.inspect = async ({ lang, minTarget, spacingException }) => {
    const findings = [];
    const seen = new Set();
    const add = (rule, snippet, detail, selector, run) => {
      const key = `${rule}\u0001${snippet}`;
      if (seen.has(key)) return;
      seen.add(key);
      findings.push({ rule, snippet, detail: detail || '', selector: selector || '', run: run || null });
    };
    for (const { el, text, source } of texts()) {
      const where = source === 'text' ? '' : ` [${source}]`;
      const bad = text.match(BAD_TEXT);
      if (bad) add('bad-text', `${(bad[2] || bad[0]).trim()}${where}`, text.slice(0, 80), shortSelector(el));
      if (ISO_TIME.test(text)) add('bad-text', `ISO timestamp${where}`, text.slice(0, 80), shortSelector(el));
      if (!userContent(el)) {
        for (const key of rawKeys(text)) add('raw-key', `${key}${where}`, text.slice(0, 80), shortSelector(el));
        // `null` and raw keys are reported once, by their own rules, not again as English words.
        const rest = text.replace(new RegExp(BAD_TEXT.source, 'g'), ' ').replace(KEY_SHAPE, ' ').replace(/\S*\d{4}-\d{2}-\d{2}T\S*/g, ' ');
        // Candidates only: the Python side drops those the API sent as user content (the walk's corpus).
        for (const run of wrongScript(rest, lang)) add('script', `${run.slice(0, 40)}${where}`, text.slice(0, 80), shortSelector(el), run);
      }
    }
    const wide = overflow();
    if (wide) {
      const culprits = wide.offenders.map((o) => o.selector);
      const how = wide.docWidth > wide.vw ? `the page is ${wide.docWidth}px wide on a ${wide.vw}px screen` : 'cut off at the screen edge';
      add('overflow', culprits.slice(0, 2).join(' ; ') || 'document', `${how}; ${wide.offenders.map((o) => `${o.selector} ${o.width}px wide, right edge at ${o.right}px`).join('; ')}`);
    }
    const groups = new Map();
    for (const t of targets(minTarget, spacingException)) {
      if (!groups.has(t.selector)) groups.set(t.selector, []);
      groups.get(t.selector).push(t);
    }
    for (const [selector, items] of groups) {
      add('target-size', selector, `${items.length}× under ${minTarget}px, e.g. ${items.slice(0, 3).map((t) => `"${t.label}" ${t.w}×${t.h}`).join(', ')}`, selector);
    }
    const main = document.getElementById('main');
    const { match } = await import('/js/router.js'); // the app's own module instance: its routes
    const found = links();
    for (const link of found) {
      if (!link.sameOrigin) continue;
      link.pattern = match(link.href.split(/[?#]/)[0]).pattern;
      if (link.pattern && !link.pattern.includes(':')) link.hint = ''; // a fixed screen has no item state
    }
    const errorTitles = new Set(config.errorTitles || []);
    const errorScreen = main ? [...main.querySelectorAll('.empty__title')].map((el) => el.textContent.trim()).find((x) => errorTitles.has(x)) : null;
    return {
      findings,
      pattern: match(location.pathname).pattern,
      links: found,
      errorScreen: errorScreen || null,
      route: document.documentElement.dataset.route || null,
      path: location.pathname + location.search + location.hash,
      title: (document.getElementById('appbar-title') || {}).textContent || '',
      docWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    };
  };
})();
