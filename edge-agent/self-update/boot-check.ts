import { open, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// This module imports Node built-ins only: `fleetcast image install` copies it out of the image
// to `<installDir>/boot-check.mjs`, where the supervisor runs it before every start (issue #16).
// It must keep working whatever a later image contains, as Mender's bootloader check does.

/** The two A/B slots. */
export type Slot = 'a' | 'b';

/** `<installDir>/boot.json`: which slot is known good and which one is on trial. */
export interface BootState {
  formatVersion: 1;
  /** The slot that last proved healthy (the one to return to). */
  good: Slot;
  /** A slot switched to by `image-update` and not yet marked good by its own agent. */
  trial: { slot: Slot; version: string; deploymentId: string; previousVersion: string; starts: number } | null;
  /** How the last trial ended: the agent reports it after its next start. */
  last: { deploymentId: string; version: string; outcome: 'committed' | 'reverted'; at: string } | null;
}

export const BOOT_STATE_FILE = 'boot.json';
export const CURRENT_POINTER = 'current';

const SLOT = /^[ab]$/;
const VERSION = /^\d{1,6}\.\d{1,6}\.\d{1,6}$/;
const ID = /^[A-Za-z0-9_][A-Za-z0-9._:@-]{0,127}$/;

export function otherSlot(slot: Slot): Slot {
  return slot === 'a' ? 'b' : 'a';
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The slot `current` points at, or null when there is no valid pointer. */
export async function currentSlot(installDir: string): Promise<Slot | null> {
  const target = await readlink(join(installDir, CURRENT_POINTER)).catch(() => null);
  const match = target ? /^slots\/([ab])$/.exec(target) : null;
  return match ? (match[1] as Slot) : null;
}

/** Switches `current` atomically: a new symlink beside it renamed over it, then the directory fsync'd. */
export async function pointAt(installDir: string, slot: Slot): Promise<void> {
  const temporary = join(installDir, `${CURRENT_POINTER}.tmp`);
  await rm(temporary, { force: true });
  await symlink(`slots/${slot}`, temporary);
  await rename(temporary, join(installDir, CURRENT_POINTER));
  await fsyncPath(installDir);
}

function isTrial(value: unknown): value is NonNullable<BootState['trial']> {
  const trial = value as Record<string, unknown> | null;
  return typeof trial === 'object' && trial !== null && SLOT.test(String(trial.slot)) && VERSION.test(String(trial.version)) && VERSION.test(String(trial.previousVersion))
    && ID.test(String(trial.deploymentId)) && Number.isInteger(trial.starts) && (trial.starts as number) >= 0 && (trial.starts as number) < 1_000;
}

function isLast(value: unknown): value is NonNullable<BootState['last']> {
  const last = value as Record<string, unknown> | null;
  return typeof last === 'object' && last !== null && ID.test(String(last.deploymentId)) && VERSION.test(String(last.version))
    && (last.outcome === 'committed' || last.outcome === 'reverted') && typeof last.at === 'string' && last.at.length <= 40;
}

/**
 * Reads `boot.json`, checking every field by hand (no zod here: see the note at the top). A
 * missing or malformed file never stops a start: the slot `current` points at counts as good.
 */
export async function readBootState(installDir: string): Promise<BootState> {
  const fallback: BootState = { formatVersion: 1, good: (await currentSlot(installDir)) ?? 'a', trial: null, last: null };
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(join(installDir, BOOT_STATE_FILE), 'utf8')) as Record<string, unknown>;
  } catch {
    return fallback;
  }
  if (raw?.formatVersion !== 1 || !SLOT.test(String(raw.good))) return fallback;
  return { formatVersion: 1, good: raw.good as Slot, trial: isTrial(raw.trial) ? raw.trial : null, last: isLast(raw.last) ? raw.last : null };
}

/** Replaces `boot.json` durably (write, fsync, rename, fsync the directory): state before every side effect. */
export async function writeBootState(installDir: string, state: BootState): Promise<void> {
  const path = join(installDir, BOOT_STATE_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(state)}\n`);
  await fsyncPath(`${path}.tmp`);
  await rename(`${path}.tmp`, path);
  await fsyncPath(installDir);
}

/** What the boot check decided. */
export type BootDecision = 'good' | 'trial-start' | 'reverted';

/**
 * Runs before every start of the agent (issue #16). A trial slot gets exactly one start: the
 * first check counts it; if the check runs again and the trial is still open, the new agent
 * exited or was killed without marking itself good (crash, failed health window, power cut),
 * so `current` goes back to the good slot and the outcome is kept for the agent to report.
 * The state is written before the pointer moves; a crash in between repeats the same step.
 */
export async function bootCheck(installDir: string, now = new Date()): Promise<BootDecision> {
  const state = await readBootState(installDir);
  if (!state.trial) {
    if ((await currentSlot(installDir)) !== state.good) await pointAt(installDir, state.good);
    return 'good';
  }
  if (state.trial.starts === 0) {
    await writeBootState(installDir, { ...state, trial: { ...state.trial, starts: 1 } });
    if ((await currentSlot(installDir)) !== state.trial.slot) await pointAt(installDir, state.trial.slot);
    return 'trial-start';
  }
  const { deploymentId, version } = state.trial;
  await writeBootState(installDir, { formatVersion: 1, good: state.good, trial: null, last: { deploymentId, version, outcome: 'reverted', at: now.toISOString() } });
  await pointAt(installDir, state.good);
  return 'reverted';
}

// Run as a script (`node boot-check.mjs <installDir>`): one JSON line for the journal, exit 0 so
// the agent always starts — from whichever slot the check left `current` at.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const installDir = process.argv[2];
  if (!installDir) {
    process.stderr.write('usage: boot-check.mjs <installDir>\n');
    process.exit(64);
  }
  const decision = await bootCheck(installDir);
  process.stdout.write(`${JSON.stringify({ event: 'boot-check', decision, slot: await currentSlot(installDir) })}\n`);
}
