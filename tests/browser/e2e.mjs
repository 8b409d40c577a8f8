// End-to-end test of `plenty serve --demo` in a real headless Chromium, as new users would use
// it: sign in, register needs (a typo asked about, a need changed, one withdrawn), propose,
// find, discuss, support and amend a project, delegate, set a deadline, hide a need, join a
// council, open the vote, cast ballots (one answering the projects only), try a CSRF attack,
// close the vote confirming its turnout, count the quorum by hand, read the count, the plan
// and its plots, verify the log, read it in words and check a receipt. And (issue #15) every page, as a visitor, a member and the
// facilitator, in every phase, on a desktop and a phone: axe-core, the charts' contrast, the
// phone layout, a screenshot (see README.md).
//
//   node tests/browser/e2e.mjs http://127.0.0.1:PORT        (or PLENTY_URL=...)
//
// The server must be fresh (`--demo` on an empty database): the script walks round 1 from its
// `needs` phase to the plan. Chromium: $CHROMIUM or /usr/bin/chromium. Screenshots,
// axe-results.json and problems.json go to $PLENTY_BROWSER_ARTIFACTS or tests/browser/artifacts/.
// Exits 1 with a message naming the failed check, or listing the failed checks of issue #15.

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.argv[2] || process.env.PLENTY_URL || '').replace(/\/+$/, '');
if (!BASE) {
  console.error('usage: node e2e.mjs http://127.0.0.1:PORT   (a fresh `plenty serve --demo`)');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.PLENTY_BROWSER_ARTIFACTS || path.join(here, 'artifacts');
const PASSWORD = 'plenty-demo-password';
const T = 15_000; // ms to wait for any one thing in the page

const started = Date.now();
let step = '(starting)';
let checks = 0;

class CheckFailed extends Error {}

function check(cond, what, detail) {
  if (!cond) {
    throw new CheckFailed(`${what}${detail === undefined ? '' : `\n  got: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
  }
  checks++;
}

function log(msg) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
}

function begin(name) {
  step = name;
  log(name);
}

// Anonymous API reads from node (no cookie): the public state of round 1.
async function round1() {
  const r = await fetch(`${BASE}/api/rounds/1`);
  check(r.ok, `GET /api/rounds/1 answers 200`, r.status);
  return r.json();
}

// The text of a form's status line once it has left the '…' state.
async function statusOf(page, formSel) {
  const st = page.locator(`${formSel} .status`);
  await page.waitForFunction(
    (sel) => {
      const e = document.querySelector(sel);
      return e && e.textContent !== '' && e.textContent !== '…';
    },
    `${formSel} .status`,
    { timeout: T },
  );
  return { text: (await st.textContent()).trim(), cls: (await st.getAttribute('class')) || '' };
}

const pageErrors = [];

// Submits a form whose success loads another page (`data-next`, or a GET form): resolves once
// the new page has loaded; a refusal shown in the form's status fails the walk with it.
async function submitAndLoad(page, formSel, what) {
  const loaded = page.waitForEvent('load', { timeout: T }).then(() => null);
  await page.click(`${formSel} button[type=submit]`);
  const refused = page
    .waitForFunction((sel) => {
      const e = document.querySelector(sel);
      return e && e.classList.contains('err') && e.textContent;
    }, `${formSel} .status`, { timeout: T })
    .then((h) => h.jsonValue())
    .catch(() => new Promise(() => {}));
  const err = await Promise.race([loaded, refused]);
  check(err === null, `${what}: the form is accepted and the next page loads`, err);
  await page.waitForLoadState('load');
}

// Submits a form whose success reloads the page after saying "Done." in its status.
async function submitAndReload(page, formSel, what) {
  const reloaded = page.waitForEvent('load', { timeout: T });
  await page.click(`${formSel} button[type=submit]`);
  const s = await statusOf(page, formSel);
  check(s.cls.includes('ok'), `${what}: the form reports success`, s);
  await reloaded;
  return s;
}

// GET /api/v1/rounds/1 as a signed-in member (with `my_needs`, `my_ballot`).
async function roundAs(m) {
  return m.page.evaluate(async () => (await fetch('/api/v1/rounds/1')).json());
}

// The text of every element matching `sel` (none: []).
async function texts(page, sel) {
  return (await page.locator(sel).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
}

// ---- Issue #15: checks that go on walking ------------------------------------------------
//
// The accessibility, contrast, phone-layout, quorum and ballot-form checks record a failure
// and let the walk go on, so that one run lists every problem of every page; the script then
// fails at the end with all of them (the walk's own checks, `check`, still stop it at once).

const problems = new Map(); // key -> { what, detail, where: Set }

function expect(cond, what, detail, { key = what, where = step } = {}) {
  if (cond) {
    checks++;
    return true;
  }
  if (!problems.has(key)) {
    problems.set(key, { what, detail, where: new Set() });
    log(`  PROBLEM: ${what}`);
  }
  problems.get(key).where.add(where);
  return false;
}

// Desktop and phone, as issue #15 asks: a 1100 × 900 window and a 390 × 844 phone.
const DESKTOP = { viewport: { width: 1100, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };

// What the walk learns on its way that names pages: ada's proposal and her receipt.
const known = { proposal: null, receipt: null };

// Every page of the service the walk looks at (the proposal and the receipt pages once the walk
// has made them).
function allPages() {
  return [
    { path: '/', name: 'home' },
    { path: '/login', name: 'login' },
    { path: '/signup', name: 'signup' },
    { path: '/round', name: 'round' },
    { path: '/plan', name: 'plan' },
    { path: '/proposals', name: 'proposals' },
    known.proposal && { path: `/proposal?round=1&id=${known.proposal}`, name: 'proposal' },
    { path: '/facilitate', name: 'facilitate' },
    { path: '/calendar', name: 'calendar' },
    { path: '/audit', name: 'audit' },
    { path: '/audit/log', name: 'audit-log' },
    known.receipt && { path: `/audit/receipt?receipt=${encodeURIComponent(known.receipt)}`, name: 'audit-receipt' },
    { path: '/rounds', name: 'rounds' },
    { path: '/members', name: 'members' },
    { path: '/plan/about', name: 'plan-about' },
    { path: '/account', name: 'account' },
    { path: '/notices', name: 'notices' },
    { path: '/forgot', name: 'forgot' },
    { path: '/no-such-page', name: 'not-found', status: 404 },
    // The pages a member uses most, in French.
    { path: '/round?lang=fr', name: 'round-fr', lang: 'fr' },
    { path: '/proposals?lang=fr', name: 'proposals-fr', lang: 'fr' },
    { path: '/plan?lang=fr', name: 'plan-fr', lang: 'fr' },
  ].filter(Boolean);
}
// The pages that change with the round's phase, looked at in every phase.
const phasePages = () => allPages().filter((p) => ['home', 'round', 'plan', 'proposals', 'proposal', 'facilitate'].includes(p.name));

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_VERSION = JSON.parse(fs.readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version;
const axeResults = []; // one record per page looked at, written to axe-results.json
let screenshots = 0;

// WCAG 2 relative luminance and contrast ratio of two sRGB colours ({r, g, b} in 0..255).
function luminance({ r, g, b }) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
const hex = ({ r, g, b }) => '#' + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');

// In the page: the colours of every SVG's bars and text, each blended over the background the
// SVG is drawn on (the first opaque background of it or an ancestor; white without one).
function svgColours() {
  const parse = (c) => {
    const m = /rgba?\(([^)]*)\)/.exec(c || '');
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (fg, bg, alpha) => ({
    r: fg.r * alpha + bg.r * (1 - alpha),
    g: fg.g * alpha + bg.g * (1 - alpha),
    b: fg.b * alpha + bg.b * (1 - alpha),
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    return layers.reduceRight((bg, c) => over(c, bg, c.a), { r: 255, g: 255, b: 255 });
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.getAttribute('class')) d += '.' + el.getAttribute('class').trim().split(/\s+/).join('.');
    return d;
  };
  return [...document.querySelectorAll('svg')].map((svg, k) => {
    const bg = background(svg);
    const paint = (el) => {
      const s = getComputedStyle(el);
      const fill = parse(s.fill);
      if (!fill) return null;
      let alpha = fill.a * Number(s.fillOpacity || 1);
      for (let e = el; e && e !== svg.parentElement; e = e.parentElement) alpha *= Number(getComputedStyle(e).opacity || 1);
      return { fill: over(fill, bg, alpha), raw: s.fill };
    };
    const name = svg.id ? `svg#${svg.id}` : `svg:nth-of-type(${k + 1})`;
    return {
      svg: name,
      bg,
      bars: [...svg.querySelectorAll('rect.bar')].map((r) => ({ el: describe(r), label: r.querySelector('title')?.textContent || '', ...paint(r) })),
      texts: [...svg.querySelectorAll('text')].map((t) => ({ el: describe(t), label: t.textContent, ...paint(t) })),
    };
  });
}

// In the page: what would make a page scroll sideways, and every SVG against its container.
function layout() {
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // Wide plots and tables scroll inside their frames (a figure, a region of class `scroll`
    // around a table, or the table itself), which stay on the screen; so do forms and their
    // controls (those in a table scroll with it).
    frames: [...document.querySelectorAll('figure, .scroll, table, form, input, select, textarea, button')]
      .filter((f) => !f.parentElement.closest('.scroll, table'))
      .map((f, k) => {
        const name = f.id ? '#' + f.id : f.getAttribute('aria-label') ? `[aria-label="${f.getAttribute('aria-label')}"]` : f.getAttribute('name') ? `[name="${f.getAttribute('name')}"]` : `:nth-of-type(${k + 1})`;
        const form = f.form && f.form.id ? `#${f.form.id} ` : '';
        return { frame: `${form}${f.tagName.toLowerCase()}${name}`, right: Math.round(f.getBoundingClientRect().right) };
      }),
    svgs: [...document.querySelectorAll('svg')].map((s, k) => {
      const c = s.parentElement;
      return {
        svg: s.id ? `svg#${s.id}` : `svg:nth-of-type(${k + 1})`,
        width: Math.round(s.getBoundingClientRect().width * 10) / 10,
        container: `${c.tagName.toLowerCase()}${c.id ? '#' + c.id : ''}`,
        containerWidth: c.clientWidth,
      };
    }),
  };
}

// In the page: axe-core's violations (every impact; the caller fails on serious and critical).
async function runAxe() {
  // eslint-disable-next-line no-undef
  const r = await axe.run(document, { resultTypes: ['violations'] });
  return r.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    tags: v.tags,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(' '),
      html: n.html.slice(0, 300),
      summary: n.failureSummary,
    })),
  }));
}

// Looks at one page as `who` on one screen size: axe, SVG contrast, layout, a screenshot.
async function inspect(page, { phase, who, size }, { path: p, name, status, lang }) {
  const where = `${p} (${who}, ${size}, ${phase} phase)`;
  // First its status and body (with the viewer's cookies): an error status with an empty body
  // is a failure of its own (Chromium then shows its own error page, in English, with no way
  // back to the service).
  const head = await page.request.get(p, { maxRedirects: 0 });
  const got = head.status();
  // A page may also send a visitor elsewhere (3xx), or refuse one who is not signed in with a
  // page saying so (401, 403).
  const fine = status ? got === status : got === 200 || (got >= 300 && got < 400) || (who === 'anonymous' && (got === 401 || got === 403));
  expect(fine, `${p} answers ${status || 200}`, got, { key: `status ${p} ${got}`, where });
  if (got >= 400 && (await head.body()).length === 0) {
    expect(false, `${p} answers ${got} with an empty body: the browser shows its own error page, not one of the service (no title, no language, no way back)`, undefined, { key: `empty ${p}`, where });
    return;
  }
  await page.goto(p);
  if (lang) {
    const got = await page.evaluate(() => document.documentElement.lang);
    expect(got === lang, `${p} is marked as ${lang} (<html lang=${got}>)`, got, { key: `lang ${p}`, where });
  }
  if (p.startsWith('/plan?') || p === '/plan') {
    await page.waitForSelector('#plan-status:not([data-computing])', { timeout: 45_000 }).catch(() => {});
  }
  // Injected through the DevTools protocol, so the service's Content-Security-Policy does
  // not stop it (nor is it loosened for the page).
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(runAxe);
  axeResults.push({ phase, who, size, path: p, url: page.url(), status: got, violations });
  for (const v of violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    for (const n of v.nodes) {
      expect(false, `axe ${v.id} (${v.impact}) on ${p}: ${n.target} — ${v.help}`, { html: n.html, summary: n.summary }, { key: `axe ${v.id} ${p} ${n.target}`, where });
    }
  }
  // Non-text contrast of the chart bars (WCAG 1.4.11: 3:1) and text contrast of the SVG's
  // text (1.4.3: 4.5:1), neither of which axe measures in an SVG.
  for (const s of await page.evaluate(svgColours)) {
    for (const [kind, items, min] of [['rect.bar', s.bars, 3], ['text', s.texts, 4.5]]) {
      for (const it of items) {
        if (!it.fill) continue;
        const ratio = contrast(it.fill, s.bg);
        expect(ratio >= min, `${s.svg} ${kind} fill ${hex(it.fill)} on the background ${hex(s.bg)} of ${p}: contrast ${ratio.toFixed(2)}:1 < ${min}:1`, { element: it.el, label: it.label }, { key: `contrast ${p} ${s.svg} ${kind} ${hex(it.fill)}`, where });
      }
    }
  }
  const l = await page.evaluate(layout);
  if (size === 'phone') {
    // Against the phone's own width: a mobile browser widens its layout viewport (and so
    // `innerWidth`) to fit content wider than the screen, zooming the page out.
    const W = PHONE.viewport.width;
    expect(l.scrollWidth <= W && l.innerWidth <= W, `${p} scrolls sideways on a ${W} px phone (the page is ${l.scrollWidth} px wide; the browser widened its viewport to ${l.innerWidth} px)`, l, { key: `scroll ${p}`, where });
    for (const f of l.frames) {
      expect(f.right <= W, `${p}: ${f.frame} reaches past the right edge of a ${W} px phone (to ${f.right} px)`, undefined, { key: `frame ${p} ${f.frame}`, where });
    }
  }
  for (const s of l.svgs) {
    expect(s.width <= s.containerWidth + 0.5, `${p}: ${s.svg} is ${s.width} px wide, wider than its container ${s.container} (${s.containerWidth} px) on the ${size} screen`, undefined, { key: `svg ${p} ${s.svg} ${size}`, where });
  }
  // CSS pixels (the phone's device scale factor of 3 would make each full page nine times the
  // pixels to encode, for no more to see).
  await page.screenshot({ path: path.join(ARTIFACTS, `${phase}-${who}-${name}-${size}.png`), fullPage: true, scale: 'css' });
  screenshots++;
}

// A desktop page and a phone page for one kind of user. The desktop page is the user's own
// (a second page in the same context would be a background tab, whose timers and animation
// frames Chromium throttles); the phone is a context of its own with the desktop's cookies,
// so it is signed in as the same member.
async function viewerOf(browser, who, desktop) {
  const phoneCtx = await browser.newContext({ baseURL: BASE, ...PHONE, storageState: await desktop.context().storageState() });
  const phone = await phoneCtx.newPage();
  phone.on('pageerror', (e) => pageErrors.push(`${who} (phone): ${phone.url()}: ${e.message}`));
  return { who, desktop, phone, phoneCtx };
}

// Every page of `pages` as every viewer, on both sizes. Viewers look in parallel.
async function sweep(viewers, phase, pages) {
  const t = Date.now();
  const n0 = screenshots;
  await Promise.all(
    viewers.map(async (v) => {
      for (const pg of pages) {
        await inspect(v.desktop, { phase, who: v.who, size: 'desktop' }, pg);
        await inspect(v.phone, { phase, who: v.who, size: 'phone' }, pg);
      }
    }),
  );
  log(`  ${phase} phase: ${screenshots - n0} page views checked (axe ${AXE_VERSION}, SVG contrast, layout) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

// ---- Issue #15: the quorum, counted by hand ---------------------------------------------

const TOPICS = ['projects', 'priorities', 'split'];

// Members represented per topic in round `round`, from the log's public entries (members,
// delegations, ballots under pseudonyms) and what the walk knows: whose pseudonym is whose
// (`memberOf`, from each member's receipt) and which topics each answered (`answered`).
// A member who answered a topic counts for themselves; one who did not follows their
// delegations on that topic to the first member who answered it (nobody, at a loop or an end).
// Each member counts at most once per topic.
function handCount(exportText, round, memberOf, answered) {
  const entries = exportText.trim().split('\n').map((l) => JSON.parse(l).event);
  const members = new Set();
  const delegations = new Map(); // "member topic" -> to
  const ballots = new Map(); // member -> last ballot
  for (const e of entries) {
    if (e.type === 'member_joined') members.add(e.member);
    if (e.type === 'delegation_granted') delegations.set(`${e.member} ${e.topic}`, e.to);
    if (e.type === 'delegation_revoked') delegations.delete(`${e.member} ${e.topic}`);
    if (e.type === 'ballot_cast' && e.round === round) {
      check(memberOf.has(e.voter), `the walk knows whose ballot ${e.voter} is`, [...memberOf.keys()]);
      ballots.set(memberOf.get(e.voter), e.ballot);
    }
  }
  const voted = (m, topic) => ballots.has(m) && (answered.get(m) || new Set()).has(topic);
  const perTopic = {};
  const follows = {}; // topic -> Map(member -> the member whose ballot counts for them)
  const anyTopic = new Set();
  for (const topic of TOPICS) {
    let n = 0;
    follows[topic] = new Map();
    for (const m of members) {
      const seen = new Set();
      let at = m;
      while (at !== undefined && !voted(at, topic) && !seen.has(at)) {
        seen.add(at);
        at = delegations.get(`${at} ${topic}`);
      }
      if (at !== undefined && voted(at, topic)) {
        n++;
        follows[topic].set(m, at);
        anyTopic.add(m);
      }
    }
    perTopic[topic] = n;
  }
  return { perTopic, any: anyTopic.size, follows, ballots, delegations: Object.fromEntries(delegations), members: members.size };
}

// ---- Issue #15: the ballot form, one question at a time ------------------------------------

// The fieldset of the ballot form whose legend matches `re`.
const fieldsetOf = (p, re) => p.locator('#ballot-form fieldset', { has: p.locator('legend', { hasText: re }) });
const QUESTION = { projects: /project/i, split: /split/i, priorities: /priorit/i };

// Chooses "Answer this question" for a topic when the form has such a control (a form without
// one answers every question it is given).
async function answer(p, topic) {
  const c = fieldsetOf(p, QUESTION[topic]).getByLabel(/answer/i);
  if ((await c.count()) > 0) await c.first().check();
}

// Chooses "Leave it to my delegate" for a topic; false if the form has no such control.
async function leaveToDelegate(p, topic) {
  const c = fieldsetOf(p, QUESTION[topic]).getByLabel(/delegate/i);
  if ((await c.count()) === 0) return false;
  await c.first().check();
  return true;
}

async function newMember(browser, email) {
  const ctx = await browser.newContext({ baseURL: BASE, ...DESKTOP });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${email}: ${page.url()}: ${e.message}`));
  await page.goto('/login');
  await page.fill('#login-form input[name=email]', email);
  await page.fill('#login-form input[name=password]', PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/round', { timeout: T }),
    page.click('#login-form button[type=submit]'),
  ]);
  const cookies = await ctx.cookies();
  const c = cookies.find((k) => k.name === 'plenty_session');
  check(c, `${email}: the sign-in sets the plenty_session cookie`, cookies.map((k) => k.name));
  check(c.httpOnly && c.secure && c.sameSite === 'Strict', `${email}: the session cookie is HttpOnly, Secure, SameSite=Strict`, c);
  const nav = await page.locator('nav').textContent();
  check(/Sign out/.test(nav), `${email}: the page says who is signed in`, nav);
  const me = await page.evaluate(async () => (await fetch('/api/me')).json());
  check(typeof me.csrf_token === 'string' && me.csrf_token.length > 10, `${email}: GET /api/me gives a CSRF token`, me);
  return { ctx, page, email, me };
}

// A page on another origin that attacks the ballot endpoint, served by node itself.
function attacker() {
  const server = http.createServer((req, res) => {
    const target = new URL('/api/rounds/1/ballot', BASE).href;
    const forged = JSON.stringify({ approve: [], split: [0, 0, 1], scores: {} });
    const u = new URL(req.url, 'http://x');
    let body;
    if (u.pathname === '/form') {
      // The classic: an auto-submitting form (text/plain so that the body is the JSON).
      body = `<form id=f method=POST enctype=text/plain action="${target}"><input type=hidden name='${forged.slice(0, -1)},"x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`;
    } else {
      // fetch with the victim's credentials. The JSON content type makes it a CORS request
      // with a preflight; the no-cors one is sent as is (text/plain) but cannot set headers.
      body = `<script>
        const t = ${JSON.stringify(target)}, b = ${JSON.stringify(forged)};
        Promise.allSettled([
          fetch(t, {method:'POST', credentials:'include', mode:'no-cors', headers:{'Content-Type':'text/plain'}, body:b}),
          fetch(t, {method:'POST', credentials:'include', headers:{'Content-Type':'application/json', 'X-CSRF-Token':'guess'}, body:b}),
        ]).then(r => { document.title = 'done'; window.results = r.map(x => x.status + ':' + (x.reason ? x.reason.message : x.value.type)); });
      </script>`;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>win a prize</title>${body}`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const baseUrl = new URL(BASE);
  check(fs.existsSync(CHROMIUM), `Chromium is at ${CHROMIUM} (set CHROMIUM to another path)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'plenty-chromium-'));
  // Removed however the script ends (also on the watchdog's exit).
  process.on('exit', () => {
    try {
      fs.rmSync(profile, { recursive: true, force: true });
    } catch {}
  });
  // A fresh profile (--user-data-dir): Playwright takes it as the persistent context's
  // directory; every member then gets a context of their own (own cookies) in that browser.
  const persistent = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const browser = persistent.browser();
  check(browser, 'Playwright gives the browser of the persistent context');
  const evil = await attacker();
  try {
    log(`Chromium ${browser.version()}; plenty at ${BASE}`);
    const before = await round1();
    check(before.phase === 'needs', 'the demo round 1 starts in its needs phase (the server must be fresh)', before.phase);

    begin('anonymous visitor: home, round and plan pages');
    const anonPage = await (await browser.newContext({ baseURL: BASE, ...DESKTOP })).newPage();
    {
      const page = anonPage;
      page.on('pageerror', (e) => pageErrors.push(`anonymous: ${page.url()}: ${e.message}`));
      await page.goto('/');
      check((await page.locator('h1').textContent()).includes('Valley federation'), 'the home page names the federation');
      await page.goto('/round');
      check(await page.locator('a[href="/login"]', { hasText: 'Sign in' }).count() > 0, 'an anonymous visitor is asked to sign in');
      check(await page.locator('#need-form').count() === 0, 'an anonymous visitor gets no need form');
      await page.goto('/plan');
      check(/computed when voting closes/.test(await page.locator('#plan-status').textContent()), 'the plan page says the plan comes after the vote');
    }

    begin('sign-in: the facilitator, ada, bo and cy, each in a browser context of their own');
    const fac = await newMember(browser, 'facilitator@demo.plenty');
    const ada = await newMember(browser, 'ada@demo.plenty');
    const bo = await newMember(browser, 'bo@demo.plenty');
    const cy = await newMember(browser, 'cy@demo.plenty');
    // Who looks at every page in every phase (issue #15): an anonymous visitor, a member and
    // the facilitator, each on a desktop and on a phone.
    const viewers = [
      await viewerOf(browser, 'anonymous', anonPage),
      await viewerOf(browser, 'member', ada.page),
      await viewerOf(browser, 'facilitator', fac.page),
    ];
    {
      // A wrong password is refused with a message in the form.
      const ctx = await browser.newContext({ baseURL: BASE });
      const page = await ctx.newPage();
      await page.goto('/login');
      await page.fill('#login-form input[name=email]', 'di@demo.plenty');
      await page.fill('#login-form input[name=password]', 'not-the-password');
      await page.click('#login-form button[type=submit]');
      const s = await statusOf(page, '#login-form');
      check(/wrong e-mail or password/.test(s.text) && s.cls.includes('err'), 'a wrong password shows the error in the status', s);
      check(new URL(page.url()).pathname === '/login', 'a wrong password stays on /login', page.url());
      await ctx.close();
    }

    begin('needs phase: ada registers a need and sees it in the needs table');
    {
      const p = ada.page;
      await p.goto('/round');
      check((await p.locator('#phase').textContent()) === 'needs', 'the round page shows the needs phase');
      check(await p.locator('#ballot-form').count() === 0, 'no ballot form in the needs phase');
      check(await p.locator('#advance-form').count() === 0, 'a member gets no facilitator form');
      await p.selectOption('#need-form select[name=product]', 'wool');
      await p.fill('#need-form input[name=quantity]', '2.5');
      await p.click('#need-form button[type=submit]');
      const s = await statusOf(p, '#need-form');
      check(s.text === 'Done.' && s.cls.includes('ok'), 'the need form reports success', s);
      // The form reloads the page after success; the table then has the need.
      const row = p.locator('table tr', { has: p.locator('td', { hasText: /^wool$/ }) });
      await row.first().waitFor({ timeout: T });
      const cells = await row.first().locator('td').allTextContents();
      check(Number(cells[1]) === 2.5, 'the needs table shows wool 2.5', cells);
      const r = await round1();
      check(r.needs.some((n) => n.product === 'wool' && n.quantity === 2.5), 'the API has the need', r.needs);
      // A need of a negative quantity is refused by the server, with its message shown.
      await p.selectOption('#need-form select[name=product]', 'bread');
      await p.evaluate(() => document.querySelector('#need-form input[name=quantity]').removeAttribute('min'));
      await p.fill('#need-form input[name=quantity]', '-1');
      await p.click('#need-form button[type=submit]');
      const bad = await statusOf(p, '#need-form');
      check(bad.cls.includes('err') && bad.text.length > 5, 'a negative need is refused with a message', bad);
    }

    begin('needs phase: ada types 1e12 loaves of bread; the form asks before sending it; she registers, changes and withdraws needs on /round');
    {
      const p = ada.page;
      await p.goto('/round');
      const before = (await roundAs(ada)).my_needs;
      await p.selectOption('#need-form select[name=product]', 'bread');
      await p.fill('#need-form input[name=quantity]', '1e12');
      await p.click('#need-form button[type=submit]');
      const s = await statusOf(p, '#need-form');
      const yes = p.locator('#need-form .status button.confirm');
      const explanation = s.text.replace('Yes, I mean it: send it anyway', '').trim();
      check(s.cls.includes('err') && explanation.length > 20, "a need of 1e12 bread is answered with the server's explanation in the form's status", s);
      check((await yes.count()) === 1 && (await yes.textContent()) === 'Yes, I mean it: send it anyway', 'the status offers a button "Yes, I mean it: send it anyway" (class confirm)', await p.locator('#need-form .status').innerHTML());
      log(`  the server: "${explanation}"`);
      // Ada does not confirm: nothing is registered.
      await p.waitForTimeout(300);
      let mine = (await roundAs(ada)).my_needs;
      check(JSON.stringify(mine) === JSON.stringify(before), 'without the confirmation nothing was registered (GET /api/v1/rounds/1: my_needs unchanged)', { before, after: mine });
      // A quantity she means.
      await p.fill('#need-form input[name=quantity]', '3');
      await p.click('#need-form button[type=submit]');
      const ok = await statusOf(p, '#need-form');
      check(ok.text === 'Done.' && ok.cls.includes('ok'), 'a need of 3 bread is registered', ok);
      mine = (await roundAs(ada)).my_needs;
      const bread = mine.find((n) => n.product === 'bread' && !before.some((b) => b.need === n.need));
      const wool = mine.find((n) => n.product === 'wool' && n.quantity === 2.5);
      check(bread && bread.quantity === 3 && wool && mine.length === before.length + 1, "GET /api/v1/rounds/1: my_needs has ada's new bread (3) besides her earlier needs", mine);
      await p.locator(`#change-need-${bread.need}`).waitFor({ timeout: T });
      check((await p.locator('#your-needs form[id^=change-need-]').count()) === mine.length, '"Your needs" on /round lists each of her needs with a form to change it', await texts(p, '#your-needs tr'));
      // She changes the bread to 4.
      await p.fill(`#change-need-${bread.need} input[name=quantity]`, '4');
      await submitAndLoad(p, `#change-need-${bread.need}`, 'ada changes her need of bread to 4');
      mine = (await roundAs(ada)).my_needs;
      check(mine.find((n) => n.need === bread.need)?.quantity === 4, 'GET /api/v1/rounds/1: her need of bread is now 4', mine);
      check((await p.inputValue(`#change-need-${bread.need} input[name=quantity]`)) === '4', '"Your needs" shows 4 bread', await p.inputValue(`#change-need-${bread.need} input[name=quantity]`));
      // And withdraws the wool.
      await submitAndLoad(p, `#withdraw-need-${wool.need}`, 'ada withdraws her need of wool');
      mine = (await roundAs(ada)).my_needs;
      check(!mine.some((n) => n.need === wool.need), 'GET /api/v1/rounds/1: the wool is no longer among her needs', mine);
      const removed = await texts(p, '#removed li');
      check(removed.some((t) => /wool/.test(t) && /withdrawn by its member/.test(t)), '"Withdrawn or hidden" (#removed) on /round shows the wool withdrawn by its member', removed);
      check((await p.locator(`#withdraw-need-${wool.need}`).count()) === 0, '"Your needs" no longer offers to withdraw the wool');
    }

    begin('needs phase: bo registers a need, proposes a project and sees it in the proposals table');
    {
      const p = bo.page;
      await p.goto('/round');
      await p.selectOption('#need-form select[name=product]', 'wool');
      await p.fill('#need-form input[name=quantity]', '7.5');
      await p.click('#need-form button[type=submit]');
      check((await statusOf(p, '#need-form')).cls.includes('ok'), "bo's need of 7.5 wool is registered");
      await p.locator('#your-needs td', { hasText: /^wool$/ }).waitFor({ timeout: T });
      await p.fill('#proposal-form input[name=title]', 'A footbridge over the river');
      await p.fill('#proposal-form input[name=cost_hours]', '300');
      await p.click('#proposal-form button[type=submit]');
      const s = await statusOf(p, '#proposal-form');
      check(s.text === 'Done.' && s.cls.includes('ok'), 'the proposal form reports success', s);
      await p.locator('#proposals td', { hasText: 'A footbridge over the river' }).waitFor({ timeout: T });
    }

    const TITLE = 'A bread oven for the school';
    const DESCRIPTION = 'A wood-fired oven in the school yard, built by the mill and bakery council with the parents.\nThe children bake their own bread on Fridays.';
    const COMMENT = 'Could it also bake for the old people of the valley on Saturdays?';
    const HIDDEN = 'Off topic; posted here by mistake';
    let proposalPath = '';
    begin('needs phase: ada proposes a project with a description, signed with her name');
    {
      const p = ada.page;
      await p.goto('/round');
      await p.fill('#proposal-form input[name=title]', TITLE);
      await p.fill('#proposal-form input[name=cost_hours]', '120');
      await p.fill('#proposal-form textarea[name=description]', DESCRIPTION);
      const signed = p.getByLabel('Show my name as its author');
      check((await signed.count()) === 1, 'the proposal form has a checkbox "Show my name as its author"');
      await signed.check();
      await p.click('#proposal-form button[type=submit]');
      const s = await statusOf(p, '#proposal-form');
      check(s.text === 'Done.' && s.cls.includes('ok'), "ada's proposal is accepted", s);
      const link = p.locator('#proposals a', { hasText: TITLE });
      await link.waitFor({ timeout: T });
      known.proposal = Number(new URL(await link.getAttribute('href'), BASE).searchParams.get('id'));
      check(Number.isInteger(known.proposal) && known.proposal > 0, 'the round page links her proposal to its page', await link.getAttribute('href'));
      proposalPath = `/proposal?round=1&id=${known.proposal}`;
    }

    begin('needs phase: ada finds her proposal on /proposals (search, filter, sort) and opens it');
    {
      const p = ada.page;
      const all = (await round1()).proposals;
      await p.goto('/proposals');
      check((await p.locator('#proposal-list li').count()) === all.length, `/proposals lists the round's ${all.length} proposals`, await texts(p, '#proposal-list li'));
      await p.fill('#proposal-search input[name=q]', 'oven school');
      await submitAndLoad(p, '#proposal-search', 'the search for "oven school"');
      let items = await texts(p, '#proposal-list li');
      check(items.length === 1 && items[0].includes(TITLE), 'searching "oven school" finds her proposal only', items);
      check(/proposed by Ada/i.test(items[0]), 'the list names her as its author (she signed it)', items[0]);
      await p.fill('#proposal-search input[name=q]', '');
      await p.selectOption('#proposal-search select[name=show]', 'mine');
      await submitAndLoad(p, '#proposal-search', 'the filter "mine"');
      items = await texts(p, '#proposal-list li');
      check(items.some((t) => t.includes(TITLE)) && items.length < all.length && items.every((t) => /\(yours\)/.test(t)), 'showing "mine" lists her proposals only, each marked "(yours)"', items);
      await p.selectOption('#proposal-search select[name=show]', 'all');
      await p.selectOption('#proposal-search select[name=sort]', 'cost');
      await submitAndLoad(p, '#proposal-search', 'the order "cost"');
      const ids = (await p.locator('#proposal-list li a').evaluateAll((as) => as.map((a) => Number(new URL(a.href).searchParams.get('id')))));
      const byCost = [...all].sort((a, b) => a.cost_hours - b.cost_hours || a.id - b.id).map((x) => x.id);
      check(JSON.stringify(ids) === JSON.stringify(byCost), 'sorted by cost, the list goes from the cheapest proposal to the dearest', { page: ids, api: byCost });
      await Promise.all([p.waitForEvent('load', { timeout: T }), p.click(`#proposal-list a[href*="id=${known.proposal}"]`)]);
      check((await p.locator('#proposal-title').textContent()) === TITLE, 'the proposal page has its title', await p.locator('#proposal-title').textContent());
      check(/Ada/.test(await p.locator('#proposal-author').textContent()), 'the proposal page names ada as its author');
      const desc = await p.locator('#proposal-description').textContent();
      check(desc.includes('A wood-fired oven') && desc.includes('on Fridays'), 'the proposal page shows the description', desc);
      check((await p.locator('#amend-form').count()) === 1, 'the proposer is offered to amend her proposal');
    }

    begin('needs phase: bo comments on the proposal; the facilitator hides the comment with a reason');
    {
      const p = bo.page;
      await p.goto(proposalPath);
      check((await p.locator('#amend-form').count()) === 0, 'a member who did not propose it is not offered to amend it');
      await p.fill('#comment-form textarea[name=text]', COMMENT);
      await submitAndLoad(p, '#comment-form', 'bo comments');
      const c = await texts(p, '#comments li');
      check(c.length === 1 && c[0].includes(COMMENT) && /Bo/.test(c[0]), "the discussion shows bo's comment under his name", c);
      const heads = await texts(p, 'main h2');
      check(heads.includes('Discussion (1 comment)'), 'the discussion\'s heading counts one comment, in the singular', heads);
      // bo supports the proposal: the page counts him, and the list sorted by supports puts it
      // first.
      const supports = async () => (await p.locator('#supports').textContent()).match(/\d+/g);
      check(JSON.stringify(await supports()) === '["0"]', 'the proposal page says no member supports it yet (#supports)', await p.locator('#supports').textContent());
      check((await p.locator('#support-form button[type=submit]').textContent()) === 'Support it', 'bo is offered to support it');
      await submitAndLoad(p, '#support-form', 'bo supports the proposal');
      check(JSON.stringify(await supports()) === '["1"]', 'the proposal page counts his support (#supports)', await p.locator('#supports').textContent());
      check((await p.locator('#support-form button[type=submit]').textContent()) === 'Take back my support', 'bo is offered to take his support back');
      await p.goto('/proposals?sort=supports');
      const first = await texts(p, '#proposal-list li');
      check(first.length > 1 && first[0].includes(TITLE) && /, 1 support/.test(first[0]), '/proposals sorted by supports puts the supported proposal first, with its support', first);
      const f = fac.page;
      await f.goto(proposalPath);
      const hide = f.locator('form[id^=hide-comment-]');
      check((await hide.count()) === 1, 'the facilitator is offered to hide the comment', await hide.count());
      const id = await hide.getAttribute('id');
      await f.fill(`#${id} input[name=reason]`, HIDDEN);
      await submitAndLoad(f, `#${id}`, 'the facilitator hides the comment');
      for (const [who, page] of [['the facilitator', f], ['bo', p]]) {
        await page.goto(proposalPath);
        const after = await texts(page, '#comments li');
        check(after.length === 1 && after[0] === `A facilitator hid this comment: ${HIDDEN}`, `${who} reads "A facilitator hid this comment: ${HIDDEN}" instead of the comment`, after);
      }
    }

    begin('needs phase: ada amends her proposal; the page keeps the earlier version');
    {
      const p = ada.page;
      await p.goto(proposalPath);
      await p.fill('#amend-form input[name=cost_hours]', '150');
      await p.fill('#amend-form textarea[name=description]', `${DESCRIPTION}\nAmended: with a roof over the oven.`);
      await submitAndLoad(p, '#amend-form', 'ada amends her proposal');
      check(/150 h/.test(await p.locator('main').textContent()), 'the proposal page gives the amended cost, 150 h');
      check(/with a roof/.test(await p.locator('#proposal-description').textContent()), 'the proposal page shows the amended description');
      const versions = p.locator('#proposal-versions');
      check((await versions.count()) === 1, 'the proposal page has its earlier versions (#proposal-versions)');
      const v = (await versions.textContent()).replace(/\s+/g, ' ');
      check(/120 h/.test(v), 'the earlier version (120 h) is kept', v);
      check((await round1()).proposals.find((x) => x.id === known.proposal)?.cost_hours === 150, 'GET /api/v1/rounds/1 has the amended cost');
    }

    begin('delegations: bo leaves the projects to ada; cy the split to bo and the priorities to ada');
    // bo through the delegation form of /members (when the service has it); cy through the
    // API, as a member's own script would.
    const delegateByForm = async (m, topic, to) => {
      const p = m.page;
      const r = await p.goto('/members');
      if (!r || r.status() === 404 || (await p.locator('#delegate-form').count()) === 0) return false;
      await p.selectOption('#delegate-form select[name=topic]', topic);
      await p.selectOption('#delegate-form select[name=to]', String(to));
      await p.click('#delegate-form button[type=submit]');
      const s = await statusOf(p, '#delegate-form');
      check(s.cls.includes('ok'), `${m.email}: the delegation form reports success`, s);
      return true;
    };
    const delegate = async (m, topic, to) => {
      const r = await m.page.evaluate(
        async ([topic, to]) => {
          const t = (await (await fetch('/api/v1/me')).json()).csrf_token;
          const r = await fetch('/api/v1/delegations', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': t }, body: JSON.stringify({ topic, to }) });
          return { status: r.status, body: await r.json() };
        },
        [topic, to],
      );
      check(r.status === 201 && r.body.topic === topic && r.body.to === to, `${m.email} delegates ${topic} to member ${to}`, r);
    };
    const intended = [
      [bo, 'projects', ada],
      [cy, 'split', bo],
      [cy, 'priorities', ada],
    ];
    for (const [m, topic, to] of intended) {
      if (m.me.delegations?.[topic] === to.me.member) continue;
      if (m === bo && (await delegateByForm(m, topic, to.me.member))) {
        log(`  ${m.email}: delegated ${topic} through the form of /members`);
      } else {
        await delegate(m, topic, to.me.member);
      }
    }
    {
      const me = await bo.page.evaluate(async () => (await fetch('/api/v1/me')).json());
      check(me.delegations.projects === ada.me.member, "GET /api/v1/me shows bo's delegation", me.delegations);
      const cyMe = await cy.page.evaluate(async () => (await fetch('/api/v1/me')).json());
      check(cyMe.delegations.split === bo.me.member && cyMe.delegations.priorities === ada.me.member, "GET /api/v1/me shows cy's delegations", cyMe.delegations);
    }

    begin('facilitator (/facilitate): sets the voting deadline, hides a need with a reason, approves a request to join a council, creates an invitation');
    const votingCloses = new Date(Date.now() + 4 * 86400e3);
    votingCloses.setHours(18, 0, 0, 0);
    {
      const p = fac.page;
      await p.goto('/facilitate');
      const pad = (n) => String(n).padStart(2, '0');
      const local = `${votingCloses.getFullYear()}-${pad(votingCloses.getMonth() + 1)}-${pad(votingCloses.getDate())}T18:00`;
      await p.fill('#deadline-voting input[type=datetime-local]', local);
      await submitAndReload(p, '#deadline-voting', 'the voting deadline');
      const dl = (await round1()).deadlines;
      check(dl.some(([ph, ms]) => ph === 'voting' && ms === votingCloses.getTime()), `GET /api/v1/rounds/1 has the voting deadline (${votingCloses.toISOString()})`, dl);
      // Members see it in the calendar, and can subscribe to it.
      const a = ada.page;
      await a.goto('/calendar');
      const rows = a.locator('#calendar tr', { has: a.locator(`time[datetime]`) });
      const when = await rows.locator('time').evaluateAll((ts) => ts.map((t) => Date.parse(t.getAttribute('datetime'))));
      check(when.includes(votingCloses.getTime()), '/calendar (#calendar) lists the voting deadline', await texts(a, '#calendar tr'));
      const ics = await fetch(`${BASE}/calendar.ics`);
      const icsText = await ics.text();
      check(ics.ok && /^text\/calendar/.test(ics.headers.get('content-type') || ''), '/calendar.ics answers text/calendar', { status: ics.status, type: ics.headers.get('content-type') });
      check(/BEGIN:VCALENDAR/.test(icsText) && /BEGIN:VEVENT/.test(icsText), '/calendar.ics has an event', icsText.slice(0, 400));
      // bo's 7.5 wool: the facilitator hides it, with a reason every member reads.
      const row = p.locator('#review-needs tr', { hasText: /wool/ }).filter({ hasText: /7\.5/ });
      check((await row.count()) === 1, "the review table (#review-needs) lists bo's 7.5 wool", await texts(p, '#review-needs tr'));
      const id = await row.locator('form[id^=hide-need-]').getAttribute('id');
      await p.fill(`#${id} input[name=reason]`, 'Registered twice by mistake');
      await submitAndReload(p, `#${id}`, 'the facilitator hides a need');
      const removed = (await round1()).removed;
      check(removed.some((x) => x.item.need === Number(id.split('-').pop()) && x.hidden_because === 'Registered twice by mistake'), 'GET /api/v1/rounds/1 lists the need as hidden, with the reason', removed);
      await bo.page.goto('/round');
      const seen = await texts(bo.page, '#removed li');
      check(seen.some((t) => /wool/.test(t) && t.includes('hidden by a facilitator: Registered twice by mistake')), 'bo reads on /round (#removed) that a facilitator hid his need, and why', seen);
      // cy asks to join a council on /members; the facilitator approves it on /facilitate.
      const c = cy.page;
      await c.goto('/members');
      const join = c.locator('#my-councils li', { has: c.locator('form[id^=council-join-]') }).first();
      const council = (await join.textContent()).replace('Ask to join', '').trim();
      const joinId = await join.locator('form').getAttribute('id');
      await submitAndLoad(c, `#${joinId}`, `cy asks to join ${council}`);
      const waiting = await texts(c, '#my-councils li');
      check(waiting.some((t) => t.startsWith(council) && /your request waits for a facilitator/.test(t)), `/members tells cy her request to join ${council} waits for a facilitator`, waiting);
      await p.goto('/facilitate');
      const req = p.locator('#join-requests li', { hasText: council });
      check((await req.count()) === 1 && /^Cy/.test(await req.textContent()), `/facilitate lists cy's request to join ${council}`, await texts(p, '#join-requests li'));
      await submitAndReload(p, `#${await req.locator('form[id^=approve-]').getAttribute('id')}`, "the facilitator approves cy's request");
      await c.goto('/members');
      const joined = await texts(c, '#my-councils li');
      check(joined.some((t) => t.startsWith(`${council} (yours)`)), `/members shows cy in ${council}`, joined);

      // An invitation for a new member: the code is shown once, in the status.
      await p.click('#invite-form button[type=submit]');
      const inv = await statusOf(p, '#invite-form');
      check(inv.cls.includes('ok') && /Invitation code.*: \S{8,}/.test(inv.text), 'the invitation form shows the code', inv);
    }

    begin('needs phase: every page as a visitor, a member and the facilitator, desktop and phone');
    await sweep(viewers, 'needs', phasePages());

    begin('facilitator (/facilitate): moves round 1 from needs to voting');
    {
      const p = fac.page;
      await p.goto('/facilitate');
      const label = await p.locator('#facilitate-advance button[type=submit]').textContent();
      check(/voting/.test(label), 'the facilitator is offered the move to voting', label);
      await submitAndReload(p, '#facilitate-advance', 'the move to voting');
      check((await round1()).phase === 'voting', 'the API shows the voting phase');
      // Members see when voting closes on the round page.
      const a = ada.page;
      await a.goto('/round');
      check((await a.locator('#phase').textContent()) === 'voting', 'the round page shows the voting phase');
      const d = a.locator('#deadline');
      check((await d.count()) === 1 && /^Voting closes on/.test(await d.textContent()), 'the round page says when voting closes (#deadline)', await d.allTextContents());
      const at = Date.parse(await d.locator('time').getAttribute('datetime'));
      check(at === votingCloses.getTime(), "#deadline gives the facilitator's date", { page: new Date(at).toISOString(), set: votingCloses.toISOString() });
    }

    begin('voting: ada, bo and cy cast ballots; cy casts twice');
    const receipts = {};
    // `leave`: the questions left to the member's delegate. bo leaves the projects to ada (on a
    // form without a "delegate" control, ticking no project leaves them too); cy's second
    // ballot answers the projects only, leaving the split to bo (issue #15: this needs the
    // form's "Leave it to my delegate" control, and fails without it).
    const ballots = [
      { m: ada, approve: [1, 3], split: ['0.75', '0.2', '0.05'], score: ['bread', '5'], leave: [] },
      { m: bo, approve: [], split: ['0.7', '0.25', '0.05'], score: ['wool', '3'], leave: ['projects'] },
      { m: cy, approve: [2], split: ['0.8', '0.15', '0.05'], score: null, leave: ['priorities'] },
      { m: cy, approve: [3, 4], split: null, score: null, leave: ['split', 'priorities'], again: true, strict: 'split' },
    ];
    const answered = new Map(); // member id -> topics their last ballot answers
    for (const b of ballots) {
      const p = b.m.page;
      const who = b.m.email;
      await p.goto('/round');
      check(await p.locator('#need-form').count() === 0, 'no need form once voting is open');
      const boxes = p.locator('#ballot-form input[name=approve]');
      const nProposals = (await round1()).proposals.length;
      check((await boxes.count()) === nProposals && nProposals === 5, 'the ballot lists the five proposals', await boxes.count());
      const topics = new Set([b.approve.length ? 'projects' : null, b.split ? 'split' : null, b.score ? 'priorities' : null].filter(Boolean));
      let viaForm = true;
      for (const topic of TOPICS) {
        if (!b.leave.includes(topic)) {
          await answer(p, topic);
        } else if (!(await leaveToDelegate(p, topic)) && b.strict === topic) {
          expect(false, `the ballot form has no control to leave the ${topic} to the delegate (looked in the fieldset whose legend matches ${QUESTION[topic]} for a control whose accessible label contains "delegate"): ${who} cannot answer the projects only`, await fieldsetOf(p, QUESTION[topic]).innerHTML().catch(() => '(no such fieldset)'));
          viaForm = false;
        }
      }
      let text;
      let receipt;
      if (viaForm) {
        for (const id of [1, 2, 3, 4]) await p.setChecked(`#ballot-form input[name=approve][value="${id}"]`, b.approve.includes(id));
        if (b.split) for (let k = 0; k < 3; k++) await p.fill(`#ballot-form input[name=split${k}]`, b.split[k]);
        if (b.score) await p.selectOption(`#ballot-form select[name="score:${b.score[0]}"]`, b.score[1]);
        await p.click('#ballot-form button[type=submit]');
        const s = await statusOf(p, '#ballot-form');
        check(s.cls.includes('ok') && /^Ballot recorded/.test(s.text), `${who}: the ballot is recorded`, s);
        text = s.text;
        receipt = (s.text.match(/Your receipt: (\S+)/) || [])[1];
        check(/replaces your earlier ballot/.test(s.text) === !!b.again, `${who}: a ${b.again ? 'second ballot says it replaces' : 'first ballot does not say it replaces'} the earlier one`, s.text);
      } else {
        // The walk goes on with the ballot the form should have sent, cast through the API,
        // so that the count below is the count of the intended ballots.
        log(`  ${who}: cast through the API instead (the form cannot leave the ${b.strict} to the delegate)`);
        const r = await p.evaluate(async (ballot) => {
          const t = (await (await fetch('/api/v1/me')).json()).csrf_token;
          const r = await fetch('/api/v1/rounds/1/ballot', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': t }, body: JSON.stringify(ballot) });
          return { status: r.status, body: await r.json() };
        }, { approve: b.approve, scores: b.score ? { [b.score[0]]: Number(b.score[1]) } : {}, ...(b.split ? { split: b.split.map(Number) } : {}) });
        check(r.status === 200 && r.body.replaces === !!b.again, `${who}: the ballot is recorded through the API`, r);
        text = JSON.stringify(r.body);
        receipt = r.body.receipt;
      }
      check(receipt && receipt === b.m.me.receipt?.pseudonym, `${who}: the receipt is the pseudonym of /api/me`, { got: text, me: b.m.me.receipt });
      receipts[who] = receipt;
      if (b.m === ada) known.receipt = receipt;
      answered.set(b.m.me.member, topics);
      const mine = await p.evaluate(async () => (await (await fetch('/api/v1/rounds/1')).json()).my_ballot);
      check(JSON.stringify(mine.approve) === JSON.stringify(b.approve), `${who}: the recorded ballot has the approvals ticked`, mine);
      if (b.split) {
        check(Math.abs(mine.split[0] - Number(b.split[0])) < 1e-9, `${who}: the recorded ballot has the split entered`, mine);
      } else {
        expect(mine.split == null && mine.discount_rate == null, `${who}: a ballot that leaves the split to the delegate votes no split (GET /api/v1/rounds/1: my_ballot.split is null)`, mine);
      }
      if (!b.score) expect(Object.keys(mine.scores || {}).length === 0, `${who}: a ballot that answers no priority gives no scores`, mine);
    }
    check(new Set(Object.values(receipts)).size === 3, 'three different receipts', receipts);
    const cast = (await round1()).ballots_cast;
    check(cast === 4, 'the API counts 4 ballots cast (cy twice)', cast);

    begin('voting phase: every page as a visitor, a member and the facilitator, desktop and phone');
    await sweep(viewers, 'voting', phasePages());

    begin('CSRF: ada, signed in, visits pages of other origins that post a ballot for her');
    {
      const ctx = ada.ctx;
      const adaBallot = async () => ada.page.evaluate(async () => (await (await fetch('/api/rounds/1')).json()).my_ballot);
      const ballotBefore = await adaBallot();
      const port = evil.address().port;
      // Cross-site (localhost vs 127.0.0.1): SameSite=Strict keeps the cookie home.
      // Same-site but cross-origin (another port): the cookie goes, the CSRF token does not.
      const otherHost = baseUrl.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
      const origins = [`http://${otherHost}:${port}`, `http://${baseUrl.hostname}:${port}`];
      const seen = [];
      for (const origin of origins) {
        for (const kind of ['form', 'fetch']) {
          const page = await ctx.newPage();
          const ballotPosts = [];
          page.on('response', (r) => {
            if (r.url().endsWith('/api/rounds/1/ballot') && r.request().method() === 'POST') {
              ballotPosts.push({ status: r.status(), type: r.request().resourceType() });
            }
          });
          await page.goto(`${origin}/${kind}`);
          if (kind === 'form') {
            await page.waitForURL((u) => u.pathname === '/api/rounds/1/ballot', { timeout: T });
            await page.waitForLoadState('load');
          } else {
            await page.waitForFunction(() => document.title === 'done', null, { timeout: T });
          }
          await page.waitForTimeout(200);
          seen.push({ origin, kind, posts: ballotPosts });
          for (const x of ballotPosts) {
            check(x.status === 401 || x.status === 403, `the server refuses the ${kind} POST from ${origin}`, x);
          }
          if (kind === 'form') {
            const txt = await page.locator('body').textContent();
            check(/"error":"(unauthorized|csrf)"/.test(txt), `the forged form from ${origin} gets an unauthorized or csrf error`, txt);
          }
          await page.close();
        }
      }
      log(`  attacks: ${JSON.stringify(seen)}`);
      // The server's answer tells what it saw: 401 = no session cookie came with the request,
      // 403 = the cookie came but no valid CSRF token.
      const crossSite = seen.filter((s) => s.origin.includes(otherHost)).flatMap((s) => s.posts);
      check(crossSite.length >= 2 && crossSite.every((x) => x.status === 401), 'cross-site POSTs arrive without the session cookie (SameSite=Strict) and get 401', crossSite);
      const sameSite = seen.filter((s) => !s.origin.includes(otherHost)).flatMap((s) => s.posts);
      check(sameSite.length >= 2 && sameSite.every((x) => x.status === 403), 'same-site POSTs from another origin carry the cookie but no token, and get 403', sameSite);
      const after = await round1();
      check(after.ballots_cast === cast, 'no ballot was added by the attacks (ballots_cast unchanged)', { before: cast, after: after.ballots_cast });
      check(JSON.stringify(await adaBallot()) === JSON.stringify(ballotBefore), "ada's ballot is unchanged");

      // Same origin, but with a wrong or no token: 403 "csrf".
      const res = await ada.page.evaluate(async () => {
        const b = JSON.stringify({ approve: [], split: [0, 0, 1], scores: {} });
        const out = [];
        for (const headers of [{ 'X-CSRF-Token': '1.deadbeef' }, {}]) {
          const r = await fetch('/api/rounds/1/ballot', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: b });
          out.push({ status: r.status, body: await r.json() });
        }
        return out;
      });
      for (const r of res) check(r.status === 403 && r.body.error === 'csrf', 'a same-origin POST with a wrong or missing X-CSRF-Token gets 403 "csrf"', r);
      check((await round1()).ballots_cast === cast, 'ballots_cast still unchanged');
      // And the token is what makes it work: the same request with it is accepted.
      const ok = await ada.page.evaluate(async (ballot) => {
        const t = (await (await fetch('/api/me')).json()).csrf_token;
        const r = await fetch('/api/rounds/1/ballot', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': t }, body: JSON.stringify(ballot) });
        return { status: r.status, body: await r.json() };
      }, ballotBefore);
      check(ok.status === 200 && ok.body.replaces === true, 'with the right token the same request is accepted (ada re-casts her ballot)', ok);
    }

    begin('facilitator (/facilitate): closes the vote, confirming the turnout (advance to plan)');
    let computingSeen = false;
    let quorumText = '';
    {
      const p = fac.page;
      await p.goto('/facilitate');
      const form = '#facilitate-advance';
      const label = await p.locator(`${form} button[type=submit]`).textContent();
      check(/plan/.test(label), 'the facilitator is offered the move to the plan phase', label);
      const box = p.locator(`${form} input[type=checkbox][name=confirm]`);
      check((await box.count()) === 1 && (await box.getAttribute('required')) !== null, 'closing the vote asks for a required confirmation checkbox', await p.locator(form).innerHTML());
      const r = await round1();
      const confirmText = (await p.locator(`${form} label`, { has: p.locator('input[name=confirm]') }).textContent()).trim();
      const m = confirmText.match(/with (\d+) ballots from (\d+) members/);
      check(m && Number(m[1]) === r.ballots && Number(m[2]) === r.eligible, `the confirmation states the turnout: with ${r.ballots} ballots from ${r.eligible} members`, confirmText);
      // Without the tick the browser's validation stops the form: nothing is sent.
      await p.click(`${form} button[type=submit]`);
      await p.waitForTimeout(300);
      const blocked = await p.evaluate((sel) => {
        const f = document.querySelector(sel);
        return { valid: f.checkValidity(), missing: f.querySelector('input[name=confirm]').validity.valueMissing, status: f.querySelector('.status').textContent };
      }, form);
      check(!blocked.valid && blocked.missing && blocked.status === '', 'submitting without ticking the confirmation is blocked by the browser (nothing sent)', blocked);
      check((await round1()).phase === 'voting', 'the round is still in its voting phase');
      await box.check();
      await submitAndReload(p, form, 'closing the vote');
      await p.goto('/round');
      // Ada opens the plan at once: while it is computed the page says so and reloads itself
      // (when the solve is quick the plan may already be there).
      await ada.page.goto('/plan');
      computingSeen = (await ada.page.locator('#plan-status[data-computing]').count()) > 0;
      log(`  the plan page on first load: ${computingSeen ? 'being computed (reloads itself)' : 'already computed'}`);
      await p.locator('#quorum').waitFor({ timeout: T });
      quorumText = (await p.locator('#quorum').textContent()).trim();
      check(/^Quorum met/.test(quorumText), 'the count shows the quorum met', quorumText);
      check(await p.locator('#proposals th', { hasText: 'funded' }).count() === 1, 'the proposals table gains a funded column');
    }

    begin('the count: the members represented, counted by hand');
    {
      // Public data: the log's export (members, delegations, ballots under pseudonyms) and the
      // round's count; the walk's own knowledge: whose receipt is whose, who answered what.
      const exp = await (await fetch(`${BASE}/api/v1/audit/export`)).text();
      const memberOf = new Map([ada, bo, cy, fac].filter((m) => receipts[m.email]).map((m) => [receipts[m.email], m.me.member]));
      const hc = handCount(exp, 1, memberOf, answered);
      const r = await round1();
      log(`  by hand: members represented per topic ${JSON.stringify(hc.perTopic)}, on some topic ${hc.any}, of ${r.eligible}; ${hc.ballots.size} ballots; delegations ${JSON.stringify(hc.delegations)}`);
      log(`  the page: "${quorumText}"`);
      // The recorded ballots answer the questions the walk meant them to.
      for (const [m, ballot] of hc.ballots) {
        const got = TOPICS.filter((t) => (t === 'projects' ? ballot.approve?.length > 0 : t === 'priorities' ? Object.keys(ballot.scores || {}).length > 0 : ballot.split != null || ballot.discount_rate != null));
        expect(JSON.stringify(got) === JSON.stringify(TOPICS.filter((t) => answered.get(m).has(t))), `member ${m}'s recorded ballot answers ${JSON.stringify(TOPICS.filter((t) => answered.get(m).has(t)))}`, { recorded: ballot, answers: got });
      }
      // The walk is built so that every topic represents the same members: the page's one
      // figure then has one right value, whichever topic it is read for.
      check(TOPICS.every((t) => hc.perTopic[t] === hc.any) && hc.any === 3, 'by hand: 3 members represented on every topic (ada, bo, cy; not di, not the facilitator)', hc.perTopic);
      const m = quorumText.match(/(\d+) of (\d+) members represented by (\d+) ballots/);
      check(m, '#quorum says how many members the ballots represent', quorumText);
      expect(Number(m[1]) === hc.any, `#quorum on /round says ${m[1]} members represented; counted by hand, ${hc.any} (each member once per topic: ${JSON.stringify(hc.perTopic)})`, quorumText);
      expect(Number(m[2]) === r.eligible, `#quorum on /round says ${m[2]} members; the round has ${r.eligible} eligible`, quorumText);
      expect(Number(m[3]) === hc.ballots.size, `#quorum on /round says ${m[3]} ballots; ${hc.ballots.size} members voted`, quorumText);
      // Figures given per topic, if the page gives them, are each the hand count.
      for (const [, topic, n] of quorumText.matchAll(/\b(projects|priorities|split)\D{0,30}?(\d+)/gi)) {
        expect(Number(n) === hc.perTopic[topic.toLowerCase()], `#quorum on /round gives ${n} for ${topic}; counted by hand, ${hc.perTopic[topic.toLowerCase()]}`, quorumText);
      }
      expect(r.tally.quorum.represented === hc.any, `GET /api/v1/rounds/1: tally.quorum.represented is ${r.tally.quorum.represented}; counted by hand, ${hc.any}`, r.tally.quorum);
      // Per topic, when the count gives it: `[projects, priorities, split]`, like every topic
      // weight of the log.
      const byTopic = r.tally.quorum.by_topic;
      if (byTopic) {
        TOPICS.forEach((t, k) => {
          const n = Array.isArray(byTopic) ? byTopic[k] : byTopic[t];
          expect(n === hc.perTopic[t], `GET /api/v1/rounds/1: tally.quorum.by_topic gives ${n} for ${t}; counted by hand, ${hc.perTopic[t]}`, r.tally.quorum);
        });
      }
      expect(r.tally.split.weight === hc.perTopic.split, `the split's weight in the count is the members represented on the split (${hc.perTopic.split})`, r.tally.split);
      // Each proposal's weighted approvals: the members whose projects vote is a ballot that
      // approves it.
      const approvals = new Map();
      for (const [, voter] of hc.follows.projects) {
        for (const p of hc.ballots.get(voter).approve) approvals.set(p, (approvals.get(p) || 0) + 1);
      }
      const counted = new Map(r.tally.projects.approvals.map(([p, w]) => [p, w]).filter(([, w]) => w > 0));
      expect(JSON.stringify([...counted].sort()) === JSON.stringify([...approvals].sort()), 'the weighted approvals of the count are the hand count', { count: [...counted], byHand: [...approvals] });
    }

    begin('the round page after the count: why each project was funded, the priorities, the rule on unapproved projects');
    {
      const p = bo.page;
      await p.goto('/round');
      const r = await round1();
      const funded = r.tally.projects.funded;
      const why = await texts(p, '#why-funded li');
      check(funded.length > 0 && why.length === funded.length, `#why-funded says why each of the ${funded.length} funded projects was funded`, why);
      for (const id of funded) {
        const title = r.proposals.find((x) => x.id === id)?.title;
        check(why.some((t) => t.startsWith(title) && /Method of Equal Shares|completion step|greedy approval/.test(t)), `#why-funded names "${title}" and the step that funded it`, why);
      }
      const prio = await p.locator('#priorities tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim()).join(' | ')));
      const prioEmpty = await p.locator('#priorities-empty').count();
      check(prio.length > 1 || prioEmpty === 1, 'the priorities are given (#priorities, or #priorities-empty)', prio);
      // ada scored bread 5 (and cy left her priorities to ada); bo scored wool 3.
      check(prio.some((t) => /^bread \| 5(\.0+)? \|/.test(t)) && prio.some((t) => /^wool \| 3(\.0+)? \|/.test(t)), '#priorities gives the mean scores of bread (5) and wool (3)', prio);
      const rule = await texts(p, '#unapproved-rule');
      check(rule.length === 1 && /project no member approves is never funded|fund projects no member approved/.test(rule[0]), "#unapproved-rule states the round's rule on unapproved projects", rule);
      await p.goto('/proposals?show=funded');
      const items = await texts(p, '#proposal-list li');
      check(items.length === funded.length && items.every((t) => /, funded/.test(t)), '/proposals?show=funded lists the funded projects only', items);
      await p.goto(proposalPath);
      const verdict = await texts(p, '#proposal-verdict');
      check(verdict.length === 1 && new RegExp(funded.includes(known.proposal) ? 'funded' : 'not funded').test(verdict[0]), "ada's proposal page gives the count's verdict", verdict);
      log(`  funded: ${why.join(' | ')}`);
    }

    begin('plan: the page computes, reloads itself, then shows the plots');
    {
      const p = ada.page;
      let reloads = 0;
      p.on('load', () => reloads++);
      await p.waitForSelector('#plan-status:not([data-computing])', { timeout: 45_000 });
      const status = await p.locator('#plan-status').textContent();
      check(!/could not be computed/.test(status), 'the plan was computed', status);
      check(/\d+ %/.test(status), 'the plan status says, in plain words, how much of the targets the plan makes', status);
      const summary = (await round1()).plan;
      check(summary && /optimal/.test(summary.status), 'the API gives the plan status (optimal)', summary);
      log(`  ${status.trim()} (${computingSeen ? `after ${reloads} reloads of the computing page` : 'computed before the first load'})`);
      for (const id of ['plot-products', 'plot-processes', 'plot-hours', 'plot-limits']) {
        const widths = await p.$$eval(`svg#${id} rect.bar`, (rs) => rs.map((r) => Number(r.getAttribute('width'))));
        const drawn = await p.$$eval(`svg#${id} rect.bar`, (rs) => rs.map((r) => r.getBoundingClientRect().width));
        check(widths.length > 0, `svg#${id} has bars`, widths);
        check(widths.every((w) => Number.isFinite(w) && w >= 0), `svg#${id}: every bar has a finite width ≥ 0`, widths);
        check(widths.some((w) => w > 0) && drawn.some((w) => w > 0), `svg#${id} has bars of positive width on screen`, { widths, drawn });
        log(`  svg#${id}: ${widths.length} bars, ${widths.filter((w) => w > 0).length} of positive width`);
      }
      const ww = await p.locator('#working-week').textContent();
      const hours = Number((ww.match(/([\d.]+) hours per member per week/) || [])[1]);
      check(Number.isFinite(hours) && hours > 0, '#working-week gives a positive number of hours per member per week', ww);
      log(`  working week: ${hours} h`);
      // Ada belongs to the mill and bakery council: the plan names her workplace's task.
      const yours = await p.locator('#your-workplace').textContent();
      check(/Mill and bakery — your workplace/.test(yours), "the plan names ada's workplace", yours);
      const millRows = await p.locator('#your-workplace + .scroll table.processes td:first-child').allTextContents();
      check(['mill', 'quern', 'bakery'].every((x) => millRows.includes(x)), "her workplace's table lists its processes", millRows);
      await p.waitForFunction(() => /With your ballot/.test(document.getElementById('effect')?.textContent || ''), null, { timeout: T });
      const effect = await p.locator('#effect').textContent();
      check(/Without it/.test(effect) && /Your ballot (changed|did not change) the outcome/.test(effect), "#effect tells ada what her ballot changed", effect);
      log(`  effect: ${effect}`);
      // The facilitator did not vote: the box says so.
      await fac.page.goto('/plan');
      await fac.page.waitForFunction(() => !/Sign in to see/.test(document.getElementById('effect')?.textContent || 'Sign in to see'), null, { timeout: T });
      const facEffect = await fac.page.locator('#effect').textContent();
      check(!/With your ballot/.test(facEffect), 'the facilitator, who did not vote, is not shown an effect of a ballot', facEffect);
    }

    begin('audit: "Verify the database now" shows that the log verifies');
    {
      const p = cy.page;
      await p.goto('/audit');
      const head = await p.locator('#head').textContent();
      check(/^[0-9a-f]{64}$/.test(head), 'the audit page shows the head hash', head);
      await p.click('#verify-form button[type=submit]');
      const s = await statusOf(p, '#verify-form');
      const m = s.text.match(/^The log verifies: (\d+) entries, (\d+) counts recomputed/);
      check(m && s.cls.includes('ok'), 'the log verifies', s);
      check(Number(m[2]) >= 1, 'at least one count was recomputed', s.text);
      log(`  ${s.text}`);
      const exp = await p.evaluate(async () => (await fetch('/api/audit/export')).text());
      const lines = exp.trim().split('\n');
      check(lines.length === Number(m[1]), 'the export has as many entries as verified', { export: lines.length, verified: m[1] });
      check(Object.values(receipts).every((r) => exp.includes(r)), 'every receipt can be found in the export');
      check(!/demo\.plenty|plenty-demo-password/.test(exp), 'no e-mail or password in the log export');
    }

    begin('audit for members: the log in words, and "was my ballot counted?" with her receipt');
    {
      const p = ada.page;
      await p.goto('/audit/log');
      const rows = await texts(p, '#log tr[id^=entry-] td:nth-child(3)');
      check(rows.length > 10, '/audit/log lists the entries (#log)', rows.length);
      check(rows.every((t) => t.length > 5 && !/[{}]|"type"/.test(t)), 'every entry of /audit/log is told in words (no JSON)', rows.filter((t) => t.length <= 5 || /[{}]|"type"/.test(t)));
      check(rows.some((t) => /ballot/i.test(t)) && rows.some((t) => /count|tally/i.test(t)), '/audit/log has the ballots and the count', rows.slice(0, 12));
      await p.goto('/audit/receipt');
      await p.fill('input[name=receipt]', known.receipt);
      await Promise.all([p.waitForEvent('load', { timeout: T }), p.click('main form button[type=submit]')]);
      const v = await texts(p, '#receipt-verdict');
      check(v.length === 1 && /^Counted/.test(v[0]), `/audit/receipt with ada's receipt says "Counted"`, v);
      check((await p.locator('#receipt-entries tr[id^=entry-]').count()) >= 1, "/audit/receipt lists the log's entries under her receipt");
      log(`  ${v[0]}`);
    }

    begin('plan phase: every page as a visitor, a member and the facilitator, desktop and phone');
    await sweep(viewers, 'plan', allPages());
    for (const v of viewers) await v.phoneCtx.close();

    begin('sign out');
    {
      const p = bo.page;
      await p.goto('/round');
      await Promise.all([p.waitForURL((u) => u.pathname === '/', { timeout: T }), p.click('#logout')]);
      const r = await p.evaluate(async () => (await fetch('/api/me')).status);
      check(r === 401, 'after signing out, /api/me answers 401', r);
    }

    check(pageErrors.length === 0, 'no uncaught script errors in any page', pageErrors);
  } finally {
    evil.close();
    await persistent.close().catch(() => {});
  }
}

// A watchdog, so that a hung browser cannot hang the test run.
const LIMIT_S = Number(process.env.PLENTY_BROWSER_TIMEOUT || 240);
setTimeout(() => {
  console.error(`\nbrowser e2e: TIMED OUT after ${LIMIT_S} s in step "${step}"`);
  process.exit(1);
}, LIMIT_S * 1000).unref();

// The artefacts besides the screenshots: axe's findings on every page looked at, and the
// problems found (both written however the run ends).
function writeReports() {
  try {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'axe-results.json'), JSON.stringify({ axe: AXE_VERSION, base: BASE, pages: axeResults }, null, 1) + '\n');
    const list = [...problems.values()].map((p) => ({ what: p.what, detail: p.detail, where: [...p.where] }));
    fs.writeFileSync(path.join(ARTIFACTS, 'problems.json'), JSON.stringify(list, null, 1) + '\n');
  } catch (e) {
    console.error(`browser e2e: could not write the reports to ${ARTIFACTS}: ${e.message}`);
  }
}

main().then(
  () => {
    writeReports();
    log(`${screenshots} screenshots, axe-results.json and problems.json in ${ARTIFACTS}`);
    if (problems.size === 0) {
      log(`PASS: ${checks} checks`);
      process.exit(0);
    }
    const lines = [...problems.values()].map((p, k) => {
      const where = [...p.where];
      const shown = where.slice(0, 4).join('; ') + (where.length > 4 ? `; and ${where.length - 4} more` : '');
      const got = p.detail === undefined ? '' : `\n     got: ${typeof p.detail === 'string' ? p.detail : JSON.stringify(p.detail)}`;
      return `  ${k + 1}. ${p.what}\n     seen: ${shown}${got}`;
    });
    console.error(`\nbrowser e2e: ${problems.size} FAILED CHECKS of issue #15 (the walk went on; ${checks} checks passed):\n${lines.join('\n')}`);
    process.exit(1);
  },
  (e) => {
    writeReports();
    const kind = e instanceof CheckFailed ? 'FAILED CHECK' : 'ERROR';
    console.error(`\nbrowser e2e: ${kind} in step "${step}":\n  ${e instanceof CheckFailed ? e.message : e.stack || e}`);
    process.exit(1);
  },
);
