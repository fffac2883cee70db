import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/run-cli.js';
import { api, spawnController, type Started } from '../controller-process.js';

let controller: { child: ChildProcess; info: Started };
let cwd: string;

test.before(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'fc-dashboard-'));
  controller = await spawnController(cwd, { FLEETCAST_API_PORT: '0', FLEETCAST_BROKER_PORT: '0' });
});

test.after.always(() => {
  controller?.child.kill('SIGTERM');
});

async function token(role: string): Promise<string> {
  const created = await runCli(['controller', 'token', 'create', '--role', role, '--name', `dash-${role}`, '--json'], { cwd });
  return (JSON.parse(created.stdout) as { token: string }).token;
}

test('the controller serves the dashboard page and ECharts from the package, without a token and without the internet', async (t) => {
  const page = await fetch(`${controller.info.api}/`);
  t.is(page.status, 200);
  t.regex(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  t.regex(html, /src="\/vendor\/echarts\.min\.js"/);
  t.notRegex(html, /https?:\/\//);
  const app = await fetch(`${controller.info.api}/app.js`);
  t.is(app.status, 200);
  t.regex(app.headers.get('content-type') ?? '', /javascript/);
  const echarts = await fetch(`${controller.info.api}/vendor/echarts.min.js`);
  t.is(echarts.status, 200);
  t.true((await echarts.text()).length > 500_000);
  // Paths that are no file keep the API's coded 404.
  const missing = await api(controller.info.api, null, 'GET', '/nope.js');
  t.is(missing.status, 404);
  t.is((missing.json.error as { code: string }).code, 'FC_ERR_ROUTE_NOT_FOUND');
});

test('the dashboard’s read models sit behind the API’s tokens: session names the role, bad input gets a code', async (t) => {
  t.is((await api(controller.info.api, null, 'GET', '/v1/session')).status, 401);
  const viewer = await token('viewer');
  t.deepEqual((await api(controller.info.api, viewer, 'GET', '/v1/session')).json, { name: 'dash-viewer', role: 'viewer' });
  t.deepEqual((await api(controller.info.api, viewer, 'GET', '/v1/dashboard/accuracy?level=region')).json, { level: 'region', series: [] });
  const bad = await api(controller.info.api, viewer, 'GET', '/v1/dashboard/accuracy?level=planet');
  t.is(bad.status, 400);
  t.is((bad.json.error as { code: string }).code, 'FC_ERR_INVALID_REQUEST');
  t.deepEqual((await api(controller.info.api, viewer, 'GET', '/v1/dashboard/drift')).json, { stores: [], features: [], cells: [], windowEnd: null });
});
