//! Benchmark (not a test): the dashboard's first render after login, with 10,000 resources in
//! the inventory. Starts the local runtime with the demo account plus bulk instances (each
//! brings its root volume, so 5,000 instances make 10,000 resources), waits for the first
//! sync, then logs in in Chromium and prints the time from the end of the login call to the
//! dashboard's content on screen (the budget: one second), the login call itself, and every API
//! call on the way. `infra/scripts/web.sh bench` (and so `make bench`) runs it.
//!
//! SKYFORGE_BENCH_DASHBOARD_INSTANCES changes the instance count; SKYFORGE_BENCH_DASHBOARD_RUNS
//! the number of timed logins (default 5; the first one also loads the app's code);
//! SKYFORGE_BENCH_DASHBOARD_URL measures a runtime already running instead of starting one.
import { launchBrowser, screenshot } from './support/browser.mjs';
import { DEMO_EMAIL, DEMO_PASSWORD, startRuntime, waitForDemoSync } from './support/runtime.mjs';

const instances = Number(process.env.SKYFORGE_BENCH_DASHBOARD_INSTANCES ?? 5000);
const runs = Number(process.env.SKYFORGE_BENCH_DASHBOARD_RUNS ?? 5);
const BUDGET_MS = 1000;

// SKYFORGE_BENCH_DASHBOARD_URL: measure a runtime that is already running (seeded the same way)
const existing = process.env.SKYFORGE_BENCH_DASHBOARD_URL;
const runtime = existing
  ? { baseUrl: existing, pid: 'not ours', stop: async () => {} }
  : await startRuntime({
      name: 'dashboard-bench',
      env: { SKYFORGE_DEMO_BULK_INSTANCES: String(instances) },
      // seeding thousands of instances on the stand-in happens before the runtime listens
      startTimeoutMs: 20 * 60_000,
    });
let browser;
try {
  console.log(`== dashboard first render after login (${instances} bulk instances; runtime pid ${runtime.pid})`);
  const seeded = Date.now();
  const { totals, orgId, userId } = await waitForDemoSync(runtime.baseUrl, { minResources: Math.max(1, instances * 2), timeoutMs: 30 * 60_000 });
  console.log(`first sync done in ${((Date.now() - seeded) / 1000).toFixed(1)} s: ${totals.resources} resources in the inventory`);

  browser = await launchBrowser();
  // A first login on this browser learns the organisation from /v1/me before it can ask for
  // the dashboard; a returning user's browser remembers the last one and asks for both at once.
  const rows = [];
  for (const returning of [false, true]) {
    const label = returning ? 'returning user (last organisation remembered)' : 'first login on this browser';
    console.log(`-- ${label}`);
    const timings = [];
    for (let run = 1; run <= runs; run += 1) {
      // a fresh context each time: no session, no cached queries, no HTTP cache
      const context = await browser.newContext({ baseURL: runtime.baseUrl, viewport: { width: 1280, height: 860 } });
      if (returning) {
        // as the app keeps it (src/lib/navigation.ts): the user's id, then the organisation's
        await context.addInitScript((value) => window.localStorage.setItem('skyforge.last_org', value), `${userId} ${orgId}`);
      }
      const page = await context.newPage();
      await page.goto('/login');
      await page.getByLabel('Email').fill(DEMO_EMAIL);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      const clicked = await page.evaluate(() => performance.now());
      await page.getByRole('button', { name: 'Log in' }).click();
      // rendered content: the totals and the demo account's card, not a spinner
      await page.getByRole('article', { name: 'Demo AWS account (demo data)' }).waitFor({ timeout: 120_000 });
      const rendered = await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())))),
      );
      // the page never reloads (the app routes on the client), so one timeline holds it all
      const calls = await page.evaluate(
        (since) =>
          performance
            .getEntriesByType('resource')
            .filter((entry) => entry.startTime >= since && new URL(entry.name).pathname.startsWith('/v1/'))
            .map((entry) => ({ path: new URL(entry.name).pathname, start: entry.startTime, end: entry.responseEnd })),
        clicked,
      );
      const login = calls.find((call) => call.path === '/v1/auth/login');
      if (!login) throw new Error('no login call was seen');
      if (calls.some((call) => call.path.includes('/inventory'))) {
        throw new Error('the dashboard fetched the inventory; it must read the summary only');
      }
      const shown = await page.locator('dt', { hasText: 'Resources' }).locator('xpath=../dd').textContent();
      const me = calls.find((call) => call.path === '/v1/me');
      const timing = {
        total: rendered - clicked,
        login: login.end - login.start,
        // absent: the dashboard was on screen before /v1/me answered
        me: me ? me.end - me.start : null,
        afterLogin: rendered - login.end,
      };
      timings.push(timing);
      const described = calls
        .map((call) => `${call.path.replace(/org_[0-9A-Z]+/, '{org}')} ${(call.end - call.start).toFixed(0)} ms`)
        .join(', ');
      console.log(
        `run ${run}: after login ${timing.afterLogin.toFixed(0)} ms, click to content ${timing.total.toFixed(0)} ms (resources shown: ${shown}; API: ${described})`,
      );
      if (run === runs && !returning) await screenshot(page, 'bench-dashboard-10k');
      await context.close();
    }
    const stats = (key) => {
      const sorted = timings
        .map((t) => t[key])
        .filter((value) => value !== null)
        .sort((a, b) => a - b);
      return { median: sorted[Math.floor(sorted.length / 2)], worst: sorted.at(-1) };
    };
    rows.push({ label, after: stats('afterLogin'), login: stats('login'), me: stats('me'), total: stats('total') });
  }
  console.log(
    '| login | resources | runs | login done → dashboard on screen (median / worst) | of which /v1/me (median) | login call (median) | click → dashboard (median) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const { label, after, login, me, total } of rows) {
    console.log(
      `| ${label} | ${totals.resources} | ${runs} | ${after.median.toFixed(0)} / ${after.worst.toFixed(0)} ms | ${me.median === undefined ? 'not waited for' : `${me.median.toFixed(0)} ms`} | ${login.median.toFixed(0)} ms | ${total.median.toFixed(0)} ms |`,
    );
  }
  const worst = Math.max(...rows.map((row) => row.after.worst));
  console.log(
    worst <= BUDGET_MS
      ? `first render after login within the ${BUDGET_MS} ms budget`
      : `first render after login over the ${BUDGET_MS} ms budget (worst ${worst.toFixed(0)} ms)`,
  );
} finally {
  await browser?.close();
  await runtime.stop();
}
