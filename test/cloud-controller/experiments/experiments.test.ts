import test from 'ava';
import { Deployments } from '../../../cloud-controller/deployments/desired-state.js';
import { Fleet } from '../../../cloud-controller/fleet/fleet.js';
import { TelemetryIngest } from '../../../cloud-controller/telemetry/ingest.js';
import { Experiments } from '../../../cloud-controller/experiments/experiments.js';
import { assignArms } from '../../../cloud-controller/experiments/arm-assignment.js';
import { statusText } from '../../../cloud-controller/cli/experiment-commands.js';
import type { Command } from '../../../protocols/messages/cmd/index.js';
import type { ShadowCommand } from '../../../protocols/messages/cmd/shadow.js';
import { makeBundleSet, openTestRegistry, tempDir } from '../helpers.js';

const SENDER = { role: 'controller' as const, id: 'controller' };

test('arms are stratified by region and sticky: each region gets its share, the same experiment gives the same arms', (t) => {
  const devices = [
    ...Array.from({ length: 10 }, (_, i) => ({ deviceId: `eu-${i}`, region: 'eu-west' })),
    ...Array.from({ length: 5 }, (_, i) => ({ deviceId: `us-${i}`, region: 'us-east' })),
  ];
  const arms = assignArms('exp-1', devices, 50);
  const challengers = (region: string): number => devices.filter((d) => d.region === region && arms.get(d.deviceId) === 'challenger').length;
  t.is(challengers('eu-west'), 5);
  t.true([2, 3].includes(challengers('us-east')));
  t.deepEqual(assignArms('exp-1', [...devices].reverse(), 50), arms, 'order of the input does not matter');
  t.notDeepEqual([...assignArms('exp-2', devices, 50)].sort(), [...arms].sort(), 'another experiment draws anew');
  t.is([...assignArms('exp-1', devices, 20).values()].filter((arm) => arm === 'challenger').length, 3, '20 % of 10 and of 5');
});

test('split: arms deployed through desired state, status from the arms\' accuracy counters, conclude keeps an unbeaten champion', async (t) => {
  const set = await makeBundleSet('demand', 2);
  const dataDir = tempDir();
  const { db, registry } = openTestRegistry(dataDir, set.key);
  for (const bundle of set.bundles) await registry.push(bundle.path, 'otto');
  const fleet = new Fleet(db);
  for (let i = 0; i < 8; i += 1) await fleet.enrolDevice({ id: `store-${i}`, store: `s${i}`, region: i < 4 ? 'eu-west' : 'us-east', timezone: 'Europe/Berlin', profile: 'pi5' });
  const sent: Command[] = [];
  const deployments = new Deployments({ db, sendCommand: async (_id, command) => void sent.push(command), isOnline: () => false, sender: SENDER });
  const shadowSent: ShadowCommand[] = [];
  const experiments = new Experiments({ db, registry, fleet, deployments, sendShadow: async (_id, command) => void shadowSent.push(command), sender: SENDER, now: () => new Date('2026-11-01T00:00:00Z') });

  t.is(await experiments.create({ champion: { name: 'demand', ref: 1 }, challenger: { name: 'demand', ref: 1 }, selector: 'all', split: 50 }, 'otto').catch((e: { code: string }) => e.code), 'FC_ERR_EXPERIMENT_SAME_MODEL');
  t.is(await experiments.create({ champion: { name: 'demand', ref: 1 }, challenger: { name: 'demand', ref: 2 }, selector: 'region:nowhere', split: 50 }, 'otto').catch((e: { code: string }) => e.code), 'FC_ERR_EXPERIMENT_NO_TARGETS');
  const experiment = await experiments.create({ experimentId: 'exp-split', champion: { name: 'demand', ref: 1 }, challenger: { name: 'demand', ref: 2 }, selector: 'all', split: 50 }, 'otto');
  const arms = Object.entries(experiment.devices);
  t.is(arms.filter(([, arm]) => arm === 'challenger').length, 4);
  for (const arm of ['champion', 'challenger'] as const) {
    const desired = deployments.status(`exp-split-${arm}`);
    t.deepEqual(desired.map((d) => d.deviceId).sort(), arms.filter(([, a]) => a === arm).map(([id]) => id).sort());
    t.true(desired.every((d) => d.model.version === (arm === 'champion' ? 1 : 2)));
  }
  t.is(shadowSent.length, 0);
  // Sticky: creating it again changes nothing.
  t.deepEqual((await experiments.create({ experimentId: 'exp-split', champion: { name: 'demand', ref: 1 }, challenger: { name: 'demand', ref: 2 }, selector: 'all', split: 50 }, 'otto')).devices, experiment.devices);

  // Each store reports its serving model's accuracy; the challenger arm is not better (same errors).
  const ingest = new TelemetryIngest(db);
  let seq = 0;
  for (const [deviceId, arm] of arms) {
    const records = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-10-20'].map((day, i) => ({
      seq: ++seq, ts: '2026-11-05T00:00:00.000Z', kind: 'accuracy' as const, model: { name: 'demand', version: arm === 'champion' ? 1 : 2 }, day,
      n: 10, sumAbsError: 20 + ((i * 7 + Number(deviceId.slice(-1))) % 5), sumAbsActual: 100, sumError: 0, sumSquaredError: 50, role: 'active' as const,
    }));
    ingest.ingest(deviceId, { v: 1, id: `b-${seq}`, ts: '2026-11-05T00:00:00.000Z', sender: { role: 'device', id: deviceId }, type: 'batch', fromSeq: seq - 3, toSeq: seq, records });
  }
  const status = experiments.status('exp-split');
  t.deepEqual(status.series.map((day) => day.day), ['2026-11-02', '2026-11-03', '2026-11-04'], 'days before the experiment are left out');
  t.like(status, { verdict: 'undecided', sequential: null, reporting: { devices: 8, of: 8 } });
  t.is(status.dieboldMariano?.days, 3);
  t.regex(statusText(status), /verdict: undecided/);

  const conclusion = await experiments.conclude('exp-split', 'otto');
  t.like(conclusion, { winner: { name: 'demand', version: 1 }, archived: { name: 'demand', version: 2 }, alias: 'champion' });
  t.is(registry.resolveRef('demand', 'champion'), 1);
  const history = registry.history('demand');
  t.true(history.some((entry) => entry.kind === 'stage' && entry.version === 2 && entry.to === 'Archived' && /exp-split: undecided/.test(entry.reason ?? '')));
  t.is(await experiments.conclude('exp-split', 'otto').catch((e: { code: string }) => e.code), 'FC_ERR_EXPERIMENT_CONCLUDED');
  t.is(await Promise.resolve().then(() => experiments.status('nope')).catch((e: { code: string }) => e.code), 'FC_ERR_EXPERIMENT_NOT_FOUND');
  db.close();
});
