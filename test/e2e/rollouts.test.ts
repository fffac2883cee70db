import test, { type ExecutionContext } from 'ava';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../cloud-controller/helpers.js';
import { eventually } from '../cloud-controller/broker/mqtt-helpers.js';
import { api, spawnJson } from './e2e-helpers.js';
import { PosClient } from '../../cli/demo/pos-client.js';
import { loadSalesData } from '../../model-packager/data/index.js';
import type { SalesRow } from '../../protocols/data/sales-row.js';

/**
 * Issue #13 acceptance with real processes: one controller (embedded aedes on a fixed loopback
 * port, so agents find it again after a SIGKILL) and ten agents, started once for both
 * scenarios, which run in order. A model trained on shuffled targets is stopped at the canary
 * by the WAPE gate (forecasts scored on the agents, POS actuals sent by the test) and rolled
 * back, and no other agent ever reports it; a good model then completes every wave although
 * the controller is SIGKILLed mid-wave, and no agent installs it twice.
 */

const DEVICES = 10;
/** Stores of the generated chain (training time grows with them); device i serves store i mod STORES. */
const STORES = 3;
const HOLDOUT_DAYS = 8;

interface Agent {
  deviceId: string;
  store: string;
  child: ChildProcess;
  posPort: number;
  dataDir: string;
}

interface Fixture {
  dir: string;
  config: string;
  dataDir: string;
  controller: ChildProcess;
  brokerUrl: string;
  agents: Agent[];
  posUser: { username: string; password: string };
  rows: SalesRow[];
  holdout: string[];
  /** Every deployment event an agent published, as the controller's broker saw it. */
  events: Array<{ id: string; deviceId: string; deploymentId: string; model: { version: number }; to: string }>;
}

let fixture: Fixture;
const children: ChildProcess[] = [];
let spy: mqtt.MqttClient | undefined;

async function cli<T>(t: ExecutionContext, args: string[], controller = true): Promise<T> {
  const result = await runCli([...args, '--json', ...(controller ? ['--config', fixture.config] : [])], { cwd: fixture.dir, timeoutMs: 600_000 });
  t.is(result.code, 0, `fleetcast ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** The running daemon's REST endpoint and local token (rewritten by every controller start). */
function endpoint(): { url: string; token: string } {
  return JSON.parse(readFileSync(join(fixture.dataDir, 'run', 'api.json'), 'utf8')) as { url: string; token: string };
}

async function rest<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const { url, token } = endpoint();
  const response = await api(url, token, method, path, body);
  return { status: response.status, json: response.json as T };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startController(): Promise<void> {
  const started = await spawnJson<{ broker: string }>(['controller', '--config', fixture.config, '--json'], fixture.dir);
  children.push(started.child);
  fixture.controller = started.child;
  fixture.brokerUrl = started.info.broker;
}

/** Listens to every agent's `evt` with the controller's broker identity, reconnecting after the controller restarts. */
async function startSpy(): Promise<void> {
  const identity = JSON.parse(readFileSync(join(fixture.dataDir, 'broker', 'controller-identity.json'), 'utf8')) as { username: string; password: string };
  spy = mqtt.connect(fixture.brokerUrl, { clientId: 'e2e-rollout-spy', username: identity.username, password: identity.password, reconnectPeriod: 100 });
  const client = spy;
  client.on('connect', () => void client.subscribeAsync('fc/v1/d/+/evt', { qos: 1 }));
  client.on('message', (topic, payload) => {
    const event = JSON.parse(payload.toString('utf8')) as { id: string; type: string; deploymentId: string; model: { version: number }; to: string };
    if (event.type === 'deployment') fixture.events.push({ id: event.id, deviceId: topic.split('/')[3], deploymentId: event.deploymentId, model: event.model, to: event.to });
  });
  await new Promise((resolve) => client.once('connect', resolve));
}

interface RolloutStatusJson {
  rollout: { rolloutId: string; state: string; wave: number };
  devices: Array<{ deviceId: string; wave: number; status: string }>;
  decisions: Array<{ event: string; to: string | null; reason: string; evidence: Record<string, unknown> }>;
}

async function rolloutState(id: string): Promise<RolloutStatusJson> {
  return (await rest<RolloutStatusJson>('GET', `/v1/rollouts/${id}`)).json;
}

async function waitForRollout(id: string, done: (status: RolloutStatusJson) => boolean, timeoutMs = 60_000): Promise<RolloutStatusJson> {
  let last: RolloutStatusJson | undefined;
  const reached = await eventually(async () => {
    try {
      last = await rolloutState(id);
      return done(last);
    } catch {
      return false; // the controller is restarting
    }
  }, timeoutMs, 50);
  if (!reached || !last) throw new Error(`rollout ${id} did not get there: ${JSON.stringify(last?.rollout)} ${JSON.stringify(last?.decisions.at(-1))}`);
  return last;
}

/** The store's POS: forecasts for each holdout day, then that day's actual sales (the agent matches them into accuracy counters). */
async function trade(agent: Agent, days: string[]): Promise<void> {
  const pos = await PosClient.connect(agent.posPort, fixture.posUser.username, fixture.posUser.password);
  try {
    for (const day of days) {
      const rows = fixture.rows.filter((row) => row.store === agent.store && row.date === day);
      const reply = await pos.score(rows.map((row) => ({ store: row.store, item: row.item, date: row.date, ...(row.price !== undefined ? { price: row.price } : {}), ...(row.promo !== undefined ? { promo: row.promo } : {}) })), 60_000);
      if (reply.type !== 'score-result') throw new Error(`${agent.deviceId}: ${JSON.stringify(reply)}`);
      await pos.sendActuals(rows.map((row) => ({ store: row.store, item: row.item, date: row.date, units: row.units })));
    }
  } finally {
    await pos.close();
  }
}

async function servedVersion(agent: Agent): Promise<number | null> {
  const pos = await PosClient.connect(agent.posPort, fixture.posUser.username, fixture.posUser.password);
  try {
    const row = fixture.rows.find((r) => r.store === agent.store && r.date === fixture.holdout[0]);
    const reply = await pos.score([{ store: agent.store, item: row?.item ?? 'I0001', date: fixture.holdout[0] }], 60_000);
    return reply.type === 'score-result' ? reply.model.version : null;
  } finally {
    await pos.close();
  }
}

/** Deterministic shuffle of the `units` column: the same features, targets that mean nothing. */
function writeShuffled(from: string, to: string): void {
  const [header, ...lines] = readFileSync(from, 'utf8').trim().split('\n');
  const columns = header.split(',');
  const unitsAt = columns.indexOf('units');
  const cells = lines.map((line) => line.split(','));
  let state = 42;
  const random = (): number => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const units = cells.map((cell) => cell[unitsAt]);
  for (let i = units.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [units[i], units[j]] = [units[j], units[i]];
  }
  writeFileSync(to, [header, ...cells.map((cell, i) => cell.map((value, c) => (c === unitsAt ? units[i] : value)).join(','))].join('\n'));
  writeFileSync(`${to}.stores.json`, readFileSync(`${from}.stores.json`));
}

test.before(async (t) => {
  const dir = tempDir('fc-rollouts-e2e-');
  const ex = t as unknown as ExecutionContext;
  fixture = { dir, config: join(dir, 'controller.json'), dataDir: join(dir, 'ctl'), controller: undefined as unknown as ChildProcess, brokerUrl: '', agents: [], posUser: { username: '', password: '' }, rows: [], holdout: [], events: [] };
  mkdirSync(join(dir, 'keys'));
  await cli(ex, ['keys', 'generate', '--out', 'keys/signer'], false);

  // Models: v1 good, v2 trained on shuffled targets, v3 the good run again (a new version that is as good).
  const modelSide = async (): Promise<void> => {
    await cli(ex, ['data', 'generate', '--stores', String(STORES), '--items', '2', '--days', '150', '--seed', '7', '--out', 'sales.csv'], false);
    writeShuffled(join(dir, 'sales.csv'), join(dir, 'shuffled.csv'));
    const [good, bad] = await Promise.all(['sales.csv', 'shuffled.csv'].map((data) => cli<{ runId: string }>(ex, ['train', '--data', data, '--model', 'linear', '--seed', '1', '--runs-db', `${data}.runs.db`], false)));
    await Promise.all(([[1, good, 'sales.csv'], [2, bad, 'shuffled.csv'], [3, good, 'sales.csv']] as const).map(([version, run, data]) =>
      // The packager itself refuses the shuffled run as worse than a baseline; the rollout gate must catch what an operator forces through.
      cli(ex, ['package', '--run', run.runId, '--runs-db', `${data}.runs.db`, '--key', 'keys/signer.key.pem', '--out', `demand-v${version}.fcb`, '--name', 'demand', '--version', String(version),
        ...(version === 2 ? ['--allow-worse-than-baseline'] : [])], false)));
    fixture.rows = (await loadSalesData(join(dir, 'sales.csv'))).rows;
    const days = [...new Set(fixture.rows.map((row) => row.date))].sort();
    fixture.holdout = days.slice(-HOLDOUT_DAYS);
  };

  const fleetSide = async (): Promise<void> => {
    writeFileSync(fixture.config, JSON.stringify({ dataDir: 'ctl', api: { port: 0 }, broker: { kind: 'aedes', port: await freePort() }, trustedKeys: ['keys/signer.pub.pem'], rollouts: { tickIntervalMs: 200 } }));
    await startController();
    await startSpy();
    await cli(ex, ['controller', 'key', '--out', 'controller.pub.pem']);
    await cli(ex, ['agent', 'init', '--out', 'base.json', '--device-id', 'st-base', '--uplink', fixture.brokerUrl, '--uplink-password', 'placeholder-secret', '--pos-port', '0', '--data-dir', 'base-data', '--trust', 'keys/signer.pub.pem', '--controller-key', 'controller.pub.pem'], false);
    const base = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')) as Record<string, unknown> & { uplink: Record<string, unknown>; schedules: Record<string, unknown>; pos: { users: Array<{ username: string; password: string }> } };
    fixture.posUser = base.pos.users[0];
    const stores = Array.from({ length: DEVICES }, (_, i) => `S${String((i % STORES) + 1).padStart(3, '0')}`);
    fixture.agents = await Promise.all(stores.map(async (store, i) => {
      const deviceId = `st-${String(i).padStart(2, '0')}`;
      const enrolled = await rest<{ secret: string }>('POST', '/v1/devices', { id: deviceId, store, region: 'eu', timezone: 'Europe/Berlin', profile: 'generic' });
      if (enrolled.status !== 201) throw new Error(`enrol ${deviceId}: ${JSON.stringify(enrolled.json)}`);
      const config = { ...base, deviceId, dataDir: `${deviceId}-data`, uplink: { ...base.uplink, password: enrolled.json.secret, reconnect: { minMs: 100, maxMs: 500, jitter: 0 } }, schedules: { ...base.schedules, flushIntervalSec: 1 } };
      writeFileSync(join(dir, `${deviceId}.json`), JSON.stringify(config));
      const started = await spawnJson<{ posPort: number }>(['agent', '--config', `${deviceId}.json`], dir);
      children.push(started.child);
      return { deviceId, store, child: started.child, posPort: started.info.posPort, dataDir: join(dir, `${deviceId}-data`) };
    }));
    if (!(await eventually(async () => (await rest<{ online: number }>('GET', '/v1/fleet/status')).json.online === DEVICES, 30_000, 100))) throw new Error('agents did not come online');
  };
  // Both sides run to their end before a failure is reported, so no agent starts after the teardown.
  const sides = await Promise.allSettled([modelSide(), fleetSide()]);
  for (const side of sides) if (side.status === 'rejected') throw side.reason;

  // Every store serves v1 and has the 60 days before the holdout as history (POS back-fill).
  for (const version of [1, 2, 3]) await cli(ex, ['registry', 'push', `demand-v${version}.fcb`]);
  await cli(ex, ['registry', 'promote', 'demand', '1', '--stage', 'Production']);
  const first = await cli<{ complete: boolean }>(ex, ['deploy', 'demand@1', '--target', 'all', '--wait']);
  if (!first.complete) throw new Error('v1 did not reach every store');
  const historyFrom = [...new Set(fixture.rows.map((row) => row.date))].sort().at(-(HOLDOUT_DAYS + 60)) ?? '';
  await Promise.all(fixture.agents.map(async (agent) => {
    const pos = await PosClient.connect(agent.posPort, fixture.posUser.username, fixture.posUser.password);
    await pos.sendActuals(fixture.rows.filter((row) => row.store === agent.store && row.date >= historyFrom && row.date < fixture.holdout[0]).map((row) => ({ store: row.store, item: row.item, date: row.date, units: row.units })));
    await pos.close();
  }));
});

test.after.always(() => {
  spy?.end(true);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

test.serial('a model trained on shuffled targets is stopped at the canary by the WAPE gate, the canary is rolled back and no other store ever receives it', async (t) => {
  await cli(t, ['registry', 'promote', 'demand', '2', '--stage', 'Production']);
  const created = await cli<{ rolloutId: string; state: string }>(t, ['rollout', 'create', '--model', 'demand@2', '--target', 'all', '--waves', '1,50%,100%', '--bake', '3600',
    '--max-wape-ratio', '1.2', '--min-actuals', String(HOLDOUT_DAYS * 2), '--max-failure-percent', '0', '--no-opening-hours']);
  const baking = await waitForRollout(created.rolloutId, (status) => status.rollout.state === 'baking');
  t.is(baking.devices.length, 1, 'one canary');
  const canary = baking.devices[0].deviceId;

  // The stores sell: forecasts, then actuals, on every store (the canary on v2, the rest on the champion v1).
  await Promise.all(fixture.agents.map((agent) => trade(agent, fixture.holdout)));
  const aborted = await waitForRollout(created.rolloutId, (status) => status.rollout.state === 'aborted');
  const gate = aborted.decisions.find((decision) => decision.event === 'gate_failed');
  t.regex(gate?.reason ?? '', /^WAPE /, 'the quality gate decided');
  const accuracy = gate?.evidence.accuracy as { wapeRatio: number; candidate: { n: number; wape: number }; champion: { n: number; wape: number } };
  t.log(`WAPE v2 (canary) ${accuracy.candidate.wape.toFixed(3)} n=${accuracy.candidate.n} vs champion v1 ${accuracy.champion.wape.toFixed(3)} n=${accuracy.champion.n}: ratio ${accuracy.wapeRatio.toFixed(2)}`);
  t.true(accuracy.wapeRatio > 1.2);
  t.like(aborted.devices[0], { deviceId: canary, status: 'rolled_back' });

  const canaryAgent = fixture.agents.find((agent) => agent.deviceId === canary) as Agent;
  t.is(await servedVersion(canaryAgent), 1, 'the canary serves v1 again');
  const v2 = fixture.events.filter((event) => event.model.version === 2);
  t.true(v2.some((event) => event.deviceId === canary && event.to === 'committed'), 'the canary reported v2 committed (the spy sees agent events)');
  t.deepEqual([...new Set(v2.map((event) => event.deviceId))], [canary], 'no other agent ever reported any step of v2');
  t.true(fixture.events.some((event) => event.deviceId === canary && event.model.version === 1 && event.to === 'committed' && event.deploymentId.includes('-rb-')), 'the rollback committed on the canary');
});

test.serial('a good model completes every wave although the controller is SIGKILLed mid-wave, and no agent installs it twice', async (t) => {
  await cli(t, ['registry', 'promote', 'demand', '3', '--stage', 'Production']);
  const created = await cli<{ rolloutId: string }>(t, ['rollout', 'create', '--model', 'demand@3', '--target', 'all', '--waves', '1,50%,100%', '--bake', '0',
    '--max-wape-ratio', '1.2', '--max-error-rate', '0.05', '--no-opening-hours']);
  const before = await waitForRollout(created.rolloutId, (status) => status.rollout.wave >= 1);
  fixture.controller.kill('SIGKILL');
  t.log(`SIGKILL in ${before.rollout.state}, wave ${before.rollout.wave + 1}/3, ${before.devices.length} device(s) assigned`);
  await new Promise((resolve) => fixture.controller.once('exit', resolve));
  const killedAt = fixture.events.length;
  await startController();
  // `rollout status --follow` against the restarted daemon returns once the rollout is final.
  const done = await cli<RolloutStatusJson>(t, ['rollout', 'status', created.rolloutId, '--follow']);
  t.is(done.rollout.state, 'completed');
  t.true(fixture.events.length >= killedAt);
  t.is(done.devices.length, DEVICES);
  t.deepEqual(done.decisions.filter((d) => d.to !== null).map((d) => d.event), ['created', 'wave_executed', 'wave_passed', 'wave_executed', 'wave_passed', 'wave_executed', 'last_wave_passed']);
  t.log(`retried after the kill: ${done.decisions.filter((d) => d.event === 'retried').map((d) => d.reason).join('; ') || 'none'}`);

  for (const agent of fixture.agents) {
    t.is(await servedVersion(agent), 3, `${agent.deviceId} serves v3`);
    // The agent's own record: v3 committed once (a download cut by the controller's death is a failed attempt, retried under a new id).
    const db = new Database(join(agent.dataDir, 'agent.db'), { readonly: true });
    const installs = (db.prepare('SELECT model, outcome FROM update_history').all() as Array<{ model: string; outcome: string }>).filter((row) => (JSON.parse(row.model) as { version: number }).version === 3);
    db.close();
    t.is(installs.filter((row) => row.outcome === 'committed').length, 1, `${agent.deviceId} installed v3 once`);
    // QoS 1 is at least once: an event whose PUBACK died with the broker is published again with the same envelope id.
    const commits = new Set(fixture.events.filter((event) => event.deviceId === agent.deviceId && event.model.version === 3 && event.to === 'committed').map((event) => event.id));
    t.true(commits.size <= 1, `${agent.deviceId} reported v3 committed at most once (distinct events)`);
  }
});
