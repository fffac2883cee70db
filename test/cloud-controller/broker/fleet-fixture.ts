import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openControllerDb, type ControllerDb } from '../../../cloud-controller/storage/db.js';
import { Fleet } from '../../../cloud-controller/fleet/fleet.js';
import { attachFleetProvisioning, type BrokerAdapter } from '../../../cloud-controller/broker/adapter.js';
import type { BrokerUnderTest } from './contract.js';

/** A real fleet on a real SQLite file in a temp data dir. */
export interface FleetFixture {
  dataDir: string;
  db: ControllerDb;
  fleet: Fleet;
  enrol(deviceId: string, tags?: string[]): Promise<string>;
  cleanup(): void;
}

/** Opens a fresh temp data dir with the real fleet; `cleanup` closes SQLite and deletes the dir. */
export function createFleetFixture(prefix = 'fc-broker-'): FleetFixture {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const db = openControllerDb(dataDir);
  const fleet = new Fleet(db);
  return {
    dataDir,
    db,
    fleet,
    async enrol(deviceId, tags = []) {
      const { secret } = await fleet.enrolDevice({ id: deviceId, store: `store-${deviceId}`, region: 'eu-west', timezone: 'Europe/Berlin', profile: 'generic-x86', tags });
      return secret;
    },
    cleanup() {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `adapter` with fleet provisioning attached and wraps it as the contract's broker under
 * test; `stopBackend` stops whatever process serves it (after the adapter, before cleanup).
 */
export async function brokerUnderTest(adapter: BrokerAdapter, fixture: FleetFixture, stopBackend: () => Promise<void> = async () => {}): Promise<BrokerUnderTest> {
  await adapter.start();
  const detach = attachFleetProvisioning(adapter, fixture.fleet);
  return {
    adapter,
    enrol: (deviceId) => fixture.enrol(deviceId),
    revoke: async (deviceId) => {
      await fixture.fleet.revokeDevice(deviceId);
    },
    teardown: async () => {
      detach();
      await adapter.stop();
      await stopBackend();
      fixture.cleanup();
    },
  };
}
