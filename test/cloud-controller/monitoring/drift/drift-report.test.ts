import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { chromium } from 'playwright-core';
import { writeDriftReport } from '../../../../cloud-controller/monitoring/drift/report/write-report.js';
import { repoRoot } from '../../../helpers/paths.js';
import { reportFixture } from './report-fixture.js';

interface ReportState {
  done?: boolean;
  drawn: number;
  expected: number;
  errors: string[];
}

test('the drift report is one self-contained HTML file that draws every chart in headless Chromium (issue #12)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-report-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const { series, accuracy, alerts } = reportFixture();
  await writeFile(join(dir, 'accuracy.json'), JSON.stringify(accuracy));
  await writeFile(join(dir, 'alerts.json'), JSON.stringify(alerts));
  const out = join(dir, 'report.html');
  const written = await writeDriftReport({ series, out, accuracyPath: join(dir, 'accuracy.json'), alertsPath: join(dir, 'alerts.json') });
  // 30 features + drift share + predictions + accuracy.
  t.is(written.charts, 33);

  // A fresh profile directory per run (launchPersistentContext is playwright's way of passing --user-data-dir).
  const browser = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'], viewport: { width: 1400, height: 1000 } });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(pathToFileURL(out).href);
  await page.waitForFunction(() => (globalThis as unknown as { __report?: ReportState }).__report?.done === true);
  const state = await page.evaluate(() => (globalThis as unknown as { __report: ReportState }).__report);
  t.deepEqual(state.errors, []);
  t.deepEqual(pageErrors, []);
  t.is(state.drawn, 33);
  t.is(state.expected, 33);
  const sizes = await page.$$eval('.chart', (charts) => charts.map((chart) => {
    const canvas = chart.querySelector('canvas, svg');
    const box = canvas?.getBoundingClientRect();
    return { id: chart.id, width: box?.width ?? 0, height: box?.height ?? 0 };
  }));
  t.is(sizes.length, 33);
  for (const size of sizes) t.true(size.width > 0 && size.height > 0, `${size.id} drawn ${size.width}×${size.height}`);
  t.deepEqual(requests, [], 'no network');
  // The table marks the shifted feature; the alert evidence is shown as text, not markup.
  t.regex(await page.locator('tr.drifted td').first().innerText(), /^price$/);
  t.true((await page.locator('pre').first().innerText()).includes('<script>alert(1)</script>'));
  t.is(await page.locator('script').count(), 3);
  const artifacts = join(repoRoot, 'test-artifacts');
  await mkdir(artifacts, { recursive: true });
  const screenshot = join(artifacts, 'drift-report.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  t.log(`screenshot: ${screenshot}`);
});

test('accuracy and alert inputs that do not match their shapes are refused with a usage code', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-report-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'bad.json'), JSON.stringify([{ windowStart: 'x' }]));
  const error = await t.throwsAsync(writeDriftReport({ series: reportFixture().series, out: join(dir, 'r.html'), accuracyPath: join(dir, 'bad.json') }));
  t.is((error as { code?: string }).code, 'FC_ERR_USAGE');
  const missing = await t.throwsAsync(writeDriftReport({ series: reportFixture().series, out: join(dir, 'r.html'), alertsPath: join(dir, 'none.json') }));
  t.is((missing as { code?: string }).code, 'FC_ERR_FILE_NOT_FOUND');
});
