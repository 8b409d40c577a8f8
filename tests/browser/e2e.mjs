// End-to-end test of `plenty serve --demo` in a real headless Chromium, as new users would use
// it: sign in, register a need, open the vote, cast ballots, try a CSRF attack, close the vote,
// read the plan and its plots, verify the log.
//
//   node tests/browser/e2e.mjs http://127.0.0.1:PORT        (or PLENTY_URL=...)
//
// The server must be fresh (`--demo` on an empty database): the script walks round 1 from its
// `needs` phase to the plan. Chromium: $CHROMIUM or /usr/bin/chromium. Screenshots go to
// $PLENTY_BROWSER_ARTIFACTS or tests/browser/artifacts/. Exits 1 with a message naming the
// failed check.

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

async function newMember(browser, email) {
  const ctx = await browser.newContext({ baseURL: BASE, viewport: { width: 1100, height: 900 } });
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
    {
      const ctx = await browser.newContext({ baseURL: BASE });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => pageErrors.push(`anonymous: ${page.url()}: ${e.message}`));
      await page.goto('/');
      check((await page.locator('h1').textContent()).includes('Valley federation'), 'the home page names the federation');
      await page.goto('/round');
      check(await page.locator('a[href="/login"]', { hasText: 'Sign in' }).count() > 0, 'an anonymous visitor is asked to sign in');
      check(await page.locator('#need-form').count() === 0, 'an anonymous visitor gets no need form');
      await page.goto('/plan');
      check(/computed when voting closes/.test(await page.locator('#plan-status').textContent()), 'the plan page says the plan comes after the vote');
      await ctx.close();
    }

    begin('sign-in: the facilitator, ada, bo and cy, each in a browser context of their own');
    const fac = await newMember(browser, 'facilitator@demo.plenty');
    const ada = await newMember(browser, 'ada@demo.plenty');
    const bo = await newMember(browser, 'bo@demo.plenty');
    const cy = await newMember(browser, 'cy@demo.plenty');
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

    begin('needs phase: bo proposes a project and sees it in the proposals table');
    {
      const p = bo.page;
      await p.goto('/round');
      await p.fill('#proposal-form input[name=title]', 'A footbridge over the river');
      await p.fill('#proposal-form input[name=cost_hours]', '300');
      await p.click('#proposal-form button[type=submit]');
      const s = await statusOf(p, '#proposal-form');
      check(s.text === 'Done.' && s.cls.includes('ok'), 'the proposal form reports success', s);
      await p.locator('#proposals td', { hasText: 'A footbridge over the river' }).waitFor({ timeout: T });
    }

    begin('facilitator: moves round 1 from needs to voting');
    {
      const p = fac.page;
      await p.goto('/round');
      const label = await p.locator('#advance-form button').textContent();
      check(/voting/.test(label), 'the facilitator is offered the move to voting', label);
      await p.click('#advance-form button[type=submit]');
      const s = await statusOf(p, '#advance-form');
      check(s.cls.includes('ok'), 'the advance form reports success', s);
      await p.waitForFunction(() => document.getElementById('phase')?.textContent === 'voting', null, { timeout: T });
      check((await round1()).phase === 'voting', 'the API shows the voting phase');
    }

    begin('voting: ada, bo and cy cast ballots; cy casts twice');
    const receipts = {};
    const ballots = [
      { m: ada, approve: [1, 3], split: ['0.75', '0.2', '0.05'], score: ['bread', '5'] },
      { m: bo, approve: [1, 2, 4], split: ['0.7', '0.25', '0.05'], score: ['wool', '3'] },
      { m: cy, approve: [2], split: ['0.8', '0.15', '0.05'], score: null },
      { m: cy, approve: [3, 4], split: ['0.78', '0.17', '0.05'], score: ['tools', '4'], again: true },
    ];
    for (const b of ballots) {
      const p = b.m.page;
      await p.goto('/round');
      check(await p.locator('#need-form').count() === 0, 'no need form once voting is open');
      const boxes = p.locator('#ballot-form input[name=approve]');
      check((await boxes.count()) === 4, 'the ballot lists the four proposals', await boxes.count());
      for (const id of b.approve) await p.check(`#ballot-form input[name=approve][value="${id}"]`);
      for (let k = 0; k < 3; k++) await p.fill(`#ballot-form input[name=split${k}]`, b.split[k]);
      if (b.score) await p.selectOption(`#ballot-form select[name="score:${b.score[0]}"]`, b.score[1]);
      await p.click('#ballot-form button[type=submit]');
      const s = await statusOf(p, '#ballot-form');
      const who = b.m.email;
      check(s.cls.includes('ok') && /^Ballot recorded/.test(s.text), `${who}: the ballot is recorded`, s);
      const receipt = (s.text.match(/Your receipt: (\S+)/) || [])[1];
      check(receipt && receipt === b.m.me.receipt?.pseudonym, `${who}: the status shows the receipt, the pseudonym of /api/me`, { status: s.text, me: b.m.me.receipt });
      check(/replaces your earlier ballot/.test(s.text) === !!b.again, `${who}: a ${b.again ? 'second ballot says it replaces' : 'first ballot does not say it replaces'} the earlier one`, s.text);
      receipts[who] = receipt;
      const mine = await p.evaluate(async () => (await (await fetch('/api/rounds/1')).json()).my_ballot);
      check(JSON.stringify(mine.approve) === JSON.stringify(b.approve), `${who}: the recorded ballot has the approvals ticked`, mine);
      check(Math.abs(mine.split[0] - Number(b.split[0])) < 1e-9, `${who}: the recorded ballot has the split entered`, mine);
    }
    check(new Set(Object.values(receipts)).size === 3, 'three different receipts', receipts);
    const cast = (await round1()).ballots_cast;
    check(cast === 4, 'the API counts 4 ballots cast (cy twice)', cast);

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

    begin('facilitator: closes the vote (advance to plan)');
    let computingSeen = false;
    {
      const p = fac.page;
      await p.goto('/round');
      const label = await p.locator('#advance-form button').textContent();
      check(/plan/.test(label), 'the facilitator is offered the move to the plan phase', label);
      await p.click('#advance-form button[type=submit]');
      const s = await statusOf(p, '#advance-form');
      check(s.cls.includes('ok'), 'the advance form reports success', s);
      // Ada opens the plan at once: while it is computed the page says so and reloads itself
      // (when the solve is quick the plan may already be there).
      await ada.page.goto('/plan');
      computingSeen = (await ada.page.locator('#plan-status[data-computing]').count()) > 0;
      log(`  the plan page on first load: ${computingSeen ? 'being computed (reloads itself)' : 'already computed'}`);
      await p.locator('#quorum').waitFor({ timeout: T });
      const q = await p.locator('#quorum').textContent();
      check(/^Quorum met: 3 of 5 members represented by 3 ballots/.test(q), 'the count shows the quorum met by 3 ballots of 5 members', q);
      check(await p.locator('#proposals th', { hasText: 'funded' }).count() === 1, 'the proposals table gains a funded column');
    }

    begin('plan: the page computes, reloads itself, then shows the plots');
    {
      const p = ada.page;
      let reloads = 0;
      p.on('load', () => reloads++);
      await p.waitForSelector('#plan-status:not([data-computing])', { timeout: 45_000 });
      const status = await p.locator('#plan-status').textContent();
      check(!/could not be computed/.test(status), 'the plan was computed', status);
      check(/Status: \S+/.test(status) && /λ = \d/.test(status), 'the plan status gives the status and λ', status);
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
      const millRows = await p.locator('#your-workplace + table.processes td:first-child').allTextContents();
      check(['mill', 'quern', 'bakery'].every((x) => millRows.includes(x)), "her workplace's table lists its processes", millRows);
      await p.waitForFunction(() => /With your ballot/.test(document.getElementById('effect')?.textContent || ''), null, { timeout: T });
      const effect = await p.locator('#effect').textContent();
      check(/Without it/.test(effect) && /Your ballot (changed|did not change) the outcome/.test(effect), "#effect tells ada what her ballot changed", effect);
      log(`  effect: ${effect}`);
      const shot = path.join(ARTIFACTS, 'plan.png');
      await p.screenshot({ path: shot, fullPage: true });
      log(`  screenshot: ${shot}`);
      // On a phone the plots shrink to the screen instead of widening the page.
      const phone = await ada.ctx.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      for (const page of ['/plan', '/round', '/audit', '/']) {
        await phone.goto(page);
        const fit = await phone.evaluate(() => ({
          page: document.documentElement.scrollWidth,
          screen: window.innerWidth,
          frames: [...document.querySelectorAll('figure, table')].map((s) => Math.round(s.getBoundingClientRect().right)),
        }));
        if (page === '/plan') await phone.screenshot({ path: path.join(ARTIFACTS, 'plan-phone.png'), fullPage: true });
        check(fit.page <= fit.screen && fit.frames.every((r) => r <= fit.screen), `on a 390 px wide screen ${page} does not scroll sideways (wide plots and tables scroll in their frames)`, fit);
      }
      await phone.close();
      // The facilitator did not vote: the box says so.
      await fac.page.goto('/plan');
      await fac.page.waitForFunction(() => !/Sign in to see/.test(document.getElementById('effect')?.textContent || 'Sign in to see'), null, { timeout: T });
      const facEffect = await fac.page.locator('#effect').textContent();
      check(!/With your ballot/.test(facEffect), 'the facilitator, who did not vote, is not shown an effect of a ballot', facEffect);
      await ada.page.goto('/round');
      await ada.page.screenshot({ path: path.join(ARTIFACTS, 'round.png'), fullPage: true });
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
const LIMIT_S = Number(process.env.PLENTY_BROWSER_TIMEOUT || 120);
setTimeout(() => {
  console.error(`\nbrowser e2e: TIMED OUT after ${LIMIT_S} s in step "${step}"`);
  process.exit(1);
}, LIMIT_S * 1000).unref();

main().then(
  () => {
    log(`PASS: ${checks} checks`);
    process.exit(0);
  },
  (e) => {
    const kind = e instanceof CheckFailed ? 'FAILED CHECK' : 'ERROR';
    console.error(`\nbrowser e2e: ${kind} in step "${step}":\n  ${e instanceof CheckFailed ? e.message : e.stack || e}`);
    process.exit(1);
  },
);
