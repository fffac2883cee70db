import { envelope } from '../../../protocols/messages/envelope-factory.js';
import type { Command } from '../../../protocols/messages/cmd/index.js';
import type { DeployCommand } from '../../../protocols/messages/cmd/deploy.js';
import type { DeploymentEvent } from '../../../protocols/messages/evt.js';
import type { UpBatch } from '../../../protocols/messages/up.js';
import { Deployments } from '../../../cloud-controller/deployments/desired-state.js';
import { loadOrCreateControllerKey } from '../../../cloud-controller/deployments/controller-key.js';
import { Fleet } from '../../../cloud-controller/fleet/fleet.js';
import type { OpeningHours } from '../../../cloud-controller/fleet/opening-hours.js';
import { RolloutEngine } from '../../../cloud-controller/rollouts/engine.js';
import type { EnvironmentPolicy } from '../../../cloud-controller/rollouts/environments.js';
import { TelemetryIngest } from '../../../cloud-controller/telemetry/ingest.js';
import { TelemetryQueries } from '../../../cloud-controller/telemetry/queries.js';
import type { ControllerDb } from '../../../cloud-controller/storage/db.js';
import type { Registry } from '../../../cloud-controller/registry/registry.js';
import { birth } from '../link/harness.js';
import { makeBundleSet, openTestRegistry, tempDir, TestClock, type BundleSet } from '../helpers.js';

/**
 * The controller side of rollouts on a real data dir (SQLite, registry with real signed
 * bundles, fleet, desired-state deployments, telemetry ingest) with a settable clock. The
 * device side is the test: it reads the deploy commands the controller published and answers
 * with the `evt` transitions and `up` records an agent sends (the e2e test runs real agents).
 */
export interface RolloutHarness {
  dataDir: string;
  clock: TestClock;
  db: ControllerDb;
  registry: Registry;
  fleet: Fleet;
  deployments: Deployments;
  ingest: TelemetryIngest;
  engine: RolloutEngine;
  /** Every deploy command sent, in order. */
  sent: Array<{ deviceId: string; command: DeployCommand }>;
  enrol(id: string, options?: { region?: string; timezone?: string; openingHours?: OpeningHours; tags?: string[]; active?: number | null }): Promise<void>;
  /** The device reports `to` for its desired deployment, as an agent's `evt` would. */
  report(deviceId: string, to: DeploymentEvent['to'], errorCode?: string): void;
  /** Accuracy counters of a day for a model version from a device, as an agent's `up` batch carries them. */
  accuracy(deviceId: string, version: number, counters: { n: number; sumAbsError: number; sumAbsActual: number }): void;
  /** A new engine on the same data dir, as after a controller restart. */
  restart(options?: Partial<EnvironmentPolicy> & { fourEyes?: boolean }): RolloutEngine;
}

let seq = 0;

export async function rolloutHarness(set?: BundleSet, options: Partial<EnvironmentPolicy> & { fourEyes?: boolean } = {}): Promise<RolloutHarness> {
  const bundles = set ?? (await makeBundleSet('demand', 3));
  const dataDir = tempDir('fc-rollouts-');
  const clock = new TestClock(new Date('2026-03-02T12:00:00.000Z'));
  const { db, registry } = openTestRegistry(dataDir, bundles.key, { clock });
  // Every version registered; v1 serves everywhere, each test promotes the version it rolls out.
  for (const bundle of bundles.bundles) await registry.push(bundle.path, 'test');
  const fleet = new Fleet(db, clock.now);
  const sent: RolloutHarness['sent'] = [];
  const deployments = new Deployments({
    db,
    sendCommand: async (deviceId: string, command: Command) => {
      if (command.type === 'deploy') sent.push({ deviceId, command });
    },
    isOnline: () => true,
    signer: loadOrCreateControllerKey(dataDir),
    sender: { role: 'controller', id: 'controller' },
    now: clock.now,
  });
  const ingest = new TelemetryIngest(db, clock.now);
  const make = (overrides: Partial<EnvironmentPolicy> & { fourEyes?: boolean } = {}): RolloutEngine => new RolloutEngine({
    db, fleet, deployments, registry, telemetry: new TelemetryQueries(db),
    environments: { requireStaging: overrides.requireStaging ?? options.requireStaging ?? false, stagingSelector: overrides.stagingSelector ?? options.stagingSelector },
    fourEyes: overrides.fourEyes ?? options.fourEyes ?? false, tickIntervalMs: 0, now: clock.now,
  });
  const harness: RolloutHarness = {
    dataDir, clock, db, registry, fleet, deployments, ingest, sent, engine: make(),
    async enrol(id, device = {}) {
      await fleet.enrolDevice({ id, store: id, region: device.region ?? 'eu', timezone: device.timezone ?? 'Europe/Berlin', profile: 'generic', tags: device.tags ?? [], openingHours: device.openingHours ?? [] });
      const active = device.active === undefined ? 1 : device.active;
      fleet.recordDeviceState(id, { ...birth(id, active === null ? null : { name: 'demand', version: active }), ts: clock.now().toISOString() });
    },
    report(deviceId, to, errorCode) {
      const desired = deployments.deviceStatus(deviceId);
      if (!desired) throw new Error(`${deviceId} has no desired deployment`);
      const event: DeploymentEvent = {
        ...envelope({ role: 'device', id: deviceId }, clock.now()), type: 'deployment', deploymentId: desired.deploymentId, model: desired.model, from: 'activating', to, ...(errorCode ? { errorCode } : {}),
      };
      fleet.recordDeploymentEvent(deviceId, event);
      deployments.onEvent(deviceId, event);
    },
    accuracy(deviceId, version, counters) {
      seq += 1;
      const batch: UpBatch = {
        ...envelope({ role: 'device', id: deviceId }, clock.now()), type: 'batch', incarnation: 'test-incarnation', fromSeq: seq, toSeq: seq,
        records: [{ seq, ts: clock.now().toISOString(), kind: 'accuracy', model: { name: 'demand', version }, day: '2026-03-01', n: counters.n, sumAbsError: counters.sumAbsError, sumAbsActual: counters.sumAbsActual, sumError: 0, sumSquaredError: counters.sumAbsError ** 2, role: 'active' }],
      };
      ingest.ingest(deviceId, batch);
    },
    restart(overrides = {}) {
      harness.engine = make(overrides);
      return harness.engine;
    },
  };
  return harness;
}

/** Every device the engine sent version `version` to, in order. */
export function sentVersion(harness: RolloutHarness, version: number): string[] {
  return harness.sent.filter((entry) => entry.command.model.version === version).map((entry) => entry.deviceId);
}
