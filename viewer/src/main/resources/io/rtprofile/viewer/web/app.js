'use strict';
// rtprofile viewer: a one-page app over the read-only JSON API (/api/...).
// No framework: every node is built with createElement/textContent, so API text is never parsed as HTML.

const SVGNS = 'http://www.w3.org/2000/svg';
const REFRESH_MS = 5000;
const MEMBERS_PAGE = 50;
const $ = (sel, root = document) => root.querySelector(sel);
const enc = encodeURIComponent;

// ---------- DOM helpers ----------

function build(ns, tag, attrs, kids) {
  const e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid != null && kid !== false) e.append(kid instanceof Node ? kid : String(kid));
  }
  return e;
}
const h = (tag, attrs, ...kids) => build(null, tag, attrs, kids);
const s = (tag, attrs, ...kids) => build(SVGNS, tag, attrs, kids);

// ---------- formatting (UTC everywhere, so the page reads the same on every machine) ----------

function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toISOString().slice(0, 19).replace('T', ' ');
}
const timeCell = (cls, iso) => h('td', { class: cls, title: iso || 'unknown' }, fmtTime(iso));
const fmtInt = n => (n == null ? '—' : Number(n).toLocaleString('en-US'));
const fmtNum = (n, digits = 3) => (n == null ? '—' : typeof n === 'number' ? String(+n.toFixed(digits)) : String(n));
const isoNoMillis = ms => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function fmtCompact(n) {
  const a = Math.abs(n);
  if (a >= 1e6) return +(n / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return +(n / 1e3).toFixed(1) + 'k';
  return fmtInt(Math.round(n * 100) / 100);
}

function valueNodes(v) {
  if (v == null) return h('span', { class: 'muted' }, '—');
  if (Array.isArray(v)) return v.length ? v.map(x => h('span', { class: 'chip' }, fmtNum(x, 6))) : h('span', { class: 'muted' }, '(empty)');
  if (typeof v === 'object') return JSON.stringify(v);
  return fmtNum(v, 6);
}
const plainValue = v => (v == null ? '∅' : Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'object' ? JSON.stringify(v) : fmtNum(v, 6));

function ordinal(n) {
  const v = Math.round(n), t = v % 100;
  return v + (t >= 11 && t <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[v % 10] || 'th'));
}

// Tables are always rendered, so the id exists even when empty; an empty table holds one tr.empty row.
function dataTable(id, heads, rows, empty) {
  return h('table', { id, class: 'table' },
    h('thead', {}, h('tr', {}, heads.map(t => (typeof t === 'string' ? h('th', {}, t) : t)))),
    h('tbody', {}, rows.length ? rows : h('tr', { class: 'empty' }, h('td', { colspan: heads.length, class: 'empty-state' }, empty))));
}
const badge = status => h('span', { class: `badge badge-${status || 'unknown'}` }, status || 'unknown');
const segLabel = seg => seg.name || seg.segmentId;

function bar(fraction, cls = '') {
  const pct = Math.max(0, Math.min(1, Number(fraction) || 0)) * 100;
  return h('span', { class: `bar ${cls}`, 'aria-hidden': 'true' }, h('span', { style: `width:${pct.toFixed(1)}%` }));
}

// Marks occurrences of the query inside text; the node's textContent stays the plain text.
function highlight(text, q) {
  text = String(text ?? '');
  const i = q ? text.toLowerCase().indexOf(q.toLowerCase()) : -1;
  if (i < 0 || !q) return text;
  return [text.slice(0, i), h('mark', {}, text.slice(i, i + q.length)), text.slice(i + q.length)];
}

// ---------- API ----------

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

let pending = 0;
function setLoading(delta) {
  pending += delta;
  $('#loading').hidden = pending <= 0;
}

async function api(path, params) {
  // encodeURIComponent, not URLSearchParams: the server reads '+' as a plus sign, not a space
  const qs = Object.entries(params || {}).filter(([, v]) => v != null && v !== '').map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  setLoading(1);
  try {
    let res;
    try {
      res = await fetch('/api/' + path + (qs ? '?' + qs : ''), { headers: { Accept: 'application/json' }, cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, `Cannot reach the server (${e.message})`);
    }
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { /* a proxy's HTML error page: fall through */ }
    if (!res.ok) throw new ApiError(res.status, (body && body.error) || `${res.status} ${res.statusText || 'error'}`);
    if (body == null) throw new ApiError(res.status, 'The server sent an unreadable response');
    return body;
  } finally {
    setLoading(-1);
  }
}

// ---------- error box, status footer ----------

function showError(err) {
  const msg = err instanceof ApiError
    ? (err.status ? `${err.message} (HTTP ${err.status})` : err.message)
    : `Unexpected error in the page: ${err && err.message ? err.message : err}`;
  if (!(err instanceof ApiError)) console.error(err);
  $('#error-text').textContent = msg;
  $('#error').hidden = false;
}
function clearError() {
  $('#error').hidden = true;
  $('#error-text').textContent = '';
}

let lastStatus = null;
async function refreshStatus() {
  try {
    lastStatus = await api('status');
    const st = lastStatus;
    $('#status').textContent = [
      `${fmtInt(st.profiles)} profiles`,
      st.updatesApplied != null ? `${fmtInt(st.updatesApplied)} updates` : null,
      `lag ${fmtInt(st.lag)}`,
      `data as of ${st.lastUpdatedAt ? fmtTime(st.lastUpdatedAt) + ' UTC' : '—'}`,
    ].filter(Boolean).join(' · ');
  } catch {
    $('#status').textContent = 'Status unavailable';
  }
}

// ---------- router ----------

let routeSeq = 0;      // each navigation gets a token; late responses of older pages are dropped
let timer = null;
let prefetched = null; // a profile the search box already fetched, used once to skip a second request

function mount(ctx, ...nodes) {
  if (ctx.live()) $('#view').replaceChildren(...nodes);
}

function go(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

function safeDecode(x) {
  try { return decodeURIComponent(x); } catch { return x; }
}

async function route() {
  const token = ++routeSeq;
  const ctx = { live: () => token === routeSeq };
  clearInterval(timer);
  timer = null;
  clearError();
  const raw = location.hash.replace(/^#/, '') || '/';
  const qi = raw.indexOf('?');
  const parts = (qi < 0 ? raw : raw.slice(0, qi)).split('/').filter(Boolean).map(safeDecode);
  const query = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
  const page = parts[0] || 'search';
  for (const [id, pages] of [['nav-search', ['search', 'profiles', 'identities']], ['nav-audiences', ['audiences', 'segments']], ['nav-models', ['models']]]) {
    $('#' + id).classList.toggle('active', pages.includes(page));
  }
  mount(ctx, h('p', { class: 'panel muted' }, 'Loading…'));
  refreshStatus();
  try {
    if (page === 'search') await showSearch(ctx, query);
    else if (page === 'profiles' && parts.length === 2) await showProfile(ctx, `profiles/${enc(parts[1])}`);
    else if (page === 'identities' && parts.length >= 3) await showProfile(ctx, `identities/${enc(parts[1])}/${enc(parts.slice(2).join('/'))}`);
    else if (page === 'audiences') await showAudiences(ctx);
    else if (page === 'segments' && parts.length === 2) await showSegment(ctx, parts[1]);
    else if (page === 'models') await showModels(ctx);
    else throw new ApiError(404, `There is no page at #${raw}`);
  } catch (err) {
    if (!ctx.live()) return;
    showError(err);
    mount(ctx, h('div', { class: 'panel empty-state' },
      h('p', {}, err.status === 404 ? 'Nothing found here.' : 'This page could not be loaded.'),
      h('p', {}, h('a', { href: '#/' }, 'Back to search'))));
  }
}

// Refreshes a live page (and the footer's status) every 5 s; a failed refresh shows the error but keeps the page.
function every(ctx, fn) {
  let busy = false, failed = false;
  timer = setInterval(async () => {
    if (busy || !ctx.live() || document.hidden) return;
    busy = true;
    try {
      await Promise.all([fn(), refreshStatus()]);
      if (failed && ctx.live()) clearError();
      failed = false;
    } catch (err) {
      if (ctx.live()) { showError(err); failed = true; }
    } finally {
      busy = false;
    }
  }, REFRESH_MS);
}

// ---------- search ----------

async function submitSearch(text) {
  text = text.trim();
  if (!text) return;
  // Exact identifiers go straight to the profile; anything that is not found falls back to search.
  const ident = /^([A-Za-z][\w.-]*):(.+)$/.exec(text);
  const path = /^p-\S+$/.test(text) ? `profiles/${enc(text)}` : ident ? `identities/${enc(ident[1])}/${enc(ident[2])}` : null;
  if (path) {
    try {
      const profile = await api(path);
      prefetched = { path: `profiles/${enc(profile.profileId)}`, profile };
      return go(`#/profiles/${enc(profile.profileId)}`);
    } catch { /* 404 or anything else: plain search below shows what there is */ }
  }
  go(`#/search?q=${enc(text)}`);
}

async function showSearch(ctx, query) {
  const q = query.get('q') || '';
  const attribute = query.get('attribute') || '';
  const value = query.get('value') || '';
  const prefix = query.get('prefix') === 'true';
  if (q) $('#search-input').value = q;

  const attrForm = h('form', { id: 'attribute-search', class: 'inline-form', onsubmit: e => {
    e.preventDefault();
    const f = e.target.elements;
    if (!f.attribute.value.trim()) return f.attribute.focus();
    const p = new URLSearchParams({ attribute: f.attribute.value.trim(), value: f.value.value });
    if (f.prefix.checked) p.set('prefix', 'true');
    go('#/search?' + p);
  } },
    h('span', { class: 'muted' }, 'Or by attribute:'),
    h('input', { id: 'attr-name', name: 'attribute', placeholder: 'attribute, e.g. country', value: attribute }),
    h('span', {}, '='),
    h('input', { id: 'attr-value', name: 'value', placeholder: 'value, e.g. FR', value }),
    h('label', {}, h('input', { id: 'attr-prefix', name: 'prefix', type: 'checkbox', checked: prefix }), ' prefix'),
    h('button', { id: 'attr-search', type: 'submit' }, 'Find'));

  if (!q && !attribute) {
    return mount(ctx, h('section', { class: 'panel', id: 'search-home' },
      h('h1', {}, 'Find a customer profile'),
      h('p', {}, 'Type in the search box above: an email or any identity value, ',
        h('code', {}, 'namespace:id'), ' (for example ', h('code', {}, 'email:ann@example.com'), ' or ',
        h('code', {}, 'crm:C-1'), '), a profile id (', h('code', {}, 'p-…'), '), or part of an attribute value.'),
      attrForm));
  }

  const res = await api('search', attribute ? { attribute, value, prefix: prefix ? 'true' : null, limit: 50 } : { q, limit: 50 });
  const results = res.results || [];
  const title = attribute ? `${attribute} ${prefix ? 'starts with' : '='} “${value}”` : `“${q}”`;
  mount(ctx, h('section', { class: 'panel', id: 'search' },
    h('div', { class: 'panel-head' },
      h('h1', {}, 'Results for ', title),
      h('span', { class: 'muted', id: 'search-count' },
        `${results.length} profile${results.length === 1 ? '' : 's'}${res.truncated ? ' (more exist: refine the search)' : ''}`)),
    attrForm,
    dataTable('search-results', ['Profile', 'Matched', 'Updated (UTC)'], results.map(r => {
      const m = r.match || {};
      return h('tr', { class: 'search-result', 'data-profile-id': r.profileId },
        h('td', {},
          h('a', { class: 'profile-link', href: `#/profiles/${enc(r.profileId)}` }, r.label || r.profileId),
          r.label ? h('div', { class: 'muted small mono' }, r.profileId) : null),
        h('td', {},
          h('span', { class: 'kind' }, m.kind === 'attribute' ? `attribute ${m.field || ''}` : m.kind === 'identity' ? (m.field || 'identity') : (m.kind || '')),
          ' ', h('span', { class: 'match' }, highlight(m.value, attribute ? value : q))),
        timeCell('updated', r.updatedAt));
    }), 'No profile matches.')));
}

// ---------- profile ----------

async function showProfile(ctx, path) {
  let p;
  if (prefetched && prefetched.path === path) ({ profile: p } = prefetched);
  else p = await api(path);
  prefetched = null;
  if (!ctx.live()) return;
  const refresh = async btn => {
    btn.disabled = true;
    try { await showProfile(ctx, path); clearError(); } catch (err) { showError(err); btn.disabled = false; }
  };
  mount(ctx, renderProfile(p, refresh));
}

function renderProfile(p, refresh) {
  const attrs = Object.entries(p.attributes || {}).sort(([a], [b]) => a.localeCompare(b));
  const segs = Object.entries(p.segments || {}).sort(([a], [b]) => a.localeCompare(b));
  const scores = Object.entries(p.scores || {}).sort(([a], [b]) => a.localeCompare(b));
  const ids = p.identities || [];
  const changes = p.changes || [];
  const card = (id, title, count, body) => h('section', { class: 'card', id: id + '-card' },
    h('h2', {}, title, count != null ? h('span', { class: 'tally' }, count) : null), body);
  const table = dataTable;

  return h('section', { id: 'profile', 'data-profile-id': p.profileId },
    h('div', { class: 'profile-head panel' },
      h('div', {},
        h('div', { class: 'muted small' }, 'Profile'),
        h('h1', { id: 'profile-id', class: 'mono' }, p.profileId)),
      h('dl', { class: 'facts' },
        h('div', {}, h('dt', {}, 'Version'), h('dd', { id: 'profile-version' }, p.version ?? '—')),
        h('div', {}, h('dt', {}, 'Updated (UTC)'), h('dd', { id: 'profile-updated-at', title: p.updatedAt || '' }, fmtTime(p.updatedAt)))),
      h('button', { id: 'profile-refresh', type: 'button', onclick: e => refresh(e.currentTarget) }, 'Refresh')),
    h('div', { class: 'grid' },
      h('div', { class: 'col' },
        card('identities', 'Identities', ids.length, table('identities', ['Namespace', 'Id'], ids.map(i =>
          h('tr', { class: 'identity', 'data-namespace': i.namespace, 'data-id': i.id },
            h('td', {}, h('span', { class: 'ns' }, i.namespace)), h('td', { class: 'mono' }, i.id))), 'No identities.')),
        card('attributes', 'Attributes', attrs.length, table('attributes', ['Name', 'Value', 'Source', 'At (UTC)'], attrs.map(([name, a]) =>
          h('tr', { class: 'attribute', 'data-name': name },
            h('td', { class: 'name' }, name),
            h('td', { class: 'value' }, valueNodes(a && a.value)),
            h('td', { class: 'source' }, a && a.source ? a.source : h('span', { class: 'muted' }, '—')),
            timeCell('at', a && a.at))), 'No attributes.'))),
      h('div', { class: 'col' },
        card('memberships', 'Segments', segs.length, table('memberships', ['Segment', 'Status', 'Since (UTC)'], segs.map(([id, m]) =>
          h('tr', { class: 'membership', 'data-segment-id': id },
            h('td', {}, h('a', { href: `#/segments/${enc(id)}` }, m.name || id), m.name ? h('div', { class: 'muted small mono' }, id) : null),
            h('td', { class: 'status' }, badge(m.status)),
            timeCell('since', m.since))), 'In no segment.')),
        card('scores', 'Scores', scores.length, h('div', { id: 'scores' },
          scores.length ? scores.map(([id, sc]) => renderScore(id, sc)) : h('div', { class: 'empty-state' }, 'No scores.'))))),
    card('changes', 'Recent changes', changes.length, changes.length
      ? h('ol', { id: 'changes', class: 'changes' }, changes.map(renderChange))
      : h('div', { id: 'changes', class: 'empty-state' }, 'No recorded changes.')));
}

function renderScore(modelId, sc) {
  const factors = sc.factors || [];
  const maxAbs = Math.max(1e-9, ...factors.map(f => Math.abs(Number(f.contribution) || 0)));
  return h('div', { class: 'score', 'data-model-id': modelId },
    h('div', { class: 'score-head' },
      h('a', { class: 'model-name', href: '#/models' }, modelId),
      h('span', { class: 'muted small' }, sc.modelVersion != null ? `model v${sc.modelVersion}` : null,
        sc.cluster != null ? ` · cluster ${sc.cluster}` : null)),
    h('div', { class: 'score-line' },
      h('span', { class: 'score-value' }, fmtNum(sc.score)),
      bar(sc.score, 'score-bar'),
      h('span', { class: 'percentile', title: 'rank among recent scores' },
        sc.percentile == null ? 'no percentile' : `${ordinal(sc.percentile)} percentile`)),
    factors.length ? h('table', { class: 'table factors' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Factor'), h('th', {}, 'Value'), h('th', {}, 'Contribution'))),
      h('tbody', {}, factors.map(f => {
        const c = Number(f.contribution) || 0;
        return h('tr', { class: 'factor' },
          h('td', { class: 'feature mono' }, f.feature),
          h('td', { class: 'value' }, plainValue(f.value)),
          h('td', { class: 'contribution-cell' },
            h('span', { class: 'contribution' }, (c > 0 ? '+' : '') + fmtNum(f.contribution)),
            h('span', { class: 'diverging', 'aria-hidden': 'true' },
              h('span', { class: c < 0 ? 'neg' : 'pos', style: `width:${(Math.abs(c) / maxAbs * 50).toFixed(1)}%` }))));
      }))) : null);
}

function renderChange(c) {
  const items = [
    ...(c.attributes || []).map(a => h('li', { class: 'chg-attr' }, h('span', { class: 'name' }, a.name), ': ',
      a.from == null ? ['set to ', h('b', {}, plainValue(a.to))]
        : a.to == null ? ['removed ', h('span', { class: 'muted' }, `(was ${plainValue(a.from)})`)]
          : [h('span', { class: 'from' }, plainValue(a.from)), ' → ', h('b', {}, plainValue(a.to))])),
    ...(c.identitiesAdded || []).map(i => h('li', { class: 'chg-identity' }, 'identity added ', h('span', { class: 'ns' }, i.namespace), ' ', h('span', { class: 'mono' }, i.id))),
    ...(c.segments || []).map(sg => h('li', { class: 'chg-segment' }, badge(sg.status), ' ',
      h('a', { href: `#/segments/${enc(sg.segmentId)}` }, sg.segmentId), sg.at ? h('span', { class: 'muted small' }, ` at ${fmtTime(sg.at)}`) : null)),
    ...(c.scores || []).map(sc => h('li', { class: 'chg-score' }, 'score ', h('span', { class: 'mono' }, sc.modelId), ': ',
      sc.from == null ? 'new ' : [fmtNum(sc.from), ' → '], h('b', {}, sc.to == null ? 'removed' : fmtNum(sc.to)))),
  ];
  return h('li', { class: 'change', 'data-version': c.version },
    h('div', { class: 'change-head' }, h('span', { class: 'version' }, `v${c.version}`), h('span', { class: 'muted' }, fmtTime(c.updatedAt))),
    items.length ? h('ul', {}, items) : h('div', { class: 'muted small' }, 'No visible change (for example a version bump only).'));
}

// ---------- audiences ----------

// Ranges end at the data's last update, not the browser clock: replayed event time may be far from now.
// No step is sent: the server picks one under 200 points that is a multiple of its history bucket.
const RANGES = [
  { key: 'all', label: 'All' },
  { key: '1h', label: 'Last hour', ms: 3600e3 },
  { key: '12h', label: '12 hours', ms: 12 * 3600e3 },
  { key: '7d', label: '7 days', ms: 7 * 864e5 },
  { key: '90d', label: '90 days', ms: 90 * 864e5 },
];
let rangeKey = 'all';

function historyParams() {
  const r = RANGES.find(x => x.key === rangeKey) || RANGES[0];
  if (!r.ms) return {};
  const end = Date.parse(lastStatus && lastStatus.lastUpdatedAt) || Date.now();
  return { from: isoNoMillis(end - r.ms) };
}

function rangePicker(onChange) {
  return h('div', { class: 'range', role: 'group', 'aria-label': 'Time range' }, RANGES.map(r =>
    h('button', { type: 'button', class: r.key === rangeKey ? 'active' : null, 'data-range': r.key,
      onclick: () => { rangeKey = r.key; onChange(); } }, r.label)));
}

function chartCard(id, hist, onRange, extra) {
  return h('div', { class: 'card chart-card' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Population over time'), rangePicker(onRange)),
    populationChart(id, hist),
    h('div', { class: 'legend' },
      h('span', { class: 'key key-pop' }), 'Population (end of step)',
      h('span', { class: 'key key-real' }), 'Realized',
      h('span', { class: 'key key-exit' }), 'Exited (per step)',
      h('span', { class: 'muted' }, ` · step ${hist.step || '?'}`), extra));
}

async function showAudiences(ctx) {
  let selected = null;
  const root = h('section', { id: 'audiences' });
  const load = async () => {
    const { segments = [] } = await api('segments');
    if (!selected || !segments.some(sg => sg.segmentId === selected)) {
      // Until the user picks one, chart the largest audience: the one most people come to see.
      const largest = segments.reduce((a, b) => ((b.population || 0) > (a ? a.population || 0 : -1) ? b : a), null);
      selected = largest ? largest.segmentId : null;
    }
    const hist = selected ? await api(`segments/${enc(selected)}/history`, historyParams()) : null;
    if (!ctx.live()) return;
    const maxPop = Math.max(1, ...segments.map(sg => sg.population || 0));
    const sel = segments.find(sg => sg.segmentId === selected);
    root.replaceChildren(
      h('div', { class: 'panel-head' }, h('h1', {}, 'Audiences'),
        h('span', { class: 'muted small', id: 'audiences-updated' }, `${segments.length} segments · refreshes every 5 s`)),
      h('div', { class: 'card' },
        dataTable('segment-table', ['Segment', h('th', { class: 'num' }, 'Population'), '',
          h('th', { class: 'num' }, 'Realized (total)'), h('th', { class: 'num' }, 'Exited (total)')], segments.map(sg => h('tr', {
            class: 'segment' + (sg.segmentId === selected ? ' selected' : ''), 'data-segment-id': sg.segmentId,
            title: 'Click to chart this segment',
            onclick: e => { if (!e.target.closest('a')) { selected = sg.segmentId; load().catch(showError); } },
          },
            h('td', {}, h('a', { href: `#/segments/${enc(sg.segmentId)}` }, segLabel(sg)), sg.name ? h('div', { class: 'muted small mono' }, sg.segmentId) : null),
            h('td', { class: 'population num', 'data-value': sg.population }, fmtInt(sg.population)),
            h('td', { class: 'bar-cell' }, bar((sg.population || 0) / maxPop)),
            h('td', { class: 'realized num', 'data-value': sg.realized }, fmtInt(sg.realized)),
            h('td', { class: 'exited num', 'data-value': sg.exited }, fmtInt(sg.exited)))), 'No segments are defined.')),
      sel && hist ? chartCard(sel.segmentId, hist, () => load().catch(showError),
        h('a', { class: 'open-segment', href: `#/segments/${enc(sel.segmentId)}` }, `Open ${segLabel(sel)} →`)) : null);
  };
  await load();
  mount(ctx, root);
  every(ctx, load);
}

async function showSegment(ctx, id) {
  const root = h('section', { id: 'segment', 'data-segment-id': id });
  const head = h('div');
  const chart = h('div');
  const cursors = [null]; // the `after` of each page seen, so Previous can go back
  const members = h('div', { class: 'card', id: 'members-card' });

  const loadTotals = async () => {
    const [seg, hist] = await Promise.all([api(`segments/${enc(id)}`), api(`segments/${enc(id)}/history`, historyParams())]);
    if (!ctx.live()) return;
    const stat = (cls, label, v) => h('div', { class: 'stat' }, h('div', { class: 'muted small' }, label), h('div', { class: cls, 'data-value': v }, fmtInt(v)));
    head.replaceChildren(
      h('div', { class: 'crumbs' }, h('a', { href: '#/audiences' }, 'Audiences'), ' › ', segLabel(seg)),
      h('div', { class: 'panel-head' },
        h('div', {}, h('h1', { id: 'segment-name' }, segLabel(seg)), h('div', { class: 'muted mono small' }, seg.segmentId)),
        h('div', { class: 'stats' },
          stat('population', 'Population', seg.population), stat('realized', 'Realized (total)', seg.realized), stat('exited', 'Exited (total)', seg.exited))));
    chart.replaceChildren(chartCard(id, hist, () => loadTotals().catch(showError)));
  };

  const loadMembers = async () => {
    const after = cursors[cursors.length - 1];
    const page = await api(`segments/${enc(id)}/members`, { limit: MEMBERS_PAGE, after });
    if (!ctx.live()) return;
    const list = page.members || [];
    members.replaceChildren(
      h('div', { class: 'panel-head' }, h('h2', {}, 'Members'),
        h('div', { class: 'pager' },
          h('button', { id: 'members-prev', type: 'button', disabled: cursors.length === 1,
            onclick: () => { cursors.pop(); loadMembers().catch(showError); } }, '‹ Previous'),
          h('span', { class: 'muted small', id: 'members-page' }, `Page ${cursors.length}`),
          h('button', { id: 'members-next', type: 'button', disabled: !page.next,
            onclick: () => { cursors.push(page.next); loadMembers().catch(showError); } }, 'Next page ›'))),
      dataTable('members', ['Profile', 'Label', 'Member since (UTC)'], list.map(m => h('tr', { class: 'member', 'data-profile-id': m.profileId },
        h('td', {}, h('a', { class: 'profile-link mono', href: `#/profiles/${enc(m.profileId)}` }, m.profileId)),
        h('td', { class: 'label' }, m.label || h('span', { class: 'muted' }, '—')),
        timeCell('since', m.since))), 'No members on this page.'));
  };

  await Promise.all([loadTotals(), loadMembers()]);
  root.append(head, chart, members);
  mount(ctx, root);
  every(ctx, loadTotals); // members stay put: a moving list under the reader's cursor is worse than a stale one
}

// Population as an area in the upper band; realized (up) and exited (down) as bars in the lower band.
function populationChart(segmentId, hist) {
  const W = 860, H = 270, L = 56, R = 14, T = 12, B = 26;
  const svg = s('svg', { class: 'population-chart', 'data-segment-id': segmentId, viewBox: `0 0 ${W} ${H}`,
    role: 'img', 'aria-label': `Population of ${segmentId} over time` });
  const pts = (hist.points || []).filter(p => !isNaN(Date.parse(p.at))).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (!pts.length) {
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'No history in this range yet'));
    return svg;
  }
  const t0 = Date.parse(pts[0].at);
  const step = stepMs(hist.step) || (pts.length > 1 ? Date.parse(pts[1].at) - t0 : 60e3);
  const t1 = Date.parse(pts[pts.length - 1].at) + step;
  const x = t => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const popH = (H - T - B) * 0.68, flowTop = T + popH + 14, flowMid = flowTop + (H - B - flowTop) / 2, flowHalf = (H - B - flowTop) / 2;
  const [minPop, maxPop] = niceDomain(pts.map(p => p.population || 0));
  const maxFlow = niceMax(Math.max(...pts.map(p => Math.max(p.realized || 0, p.exited || 0))));
  const y = v => T + popH - ((v - minPop) / (maxPop - minPop)) * popH;

  for (const v of [minPop, (minPop + maxPop) / 2, maxPop]) {
    svg.append(s('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }),
      s('text', { class: 'axis', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmtCompact(v)));
  }
  svg.append(s('line', { class: 'grid', x1: L, x2: W - R, y1: flowMid, y2: flowMid }),
    s('text', { class: 'axis', x: L - 6, y: flowTop + 8, 'text-anchor': 'end' }, '+' + fmtCompact(maxFlow)),
    s('text', { class: 'axis', x: L - 6, y: H - B, 'text-anchor': 'end' }, '−' + fmtCompact(maxFlow)));

  // population is the value at the end of each step, so it is drawn at at + step
  const line = pts.map(p => `${x(Date.parse(p.at) + step).toFixed(1)},${y(p.population || 0).toFixed(1)}`);
  const firstX = x(Date.parse(pts[0].at) + step).toFixed(1), baseY = y(minPop).toFixed(1);
  svg.append(s('path', { class: 'pop-area', d: `M${firstX},${baseY}L${line.join('L')}L${(W - R).toFixed(1)},${baseY}Z` }),
    s('polyline', { class: 'pop-line', points: line.join(' ') }));

  const bw = Math.max(1, ((W - L - R) / pts.length) * 0.7);
  for (const p of pts) {
    const t = Date.parse(p.at), cx = (x(t) + x(t + step)) / 2;
    const up = ((p.realized || 0) / maxFlow) * flowHalf, down = ((p.exited || 0) / maxFlow) * flowHalf;
    if (up) svg.append(s('rect', { class: 'bar-real', x: cx - bw / 2, y: flowMid - up, width: bw, height: up }));
    if (down) svg.append(s('rect', { class: 'bar-exit', x: cx - bw / 2, y: flowMid, width: bw, height: down }));
    // an invisible column per step carries the tooltip
    svg.append(s('rect', { class: 'hover', x: x(t), y: T, width: Math.max(1, x(t + step) - x(t)), height: H - T - B },
      s('title', {}, `${fmtTime(p.at)} +${hist.step || ''}\npopulation ${fmtInt(p.population)}\nrealized ${fmtInt(p.realized)} · exited ${fmtInt(p.exited)}`)));
  }

  const ticks = 6, span = t1 - t0;
  for (let i = 0; i <= ticks; i++) {
    const t = t0 + (span * i) / ticks, iso = new Date(t).toISOString();
    // A demo's minutes need seconds to tell the ticks apart.
    const label = span <= 15 * 60e3 ? iso.slice(11, 19) : span <= 36 * 3600e3 ? (i === 0 || iso.slice(0, 10) !== new Date(t - span / ticks).toISOString().slice(0, 10)
      ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16)) : span <= 120 * 864e5 ? iso.slice(5, 10) : iso.slice(0, 10);
    svg.append(s('text', { class: 'axis', x: x(t), y: H - 8, 'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle' }, label));
  }
  return svg;
}

function stepMs(step) {
  const m = /^(\d+)\s*(ms|s|m|h|d|w)$/.exec(step || '');
  return m ? m[1] * { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 864e5, w: 7 * 864e5 }[m[2]] : 0;
}

// From zero, unless the values only wobble near their level (which would draw as a flat line from zero).
function niceDomain(values) {
  const lo = Math.min(...values), hi = Math.max(...values);
  if (lo < hi * 0.5 || hi <= 0) return [0, niceMax(hi)];
  const step = niceMax(Math.max(1, hi - lo) / 4);
  const a = Math.floor(lo / step) * step, b = Math.ceil(hi / step) * step;
  return [a, b > a ? b : a + step];
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map(f => f * p).find(n => n >= v);
}

// ---------- models ----------

async function showModels(ctx) {
  const { models = [] } = await api('models');
  mount(ctx, h('section', { id: 'models' },
    h('div', { class: 'panel-head' }, h('h1', {}, 'Models'), h('span', { class: 'muted small' }, 'Distribution of current scores')),
    models.length === 0 ? h('div', { class: 'panel empty-state' }, 'No models are published.')
      : h('div', { class: 'model-grid' }, models.map(m => h('div', { class: 'model card', 'data-model-id': m.modelId },
        h('h2', { class: 'mono' }, m.modelId),
        h('div', { class: 'stats' },
          h('div', { class: 'stat' }, h('div', { class: 'muted small' }, 'Profiles scored'), h('div', { class: 'count', 'data-value': m.profiles }, fmtInt(m.profiles))),
          h('div', { class: 'stat' }, h('div', { class: 'muted small' }, 'Mean score'), h('div', { class: 'mean', 'data-value': m.mean }, fmtNum(m.mean)))),
        histogram(m))))));
}

function histogram(m) {
  const W = 420, H = 180, L = 40, R = 10, T = 10, B = 24;
  const buckets = m.buckets || [];
  const svg = s('svg', { class: 'score-histogram', 'data-model-id': m.modelId, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Score distribution of ${m.modelId}` });
  if (!buckets.length) {
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'No scores yet'));
    return svg;
  }
  const lo = Math.min(...buckets.map(b => b.from)), hi = Math.max(...buckets.map(b => b.to));
  const maxC = niceMax(Math.max(...buckets.map(b => b.count || 0)));
  const x = v => L + ((v - lo) / (hi - lo || 1)) * (W - L - R);
  const y = c => T + (H - T - B) - (c / maxC) * (H - T - B);
  for (const c of [0, maxC / 2, maxC]) {
    svg.append(s('line', { class: 'grid', x1: L, x2: W - R, y1: y(c), y2: y(c) }),
      s('text', { class: 'axis', x: L - 5, y: y(c) + 4, 'text-anchor': 'end' }, fmtCompact(c)));
  }
  for (const b of buckets) {
    const bx = x(b.from) + 1, bw = Math.max(1, x(b.to) - x(b.from) - 2);
    svg.append(s('rect', { class: 'hist-bar', x: bx, y: y(b.count || 0), width: bw, height: y(0) - y(b.count || 0) },
      s('title', {}, `${fmtNum(b.from)}–${fmtNum(b.to)}: ${fmtInt(b.count)} profiles`)));
  }
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    svg.append(s('text', { class: 'axis', x: x(v), y: H - 6, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle' }, fmtNum(v, 2)));
  }
  if (m.mean != null) {
    svg.append(s('line', { class: 'mean-line', x1: x(m.mean), x2: x(m.mean), y1: T, y2: y(0) }),
      s('text', { class: 'axis mean-label', x: x(m.mean) + 4, y: T + 10 }, `mean ${fmtNum(m.mean, 2)}`));
  }
  return svg;
}

// ---------- start ----------

document.addEventListener('DOMContentLoaded', () => {
  $('#search-form').addEventListener('submit', e => {
    e.preventDefault();
    submitSearch($('#search-input').value).catch(showError);
  });
  $('#error-close').addEventListener('click', clearError);
  document.addEventListener('keydown', e => {
    if (e.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      e.preventDefault();
      $('#search-input').focus();
    }
  });
  window.addEventListener('hashchange', route);
  window.addEventListener('unhandledrejection', e => showError(e.reason));
  route();
});
