//! Debian's Chromium driven by playwright-core (no browser download: `infra/scripts/web.sh e2e`
//! installs the `chromium` package when /usr/bin/chromium is missing).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { artifactsDir } from './runtime.mjs';

export const CHROMIUM = process.env.SKYFORGE_CHROMIUM ?? '/usr/bin/chromium';

/// Without the background-networking flags Chromium keeps calling Google's hosts, which this
/// machine's closed network refuses. Playwright adds --headless and a fresh temporary
/// --user-data-dir of its own to every launch, and removes the profile when the browser closes.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (infra/scripts/web.sh e2e does)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export const screenshotsDir = join(artifactsDir, 'screenshots');

/// Saves a full-page screenshot as .run/test-artifacts/screenshots/<name>.png.
export async function screenshot(page, name) {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
}
