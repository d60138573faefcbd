// Browser test of the epiwire dashboard, run by tests/dashboard_e2e.rs against a live server:
//   node tests/e2e/dashboard.mjs --url http://127.0.0.1:PORT/ --token TOKEN --out target/e2e
// Headless Debian chromium driven by playwright-core. Prints one JSON line of measurements;
// exits non-zero with a message on the first failed check. Screenshots go to --out.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const base = new URL(args.url ?? 'http://127.0.0.1:8080/');
const token = args.token ?? '';
const out = args.out ?? 'target/e2e';
const injectedId = args.injected ?? 'e2e-injected';
const executablePath = process.env.EPIWIRE_CHROMIUM ?? '/usr/bin/chromium';
mkdirSync(out, { recursive: true });

function check(ok, message) {
  if (!ok) throw new Error(`check failed: ${message}`);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'epiwire-e2e-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1400, height: 950 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const metrics = {};
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // Requests cut short by the test's own navigation are not failures.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    if (new URL(r.url()).origin !== base.origin) problems.push(`off-origin request: ${r.url()}`);
  });

  // 1. First load: bytes on the wire (CDP encodedDataLength) and time to the map drawn.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let bytes = 0;
  let requests = 0;
  const onFinished = (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
  };
  cdp.on('Network.loadingFinished', onFinished);
  await page.goto(base.href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-page="overview"][data-ready="1"]');
  await page.waitForFunction(() => performance.getEntriesByName('epiwire:map-rendered').length > 0);
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      map_rendered_ms: Math.round(performance.getEntriesByName('epiwire:map-rendered')[0].startTime),
      dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
      load_ms: Math.round(nav.loadEventEnd),
    };
  });
  await page.waitForLoadState('networkidle');
  cdp.off('Network.loadingFinished', onFinished);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  Object.assign(metrics, timing, { first_load_bytes: bytes, first_load_requests: requests });
  const outlines = await page.locator('#map path.leaflet-interactive, #map .leaflet-overlay-pane path').count();
  check(outlines > 100, `country outlines drawn (${outlines} paths)`);

  // 2. The seed event (COVID-19 in North Korea) is listed and plotted.
  const events = await (await page.request.get(new URL('api/events?limit=500', base).href)).json();
  const list = Array.isArray(events) ? events : events.events ?? events.items ?? [];
  metrics.events = list.length;
  const seed = list.find((e) => (e.countries ?? []).includes('KP') && (e.diseases ?? []).some((d) => /COVID-19/i.test(d.name ?? '') || d.id === 'DOID:0080600'));
  check(seed, `an event with COVID-19 in KP among ${list.length} events from /api/events`);
  metrics.seed_event = seed.id;
  const item = page.locator(`li.event[data-event="${seed.id}"]`);
  await item.waitFor();
  const plotted = (await page.getAttribute('#map', 'data-event-ids')) ?? '';
  check(plotted.split(' ').includes(seed.id), `seed event ${seed.id} is on the map`);
  const overviewBars = await page.locator('#timeline rect.bar-events').count();
  check(overviewBars > 0, 'the overview timeline has bars');
  await page.screenshot({ path: join(out, 'overview.png') });

  // Search (GET /api/search): the seed articles mention Pyongyang.
  await page.fill('#filters input[name="q"]', 'Pyongyang');
  await page.press('#filters input[name="q"]', 'Enter');
  await page.waitForSelector('#search-hits li');
  metrics.search_hits = await page.locator('#search-hits li').count();
  await page.screenshot({ path: join(out, 'search.png') });
  // Filter by country through the menu: the list is what the API gives for that filter.
  await page.goto(base.href);
  await page.waitForSelector('body[data-page="overview"][data-ready="1"]');
  await page.selectOption('#filters select[name="country"]', 'KP');
  await page.waitForFunction(() => location.hash.includes('country=KP'));
  await page.waitForSelector('body[data-page="overview"][data-ready="1"]');
  const kp = await (await page.request.get(new URL('api/events?limit=500&country=KP', base).href)).json();
  const kpIds = (kp.events ?? kp).map((e) => e.id).sort();
  const shownIds = (await page.locator('li.event').evaluateAll((els) => els.map((e) => e.dataset.event))).sort();
  check(JSON.stringify(kpIds) === JSON.stringify(shownIds), `country filter shows the API's KP events: ${shownIds} vs ${kpIds}`);
  check(shownIds.includes(seed.id), 'the seed event is among the KP events');
  metrics.kp_events = shownIds.length;
  await page.goto(base.href);
  await page.waitForSelector('body[data-page="overview"][data-ready="1"]');
  await item.waitFor();

  // 3. Its page: figure timeline, sources, evidence, highlighted articles.
  await item.locator('a').first().click();
  await page.waitForSelector(`body[data-page="event"][data-ready="1"]`);
  await page.waitForSelector('.event-page');
  const chartMarks = await page.locator('#figure-charts svg circle.dot, #figure-charts svg rect.bar').count();
  check(chartMarks > 0, `the event's figure timeline has points (${chartMarks})`);
  const sources = await page.locator('#sources li').count();
  check(sources >= 1, `sources listed (${sources})`);
  metrics.seed_sources = sources;
  metrics.seed_figures = await page.locator('#figures tbody tr').count();
  await page.waitForSelector('#articles .article-text mark.hl-number');
  await page.waitForSelector('#articles .article-text mark.hl-disease');
  await page.screenshot({ path: join(out, 'event.png'), fullPage: true });

  // 4. Triage: no token → refused in the page; token pasted once → saved, shown with who and when.
  await page.click('.triage-btn[data-status="relevant"]');
  await page.waitForSelector('.triage-msg.error');
  await page.click('#token-button');
  await page.fill('#token-input', token);
  await page.click('#token-save');
  await page.fill('#triage-note', 'e2e: seed event checked');
  await page.click('.triage-btn[data-status="relevant"]');
  await page.waitForFunction(() => document.querySelector('#triage-state .badge')?.textContent === 'relevant');
  const state = await page.textContent('#triage-state');
  check(/by \S+/.test(state) && state.includes('e2e: seed event checked'), `triage shows who and the note: ${state}`);
  // It is stored: a fresh load of the page shows it, and the overview and triage pages list it.
  await page.reload();
  await page.waitForSelector('body[data-page="event"][data-ready="1"]');
  check((await page.textContent('#triage-state')).includes('relevant'), 'triage survives a reload');
  await page.goto(new URL('#/triage', base).href);
  await page.waitForSelector('body[data-page="triage"][data-ready="1"]');
  await page.waitForSelector(`.triage-table tr[data-event="${seed.id}"] .badge.triage-relevant`);
  await page.screenshot({ path: join(out, 'triage.png'), fullPage: true });

  // 5. An article holding <script> and an onerror image: shown as text, never run.
  await page.goto(new URL(`#/doc/${encodeURIComponent(injectedId)}`, base).href);
  await page.waitForSelector('body[data-page="doc"][data-ready="1"]');
  const shown = await page.textContent('.article-text');
  check(shown.includes("<script>window.__epiwirePwned = 'text'</script>"), 'the <script> of the article is shown as text');
  check((await page.textContent('h1')).includes('<script>'), 'the title keeps its <script> as text');
  await page.waitForTimeout(300);
  check((await page.evaluate(() => window.__epiwirePwned)) === undefined, 'no injected script ran');
  check((await page.locator('.article-text script, .article-text img, h1 script').count()) === 0, 'no script or img element was created');
  await page.screenshot({ path: join(out, 'injected.png') });
  // Its event, when it has one: the title and the article on the event page stay text too.
  const ye = await (await page.request.get(new URL('api/events?limit=500&country=YE', base).href)).json();
  const injectedEvent = (ye.events ?? ye).find((e) => (e.title ?? '').includes('<script>'));
  if (injectedEvent) {
    await page.goto(new URL(`#/event/${encodeURIComponent(injectedEvent.id)}`, base).href);
    await page.waitForSelector('body[data-page="event"][data-ready="1"]');
    await page.waitForSelector('#articles .article-text');
    check((await page.textContent('#event-title')).includes('<script>'), 'the event title keeps its <script> as text');
    check((await page.textContent('#articles')).includes("<script>window.__epiwirePwned = 'text'</script>"), 'the event page shows the article <script> as text');
    await page.waitForTimeout(300);
    check((await page.evaluate(() => window.__epiwirePwned)) === undefined, 'no injected script ran on the event page');
    check((await page.locator('.event-page script, .event-page img').count()) === 0, 'no script or img element on the event page');
    metrics.injected_event = injectedEvent.id;
  }
  metrics.problems = problems.length;
  check(problems.length === 0, `no page errors, CSP violations or failed requests:\n  ${problems.join('\n  ')}`);
  writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  console.log(JSON.stringify(metrics));
} catch (e) {
  console.error(String(e.stack ?? e));
  if (problems.length) console.error(`also seen:\n  ${problems.join('\n  ')}`);
  try {
    const page = context.pages()[0];
    if (page) await page.screenshot({ path: join(out, 'failure.png'), fullPage: true });
  } catch {
    // the screenshot is a courtesy
  }
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
