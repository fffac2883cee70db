import test from 'ava';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../../helpers/paths.js';
import { startDemoFleet, type DemoFleet } from './demo-fleet.js';

/** Screenshots kept as test artifacts (git-ignored), printed by the test (issue #14). */
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'dashboard');

let demo: DemoFleet;
let browser: BrowserContext;

test.before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await startDemoFleet(2, ['--seconds-per-day', '1', '--drift-after-days', '0']);
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'fc-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});

test.after.always(async () => {
  await browser?.close();
  if (demo?.child.exitCode === null) demo.child.kill('SIGKILL');
});

async function signIn(token: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(demo.ready.dashboard);
  await page.fill('#token', token);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#fleet-table tbody tr');
  return page;
}

async function screenshot(t: { log(...values: unknown[]): void }, page: Page, name: string): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  t.log(`screenshot ${path}`);
}

test.serial('an operator signs in and sees the fleet table fill with the demo stores, a device, accuracy and drift', async (t) => {
  const page = await signIn(demo.ready.operatorToken);
  t.is(await page.textContent('#who'), 'demo-operator (operator)');
  // Both stores are listed online, serving the deployed model.
  const rows = page.locator('#fleet-table tbody tr');
  await rows.filter({ hasText: 'online' }).filter({ hasText: 'daily-units v1' }).nth(1).waitFor();
  const column = (n: number) => page.locator(`#fleet-table tbody tr td:nth-child(${n})`).allTextContents();
  t.deepEqual(await column(1), ['store-0001', 'store-0002']);
  t.deepEqual(await column(2), ['S001', 'S002']);
  t.deepEqual(await column(3), ['eu-central', 'eu-central']);
  // Search narrows the table.
  await page.fill('input[name=search]', 'S002');
  await rows.nth(1).waitFor({ state: 'detached' });
  t.deepEqual(await column(2), ['S002']);
  await screenshot(t, page, 'fleet');
  await page.fill('input[name=search]', '');

  await page.click('#fleet-table tbody tr[data-id="store-0001"]');
  await page.waitForSelector('#device-summary dl');
  t.true((await page.textContent('#device-summary'))?.includes('daily-units v1'));
  await screenshot(t, page, 'device');

  await page.click('#tabs button[data-panel=deployments]');
  await page.waitForSelector('#deployments-table tbody tr');
  t.false(await page.isDisabled('#deploy'));
  t.false(await page.isDisabled('#rollback'));
  await screenshot(t, page, 'deployments-operator');

  await page.click('#tabs button[data-panel=accuracy]');
  await page.waitForSelector('#accuracy-chart canvas');
  await page.click('#tabs button[data-panel=drift]');
  await page.waitForSelector('#drift-chart canvas');
  await screenshot(t, page, 'drift');
  await page.close();
});

test.serial('a viewer cannot press operator buttons, and the API refuses a viewer anyway', async (t) => {
  const page = await signIn(demo.ready.viewerToken);
  t.is(await page.textContent('#who'), 'demo-viewer (viewer)');
  await page.click('#tabs button[data-panel=deployments]');
  await page.waitForSelector('#deployments-table tbody tr');
  t.true(await page.isDisabled('#deploy'));
  t.true(await page.isDisabled('#rollback'));
  await screenshot(t, page, 'deployments-viewer');
  // The same request the button would send: refused for the viewer, accepted for the operator.
  const body = JSON.stringify({ model: 'daily-units', ref: 'Production', selector: 'all' });
  const asViewer = await fetch(`${demo.ready.api}/v1/deployments`, { method: 'POST', headers: { authorization: `Bearer ${demo.ready.viewerToken}`, 'content-type': 'application/json' }, body });
  t.is(asViewer.status, 403);
  t.is(((await asViewer.json()) as { error: { code: string } }).error.code, 'FC_ERR_FORBIDDEN');
  const asOperator = await fetch(`${demo.ready.api}/v1/deployments`, { method: 'POST', headers: { authorization: `Bearer ${demo.ready.operatorToken}`, 'content-type': 'application/json' }, body });
  t.is(asOperator.status, 201);
  await page.close();
});

test.serial('Ctrl-C stops the demo fleet cleanly and prints its result', async (t) => {
  const { code, result } = await demo.interrupt();
  t.is(code, 0, demo.stderr());
  t.is(result?.ok, true);
});
