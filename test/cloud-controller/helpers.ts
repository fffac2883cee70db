import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustedKeysFromPems } from '../../protocols/bundle/keys.js';
import { openControllerDb, type ControllerDb } from '../../cloud-controller/storage/db.js';
import { Registry } from '../../cloud-controller/registry/registry.js';
import { makeSigningKey, makeTestBundle, type TestBundle, type TestSigningKey } from '../helpers/bundle-fixtures.js';

/** A fresh temp dir for one test. */
export function tempDir(prefix = 'fc-ctl-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A settable clock so history tests can ask about precise instants. */
export class TestClock {
  constructor(public current = new Date('2026-03-01T00:00:00.000Z')) {}
  readonly now = (): Date => new Date(this.current);
  /** Moves the clock forward by `ms`. */
  advance(ms: number): Date {
    this.current = new Date(this.current.getTime() + ms);
    return this.now();
  }
}

/** One signing key and three real bundles of the same model, built once per test file. */
export interface BundleSet {
  key: TestSigningKey;
  dir: string;
  bundles: TestBundle[];
}

/** Builds `count` real signed bundles `name` v1..vN (linear fixture model). */
export async function makeBundleSet(name: string, count: number): Promise<BundleSet> {
  const key = makeSigningKey();
  const dir = tempDir('fc-bundles-');
  const bundles: TestBundle[] = [];
  for (let version = 1; version <= count; version += 1) bundles.push(await makeTestBundle({ dir, name, version, key }));
  return { key, dir, bundles };
}

/** Opens a data dir with a registry trusting `key`. */
export function openTestRegistry(dataDir: string, key: TestSigningKey, options: { requireProductionApproval?: boolean; clock?: TestClock } = {}): { db: ControllerDb; registry: Registry } {
  const db = openControllerDb(dataDir);
  const registry = new Registry(db, {
    dataDir,
    trustedKeys: trustedKeysFromPems([key.publicKeyPem]),
    requireProductionApproval: options.requireProductionApproval ?? false,
    now: options.clock?.now,
  });
  return { db, registry };
}

/** The FC_ERR_* code a synchronous call throws (undefined when it does not throw a FleetcastError). */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}
