import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProgressReporter } from '../../protocols/runtime/progress.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ScoreRow } from '../../protocols/messages/pos/score-request.js';
import type { ActualRow } from '../../protocols/messages/pos/actuals.js';
import { runStep, startDaemon, type Daemon } from './child-processes.js';
import { PosClient } from './pos-client.js';
import { readDemoSales } from './demo-sales.js';
import type { DemoReady } from './demo-ready.js';
import { keepRunning, trainingCsv } from './keep-mode.js';

/** Options of `fleetcast demo`. */
export interface DemoOptions {
  /** Working folder; wiped at the start of every run. */
  dir: string;
  /** Simulated stores, one agent process each. */
  stores: number;
  /** Items per store. */
  items: number;
  /** Days of sales history. */
  days: number;
  /** Generator seed. */
  seed: number;
  /** Keep the controller and agents running until Ctrl-C, with POS tills on a compressed clock (issue #14). */
  keep: boolean;
  /** REST API and dashboard port (0: any free port). */
  port?: number;
  /** `--keep`: wall-clock seconds per simulated sales day. */
  secondsPerDay?: number;
  /** `--keep`: simulated days before the first store's inputs drift (0: never). */
  driftAfterDays?: number;
}

/** Sales days generated beyond the training cutoff for `--keep`'s simulation. */
const SIMULATED_DAYS = 730;
/** The Mosquitto binary the agents' MQTT 5 POS backend runs, when installed. */
const MOSQUITTO = '/usr/sbin/mosquitto';

/** What a running demo tells its caller: the dashboard as soon as it serves, the rest when ready. */
export interface DemoEvents {
  onDashboard?(dashboard: { event: 'dashboard'; dashboard: string; operatorToken: string }): void;
  onReady?(ready: DemoReady): void;
}

export interface DemoStoreResult {
  deviceId: string;
  store: string;
  posPort: number;
  servedBy: { name: string; version: number };
  forecasts: Array<{ item: string; date: string; value: number }>;
}

export interface DemoResult {
  ok: true;
  dir: string;
  runId: string;
  metrics: { modelWape: number; seasonalNaiveWape: number; improvement: number };
  bundle: { path: string; sha256: string; sizeBytes: number };
  controller: { api: string; broker: string };
  deploymentId: string;
  stores: DemoStoreResult[];
  telemetryRecords: number;
  /** Forecast accuracy the stores measured on their own and reported upstream (controller view). */
  fleetAccuracy: FleetAccuracy;
}

export interface FleetAccuracy {
  n: number;
  devices: number;
  wape: number | null;
  mae: number | null;
}

const MODEL_NAME = 'daily-units';

/**
 * The main job on one machine with embedded defaults: generate a chain's sales, validate them,
 * train and track a model, package a signed bundle, run a controller (embedded broker) and one
 * agent per store, deploy the model through the registry, ask every store for forecasts over
 * MQTT the way a POS would, report the day's actual sales, and read back the accuracy the
 * stores measured and reported upstream. Every step is a real `fleetcast` command in its own
 * process.
 */
export async function runDemo(options: DemoOptions, progress: ProgressReporter, events: DemoEvents = {}): Promise<DemoResult> {
  checkOptions(options);
  const dir = resolve(options.dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const daemons: Daemon[] = [];
  // Ctrl-C while the fleet is still being set up: stop what already runs, then leave with 130
  // (a daemon left running would outlive the demo; issue #14). Once ready, keepRunning owns it.
  const stopDuringSetup = (): void => {
    void Promise.all(daemons.map((daemon) => daemon.stop())).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopDuringSetup);
  process.once('SIGTERM', stopDuringSetup);
  const steps = 10;
  let step = 0;
  const advance = (what: string) => progress.update(++step, { step: what });
  progress.start(steps, 'demo');
  try {
    // Keys and controller first, so `--keep` shows the dashboard while the model trains (issue #14).
    const keyPrefix = join(dir, 'keys', 'signer');
    mkdirSync(join(dir, 'keys'), { recursive: true });
    const key = await runStep<{ privateKeyPath: string; publicKeyPath: string; keyId: string }>(['keys', 'generate', '--out', keyPrefix]);
    const controllerDir = join(dir, 'controller');
    const controllerConfigPath = join(dir, 'controller.json');
    // Port 0 everywhere: each daemon binds a free port and reports it, so no port is probed
    // first and raced for by another process (issue #9).
    writeFileSync(controllerConfigPath, JSON.stringify({ dataDir: controllerDir, api: { port: options.port ?? 0 }, broker: { kind: 'aedes', port: 0 }, trustedKeys: [key.publicKeyPath] }, null, 2));
    const controller = await startDaemon(['controller', '--config', controllerConfigPath, '--json'], 'api', 120_000);
    daemons.push(controller);
    const api = String(controller.ready.api);
    const broker = String(controller.ready.broker);
    const cfgFlags = ['--config', controllerConfigPath];
    const token = await runStep<{ token: string }>(['controller', 'token', 'create', '--role', 'operator', '--name', 'demo-operator', ...cfgFlags]);
    const viewer = await runStep<{ token: string }>(['controller', 'token', 'create', '--role', 'viewer', '--name', 'demo-viewer', ...cfgFlags]);
    if (options.keep) events.onDashboard?.({ event: 'dashboard', dashboard: `${api}/`, operatorToken: token.token });
    advance('controller running');

    const salesPath = join(dir, 'sales.csv');
    const simulated = options.keep ? SIMULATED_DAYS : 0;
    await runStep(['data', 'generate', '--stores', String(options.stores), '--items', String(options.items), '--days', String(options.days + simulated), '--seed', String(options.seed), '--out', salesPath]);
    // The model learns the first `days`; `--keep`'s tills replay the rest one day at a time.
    const trainPath = simulated > 0 ? trainingCsv(salesPath, join(dir, 'train.csv'), simulated) : { path: salesPath, cutoff: undefined };
    advance('data generated');
    await runStep(['data', 'validate', trainPath.path]);
    advance('data validated');

    const runsDb = join(dir, 'runs.db');
    const trained = await runStep<{ runId: string; metrics: { model: { wape: number }; seasonalNaive: { wape: number } } }>(['train', '--data', trainPath.path, '--model', 'gbdt', '--runs-db', runsDb]);
    advance('model trained');

    const bundlePath = join(dir, `${MODEL_NAME}-v1.fcb`);
    const packaged = await runStep<{ sha256: string; sizeBytes?: number; size?: number }>(['package', '--run', trained.runId, '--runs-db', runsDb, '--key', key.privateKeyPath, '--out', bundlePath, '--name', MODEL_NAME, '--version', '1']);
    advance('bundle signed');

    const cfg = cfgFlags;
    const sales = await readDemoSales(salesPath, trainPath.cutoff);
    const posBackend = options.keep && existsSync(MOSQUITTO) ? 'mosquitto' : 'aedes';
    const stores: Array<{ deviceId: string; store: string; posPort: number; metricsPort: number | null; posUser: { username: string; password: string } }> = [];
    // Enrolment writes the controller's database, one command at a time; the agents then
    // start side by side (each start is seconds of process and broker set-up).
    const enrolments: Array<{ deviceId: string; store: string; secret: string }> = [];
    for (const [index, store] of sales.stores.entries()) {
      const deviceId = `store-${String(index + 1).padStart(4, '0')}`;
      const enrolled = await runStep<{ secret: string }>(['devices', 'add', '--id', deviceId, '--store', store, '--region', 'eu-central', '--timezone', 'Europe/Berlin', '--tags', 'demo', '--profile', 'generic', ...cfg]);
      enrolments.push({ deviceId, store, secret: enrolled.secret });
    }
    stores.push(...await Promise.all(enrolments.map(async ({ deviceId, store, secret }) => {
      const agentConfigPath = join(dir, 'agents', deviceId, 'agent.json');
      mkdirSync(join(dir, 'agents', deviceId), { recursive: true });
      await runStep(['agent', 'init', '--out', agentConfigPath, '--device-id', deviceId, '--uplink', broker, '--uplink-password', secret, '--pos-port', '0']);
      const agentConfig = JSON.parse(readFileSync(agentConfigPath, 'utf8')) as { trustedKeys: Record<string, string>; pos: { backend?: string; users: Array<{ username: string; password: string }> }; schedules: Record<string, unknown>; metrics?: { host: string; port: number } };
      agentConfig.trustedKeys = { [key.keyId]: readFileSync(key.publicKeyPath, 'utf8') };
      // Report upstream every 2 s instead of 10 so the demo shows the accuracy loop promptly.
      agentConfig.schedules.flushIntervalSec = 2;
      agentConfig.metrics = { host: '127.0.0.1', port: 0 };
      if (options.keep) {
        // The compressed clock: heartbeats and drift windows in seconds, not minutes and hours.
        Object.assign(agentConfig.schedules, { heartbeatIntervalSec: 5, driftWindowCron: '*/20 * * * * *' });
        agentConfig.pos.backend = posBackend;
      }
      writeFileSync(agentConfigPath, JSON.stringify(agentConfig, null, 2));
      const agent = await startDaemon(['agent', '--config', agentConfigPath], 'event', 120_000);
      daemons.push(agent);
      return { deviceId, store, posPort: Number(agent.ready.posPort), metricsPort: typeof agent.ready.metricsPort === 'number' ? agent.ready.metricsPort : null, posUser: agentConfig.pos.users[0] };
    })));
    advance('agents running');

    await runStep(['registry', 'push', bundlePath, ...cfg]);
    await runStep(['registry', 'promote', MODEL_NAME, '1', '--stage', 'Production', '--reason', 'demo: beats seasonal naive', ...cfg]);
    advance('model in Production');

    const authorization = { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' };
    const deployResponse = await fetch(`${api}/v1/deployments`, { method: 'POST', headers: authorization, body: JSON.stringify({ model: MODEL_NAME, ref: 'Production', selector: 'tag:demo' }) });
    if (!deployResponse.ok) throw new FleetcastError('FC_ERR_INTERNAL', `deployment refused: ${deployResponse.status} ${await deployResponse.text()}`);
    const deployment = (await deployResponse.json()) as { deploymentId: string };
    // A demo that stays up waits longer: on a busy machine the dashboard shows the rollout meanwhile.
    const patience = options.keep ? 5 : 1;
    await waitForDeployment(api, authorization, deployment.deploymentId, stores.length, 120_000 * patience);
    advance('deployed to every store');

    const results: DemoStoreResult[] = [];
    for (const store of stores) {
      const pos = await PosClient.connect(store.posPort, store.posUser.username, store.posUser.password);
      try {
        // A POS back-fills recent actuals (all but the last day) so the agent builds lag features locally.
        const day = sales.lastDate;
        const history: ActualRow[] = sales.recentActuals(store.store, 60).filter((row) => row.date < day);
        for (let offset = 0; offset < history.length; offset += 5_000) await pos.sendActuals(history.slice(offset, offset + 5_000));
        const rows: ScoreRow[] = sales.items.map((item) => ({ store: store.store, item, date: day, ...sales.lastKnown(store.store, item) }));
        const reply = await pos.score(rows);
        if (reply.type === 'error') throw new FleetcastError('FC_ERR_INTERNAL', `agent ${store.deviceId} answered ${reply.code}: ${reply.message}`);
        results.push({ deviceId: store.deviceId, store: store.store, posPort: store.posPort, servedBy: reply.model, forecasts: reply.predictions.map((p) => ({ item: p.item, date: p.date, value: p.value })) });
        // End of day: the POS reports what was sold; the agent scores its own forecasts against it.
        await pos.sendActuals(sales.recentActuals(store.store, 1));
      } finally {
        await pos.close();
      }
    }
    advance('stores answered');

    const expected = stores.length * sales.items.length;
    const fleetAccuracy = await waitForFleetAccuracy(api, authorization, expected, 30_000 * patience);
    const telemetry = (await (await fetch(`${api}/v1/telemetry/records?limit=1000`, { headers: authorization })).json()) as { records?: unknown[] };
    advance('accuracy reported upstream');
    progress.stop();

    const result: DemoResult = {
      ok: true,
      dir,
      runId: trained.runId,
      metrics: {
        modelWape: trained.metrics.model.wape,
        seasonalNaiveWape: trained.metrics.seasonalNaive.wape,
        improvement: 1 - trained.metrics.model.wape / trained.metrics.seasonalNaive.wape,
      },
      bundle: { path: bundlePath, sha256: packaged.sha256, sizeBytes: packaged.sizeBytes ?? packaged.size ?? 0 },
      controller: { api, broker },
      deploymentId: deployment.deploymentId,
      stores: results,
      telemetryRecords: telemetry.records?.length ?? 0,
      fleetAccuracy,
    };
    process.off('SIGINT', stopDuringSetup);
    process.off('SIGTERM', stopDuringSetup);
    if (options.keep) {
      await keepRunning({ api, operatorToken: token.token, viewerToken: viewer.token, stores, sales, posBackend, secondsPerDay: options.secondsPerDay ?? 5, driftAfterDays: options.driftAfterDays ?? 20 }, events);
    }
    return result;
  } finally {
    process.off('SIGINT', stopDuringSetup);
    process.off('SIGTERM', stopDuringSetup);
    progress.stop();
    await Promise.all(daemons.reverse().map((daemon) => daemon.stop()));
  }
}

/** Polls the controller until the stores' accuracy counters for every forecast have arrived. */
async function waitForFleetAccuracy(api: string, headers: Record<string, string>, expected: number, timeoutMs = 30_000): Promise<FleetAccuracy> {
  const deadline = Date.now() + timeoutMs;
  let summary: FleetAccuracy = { n: 0, devices: 0, wape: null, mae: null };
  while (Date.now() < deadline) {
    summary = (await (await fetch(`${api}/v1/telemetry/accuracy?model=${MODEL_NAME}&version=1`, { headers })).json()) as FleetAccuracy;
    if (summary.n >= expected) return summary;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new FleetcastError('FC_ERR_INTERNAL', `accuracy of ${summary.n}/${expected} forecasts reached the controller in ${timeoutMs} ms`);
}

/** Polls the deployment until every device has committed it (or one failed). */
async function waitForDeployment(api: string, headers: Record<string, string>, deploymentId: string, devices: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const status = (await (await fetch(`${api}/v1/deployments/${encodeURIComponent(deploymentId)}`, { headers })).json()) as { devices: Array<{ deviceId: string; state?: string; status?: string; errorCode?: string | null }> };
    const states = status.devices.map((d) => d.state ?? d.status ?? 'unknown');
    last = JSON.stringify(status.devices);
    const failed = status.devices.find((d) => (d.state ?? d.status) === 'failed');
    if (failed) throw new FleetcastError('FC_ERR_INTERNAL', `deployment failed on ${failed.deviceId}: ${failed.errorCode ?? ''}`);
    if (states.length === devices && states.every((s) => s === 'committed')) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new FleetcastError('FC_ERR_INTERNAL', `deployment ${deploymentId} did not complete: ${last}`);
}

/** Bounds every number the command line gives the demo (FC_ERR_USAGE names the flag). */
function checkOptions(options: DemoOptions): void {
  const within = (flag: string, value: number | undefined, min: number, max: number, integer = true): void => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) throw new FleetcastError('FC_ERR_USAGE', `${flag} must be ${integer ? 'an integer ' : ''}between ${min} and ${max}`);
  };
  within('--stores', options.stores, 1, 50);
  within('--items', options.items, 1, 500);
  within('--days', options.days, 60, 3_650);
  within('--port', options.port, 0, 65_535);
  within('--seconds-per-day', options.secondsPerDay, 0.2, 3_600, false);
  within('--drift-after-days', options.driftAfterDays, 0, SIMULATED_DAYS);
}
