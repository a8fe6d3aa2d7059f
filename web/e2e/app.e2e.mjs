//! End-to-end: the built app in Debian's Chromium against the real local runtime with its demo
//! data. Run by `infra/scripts/web.sh e2e` (and so by `make test`), which provides the AWS
//! stand-in and the runtime binary. Screenshots of each main page land in
//! .run/test-artifacts/screenshots/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, screenshot } from './support/browser.mjs';
import { DEMO_EMAIL, DEMO_PASSWORD, startRuntime, waitForDemoSync } from './support/runtime.mjs';

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const TIMEOUT_MS = 15_000;

let runtime;
let browser;

before(async () => {
  runtime = await startRuntime({ name: 'web-e2e' });
  // The demo account is synced in the background after start; the inventory test needs it.
  await waitForDemoSync(runtime.baseUrl);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await runtime?.stop();
});

/// A fresh browser context (own storage, so its own session) with a page that fails the test
/// on any uncaught error in the app.
async function newPage(viewport = DESKTOP) {
  const context = await browser.newContext({ baseURL: runtime.baseUrl, viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: runtime.baseUrl });
  context.setDefaultTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  return { context, page, pageErrors };
}

async function logIn(page, email, password) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/orgs\/[^/]+\/dashboard$/);
}

async function logOut(page) {
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  // no ?next=: the next person to log in goes to their own organisation
  await page.waitForURL(/\/login$/);
  await page.getByRole('button', { name: 'Log in' }).waitFor();
}

/// Follows a link of the main navigation and waits for the page's heading and its data.
async function openSection(page, link, heading = link) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  // loading indicators are status elements whose text starts with "Loading"
  await page.waitForFunction(
    () => ![...document.querySelectorAll('main [role="status"]')].some((el) => /^\s*Loading/.test(el.textContent ?? '')),
  );
}

describe('the web app against the local runtime', { concurrency: false }, () => {
  test('a new user signs up, lands on an empty dashboard and logs out', async () => {
    const { context, page, pageErrors } = await newPage();
    try {
      const email = `e2e-${Date.now()}@example.com`;
      await page.goto('/signup');
      await screenshot(page, 'signup');
      await page.getByLabel('Name').fill('Browser Tester');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery staple');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(/\/orgs\/[^/]+\/dashboard$/);
      // A new organisation has no cloud account yet: the dashboard says what to do.
      await page.getByRole('link', { name: 'Connect a cloud account' }).waitFor();
      await screenshot(page, 'dashboard-new-user');

      await logOut(page);
      // The session is gone: a signed-in page sends the visitor back to the login page.
      await page.goto('/');
      await page.waitForURL(/\/login/);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('a wrong password is refused on the login page', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto('/login');
      await screenshot(page, 'login');
      await page.getByLabel('Email').fill(DEMO_EMAIL);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('alert').waitFor();
      assert.match(page.url(), /\/login$/);
    } finally {
      await context.close();
    }
  });

  test('the demo user sees the demo inventory, opens a resource, meets a bad key, manages a token, logs out', async () => {
    const { context, page, pageErrors } = await newPage();
    try {
      await logIn(page, DEMO_EMAIL, DEMO_PASSWORD);

      // Dashboard: totals and the demo account's last sync.
      await page.getByRole('article', { name: 'Demo AWS account (demo data)' }).waitFor();
      const resources = await page.locator('dt', { hasText: 'Resources' }).locator('xpath=../dd').textContent();
      assert.ok(Number(resources?.replace(/\D/g, '')) > 0, `resources on the dashboard: ${resources}`);
      await screenshot(page, 'dashboard');

      // Inventory: the demo account's resources, and a resource's drawer.
      await openSection(page, 'Inventory');
      await page.getByRole('button', { name: /^Details of / }).first().waitFor();
      await screenshot(page, 'inventory');
      const filters = page.getByRole('search', { name: 'Filter resources' });
      await filters.getByLabel('Type').selectOption({ label: 'VM' });
      await filters.getByLabel('Search').fill('web');
      await filters.getByLabel('Search').press('Enter');
      await page.waitForURL(/[?&]q=web/);
      await page.getByRole('button', { name: 'Details of web-1' }).waitFor();
      await page.getByRole('button', { name: 'Details of web-2' }).waitFor();
      await page.getByRole('button', { name: 'Details of demo-web-1' }).waitFor();
      // two on AWS, one on the demo Azure subscription; no GCP instance is called web
      assert.equal(await page.getByRole('button', { name: /^Details of / }).count(), 3, 'only the web VMs match');
      await screenshot(page, 'inventory-filtered');
      await page.getByRole('button', { name: 'Details of web-1' }).click();
      const drawer = page.getByRole('dialog', { name: 'web-1' });
      await drawer.waitFor();
      await drawer.getByRole('heading', { name: 'Tags' }).waitFor();
      await drawer.getByText('skyforge-demo').first().waitFor();
      await drawer.getByRole('heading', { name: 'History' }).waitFor();
      await screenshot(page, 'inventory-resource-drawer');
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });

      // Cloud accounts: a malformed access key is reported on its own field.
      await openSection(page, 'Cloud accounts');
      await page.getByRole('article', { name: 'Demo AWS account (demo data)' }).waitFor();
      await screenshot(page, 'cloud-accounts');
      await page.getByRole('button', { name: 'Add account' }).first().click();
      const form = page.getByRole('form', { name: 'Add cloud account' });
      await form.getByLabel('Access keys').check();
      await form.getByLabel('Name').fill('Bad key');
      await form.getByLabel('Access key ID').fill('nope');
      await form.getByLabel('Secret access key').fill('short');
      await form.getByRole('button', { name: 'Add account' }).click();
      const keyField = form.getByLabel('Access key ID');
      await page.waitForFunction(
        (el) => el?.getAttribute('aria-invalid') === 'true',
        await keyField.elementHandle(),
      );
      const keyError = await describedBy(keyField);
      assert.ok(keyError.length > 0, 'the access key id field shows an error');
      assert.equal(await form.getByLabel('Name').getAttribute('aria-invalid'), null, 'the name field has no error');
      await screenshot(page, 'cloud-accounts-bad-key');
      await form.getByRole('button', { name: 'Cancel' }).click();

      // API tokens: created, shown once with a copy button, then revoked.
      await openSection(page, 'API tokens');
      const tokenName = `e2e token ${Date.now()}`;
      await page.getByRole('form', { name: 'Create API token' }).getByLabel('Name').fill(tokenName);
      await page.getByRole('button', { name: 'Create token' }).click();
      const secret = page.getByLabel('New API token');
      await secret.waitFor();
      const value = await secret.inputValue();
      assert.ok(value.length > 20, 'the new token is shown');
      await page.getByRole('button', { name: 'Copy token' }).click();
      await page.getByRole('button', { name: 'Copied', exact: true }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), value);
      await screenshot(page, 'tokens-created');
      await page.getByRole('button', { name: "I've copied it" }).click();
      await secret.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: `Revoke ${tokenName}` }).click();
      await page.getByRole('dialog', { name: 'Revoke token?' }).getByRole('button', { name: 'Revoke token' }).click();
      await page.getByRole('cell', { name: tokenName, exact: true }).waitFor({ state: 'detached' });
      await screenshot(page, 'tokens');

      // The other pages render (screenshots for the record).
      for (const [link, heading, file] of [
        ['Members', 'Members', 'members'],
        ['Audit', 'Audit log', 'audit'],
        ['Health', 'Platform health', 'health'],
      ]) {
        await openSection(page, link, heading);
        await screenshot(page, file);
      }

      await logOut(page);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('the demo user sees costs, then runs a sandbox deployment through approval and watches its log live', async () => {
    const { context, page, pageErrors } = await newPage();
    try {
      await logIn(page, DEMO_EMAIL, DEMO_PASSWORD);

      // Costs: the demo accounts' billing data, fetched by their first syncs.
      await openSection(page, 'Costs');
      const monthToDate = page.getByText('Month to date', { exact: true }).locator('..');
      await monthToDate.getByText(/\$\d/).first().waitFor();
      await page.getByRole('table', { name: 'Cost by provider' }).getByRole('cell', { name: 'AWS' }).waitFor();
      await page.getByLabel('Daily cost in USD').waitFor();
      await screenshot(page, 'costs');

      // The dashboard's cost figures and 30-day chart (reloaded: its summary may predate the
      // first cost refresh, which follows the demo account's first sync).
      await openSection(page, 'Dashboard');
      await page.reload();
      await page.getByText('Cost, month to date').locator('..').getByText(/\$\d/).waitFor();
      await page.getByText('Forecast, month end').waitFor();
      await page.getByLabel('Daily cost in USD by provider, last 30 days').waitFor();
      // the demo's three clouds, each with its 30-day total
      const byProvider = page.getByRole('list', { name: 'Cost in USD by provider, last 30 days' });
      for (const provider of ['AWS', 'Azure', 'GCP']) await byProvider.getByText(provider, { exact: true }).waitFor();
      await screenshot(page, 'dashboard-costs');

      // Deployments: the gallery labels the sandbox; its form comes from the schema.
      await openSection(page, 'Deployments');
      const sandbox = page.getByRole('listitem', { name: 'Sandbox (local demo, creates nothing)' });
      await sandbox.getByText('Sandbox · no cloud account').waitFor();
      await screenshot(page, 'deployments');
      await sandbox.getByRole('link', { name: /^Deploy / }).click();
      await page.getByRole('heading', { level: 1, name: /New deployment/ }).waitFor();
      // a bad value is caught in the browser, on its field
      await page.getByLabel('Instance count').fill('9');
      await page.getByLabel('Deployment name').fill('e2e-sandbox');
      await page.getByRole('button', { name: 'Create deployment' }).click();
      await page.getByText('At most 5.').waitFor();
      await page.getByLabel('Instance count').fill('1');
      await screenshot(page, 'deployment-new');
      await page.getByRole('button', { name: 'Create deployment' }).click();
      await page.waitForURL(/\/deployments\/dep_[^/]+$/);
      await page.getByRole('heading', { level: 1, name: 'e2e-sandbox' }).waitFor();

      // Plan, then the run page with its plan summary, waiting for approval.
      await page.getByRole('button', { name: 'Plan & apply' }).click();
      await page.waitForURL(/\/runs\/run_[^/]+$/);
      const approve = page.getByRole('button', { name: 'Approve' });
      const errored = page.getByText('Errored', { exact: true }).first();
      await approve.or(errored).waitFor({ timeout: 90_000 });
      if (await errored.isVisible()) {
        assert.fail(`the plan failed:\n${await page.locator("main").innerText()}`);
      }
      const summary = page.getByLabel('Plan summary');
      await summary.getByText(/^[1-9]\d* to add$/).waitFor();
      await page.getByText('Live', { exact: true }).waitFor();
      await screenshot(page, 'run-awaiting-approval');
      const log = page.getByLabel('Log lines');
      const linesBefore = await log.locator('[data-seq]').count();

      // Approve: the apply's lines arrive over the socket while the run is still applying.
      await approve.click();
      await log.getByText(/step 1\/4 preparing/).first().waitFor({ timeout: 60_000 });
      const statusWhenLineArrived = await page.getByText(/^(Applying|Applied)$/).first().textContent();
      assert.equal(statusWhenLineArrived, 'Applying', 'the first apply line should arrive before the run ends');
      await page.getByText('Applied', { exact: true }).first().waitFor({ timeout: 90_000 });
      await log.getByText(/step 3\/4 finishing/).first().waitFor();
      const seqs = await log.locator('[data-seq]').evaluateAll((els) => els.map((el) => Number(el.dataset.seq)));
      assert.ok(seqs.length > linesBefore, 'apply lines were added');
      assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'each line once, in order');
      assert.equal(await page.getByRole('group', { name: 'Run actions' }).count(), 0);
      await screenshot(page, 'run-applied');

      // The deployment shows its outputs and the applied run.
      await page.getByRole('link', { name: 'Back to the deployment' }).click();
      await page.getByLabel('Outputs').waitFor();
      await page.getByRole('table', { name: 'Runs' }).getByText('Applied').waitFor();
      await screenshot(page, 'deployment');

      await logOut(page);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('on a phone the navigation is a drawer behind a menu button, and a reload keeps the session', async () => {
    const { context, page, pageErrors } = await newPage(PHONE);
    try {
      await logIn(page, DEMO_EMAIL, DEMO_PASSWORD);
      await page.getByRole('article', { name: 'Demo AWS account (demo data)' }).waitFor();
      await screenshot(page, 'phone-dashboard');
      const nav = page.getByRole('navigation', { name: 'Main' });
      assert.equal(await nav.isVisible(), false, 'the navigation is hidden until opened');
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await nav.getByRole('link', { name: 'Inventory' }).click();
      await page.getByRole('button', { name: /^Details of / }).first().waitFor();
      await screenshot(page, 'phone-inventory');

      // A reload loses the access token (kept in memory only): the app renews the session with
      // the refresh token and stays on the page, without a login.
      const refreshed = page.waitForResponse((response) => response.url().endsWith('/v1/auth/refresh'));
      await page.reload();
      assert.equal((await refreshed).status(), 200);
      await page.getByRole('button', { name: /^Details of / }).first().waitFor();
      assert.match(page.url(), /\/orgs\/[^/]+\/inventory$/);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('on a phone every main page fits the screen width', async () => {
    const { context, page, pageErrors } = await newPage(PHONE);
    const section = async (link, heading = link) => {
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await openSection(page, link, heading);
    };
    /// Checks the page and saves its screenshot.
    const check = async (file) => {
      await assertFitsWidth(page, file);
      await screenshot(page, file);
    };
    try {
      await logIn(page, DEMO_EMAIL, DEMO_PASSWORD);
      await page.getByRole('article', { name: 'Demo AWS account (demo data)' }).waitFor();
      await page.getByRole('heading', { name: 'Recent runs' }).waitFor();
      await check('phone-dashboard');

      // the inventory shows resources on the first screen; the other filters open on demand
      await section('Inventory');
      const firstResource = page.getByRole('button', { name: /^Details of / }).first();
      await firstResource.waitFor();
      assert.ok((await firstResource.boundingBox()).y < PHONE.height, 'a resource on the first screen');
      await check('phone-inventory');
      const filters = page.getByRole('search', { name: 'Filter resources' });
      assert.equal(await filters.getByLabel('Type').isVisible(), false);
      await filters.getByRole('button', { name: 'More filters' }).click();
      await filters.getByLabel('Type').selectOption({ label: 'VM' });
      await page.waitForURL(/[?&]type=vm/);
      await filters.getByRole('button', { name: 'Fewer filters' }).waitFor();
      // the previous results stay until the VMs arrive
      await page.waitForFunction(() =>
        [...document.querySelectorAll('table[aria-describedby], table')].every(
          (table) => ![...table.querySelectorAll('td span')].some((span) => /^(Bucket|Disk|Network|Subnet)\b/.test(span.textContent ?? '')),
        ),
      );
      await check('phone-inventory-filtered');
      await page.getByRole('button', { name: /^Details of / }).first().click();
      await page.getByRole('dialog').getByRole('heading', { name: 'History' }).waitFor();
      await check('phone-inventory-drawer');
      await page.keyboard.press('Escape');

      await section('Cloud accounts');
      await page.getByRole('article', { name: 'Demo AWS account (demo data)' }).waitFor();
      await check('phone-cloud-accounts');
      await section('Costs');
      await page.getByLabel('Daily cost in USD').waitFor();
      await check('phone-costs');

      await section('API tokens');
      await page.getByRole('form', { name: 'Create API token' }).getByLabel('Name').fill('phone token');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByLabel('New API token').waitFor();
      await check('phone-token-created');
      await page.getByRole('button', { name: "I've copied it" }).click();
      await page.getByRole('cell', { name: 'phone token', exact: true }).waitFor();
      await check('phone-tokens');
      await section('Members');
      await check('phone-members');

      // a sandbox deployment of its own, its first run (planned, then discarded), the lists
      await section('Deployments');
      const sandbox = page.getByRole('listitem', { name: 'Sandbox (local demo, creates nothing)' });
      await sandbox.getByRole('link', { name: /^Deploy / }).click();
      await page.getByRole('heading', { level: 1, name: /New deployment/ }).waitFor();
      await check('phone-deployment-new');
      await page.getByLabel('Deployment name').fill('phone-sandbox');
      await page.getByRole('button', { name: 'Create deployment' }).click();
      await page.waitForURL(/\/deployments\/dep_[^/]+$/);
      await page.getByText('The sandbox creates nothing in a cloud account', { exact: false }).waitFor();
      await page.getByRole('button', { name: 'Plan & apply' }).click();
      await page.waitForURL(/\/runs\/run_[^/]+$/);
      await page.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 90_000 });
      await page.getByLabel('Log lines').locator('[data-seq]').first().waitFor();
      await check('phone-run');
      await page.getByRole('button', { name: 'Discard plan' }).click();
      await page.getByText('Discarded', { exact: true }).first().waitFor();
      await page.getByRole('link', { name: 'Back to the deployment' }).click();
      await page.getByRole('table', { name: 'Runs' }).getByText('Discarded').waitFor();
      await check('phone-deployment');
      await section('Deployments');
      await page.getByRole('table', { name: 'Deployments' }).getByRole('link', { name: 'phone-sandbox' }).waitFor();
      await check('phone-deployments');

      // the dashboard's recent runs lead to the run
      await section('Dashboard');
      const recent = page.getByRole('list', { name: 'Recent runs' });
      await recent.getByRole('link', { name: /of phone-sandbox, Discarded$/ }).waitFor();
      await check('phone-dashboard-recent-runs');
      await recent.getByRole('link', { name: /of phone-sandbox, Discarded$/ }).click();
      await page.waitForURL(/\/runs\/run_[^/]+$/);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
});

/// Fails when the page is wider than the screen, naming the elements that stick out, or when a
/// box (a table) needs scrolling sideways: on a phone the columns that matter must fit.
async function assertFitsWidth(page, name) {
  const found = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const label = (el) =>
      `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 4).join('.')} "${(el.querySelector('caption')?.textContent ?? el.textContent ?? '').trim().slice(0, 40)}"`;
    const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const insideScroller = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (scrolls(p) || ['hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
      }
      return false;
    };
    const visible = (el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const all = [...document.querySelectorAll('body *')].filter(visible);
    const sticking = all
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !insideScroller(el))
      .slice(0, 3)
      .map((el) => `${label(el)} (right edge ${Math.round(el.getBoundingClientRect().right)})`);
    const sideways = all
      .filter((el) => scrolls(el) && el.scrollWidth > el.clientWidth + 1 && !el.closest('[aria-label="Log lines"]'))
      .map((el) => `${label(el)} (${el.scrollWidth} px in ${el.clientWidth})`);
    return { width, scrollWidth: document.documentElement.scrollWidth, sticking, sideways };
  });
  assert.ok(
    found.scrollWidth <= found.width && found.sticking.length === 0,
    `${name}: wider than the ${found.width} px screen (${found.scrollWidth} px): ${found.sticking.join('; ')}`,
  );
  assert.deepEqual(found.sideways, [], `${name}: scrolls sideways on a ${found.width} px screen`);
}

/// The text of the elements that describe a control (its error or hint).
async function describedBy(locator) {
  return locator.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim(),
  );
}
