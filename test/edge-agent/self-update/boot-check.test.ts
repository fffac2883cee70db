import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootCheck, currentSlot, pointAt, readBootState, writeBootState } from '../../../edge-agent/self-update/boot-check.js';

async function layout(): Promise<string> {
  const installDir = mkdtempSync(join(tmpdir(), 'fc-boot-'));
  mkdirSync(join(installDir, 'slots', 'a'), { recursive: true });
  mkdirSync(join(installDir, 'slots', 'b'), { recursive: true });
  await pointAt(installDir, 'a');
  await writeBootState(installDir, { formatVersion: 1, good: 'a', trial: null, last: null });
  return installDir;
}

test('a trial slot gets exactly one start; a second check with the trial still open reverts current and records why', async (t) => {
  const installDir = await layout();
  await writeBootState(installDir, { formatVersion: 1, good: 'a', trial: { slot: 'b', version: '3.0.0', deploymentId: 'img-3', previousVersion: '2.0.0', starts: 0 }, last: null });
  await pointAt(installDir, 'b');
  t.is(await bootCheck(installDir), 'trial-start');
  t.is(await currentSlot(installDir), 'b');
  t.is(await bootCheck(installDir), 'reverted');
  t.is(await currentSlot(installDir), 'a');
  const state = await readBootState(installDir);
  t.is(state.trial, null);
  t.like(state.last, { deploymentId: 'img-3', version: '3.0.0', outcome: 'reverted' });
  t.is(await bootCheck(installDir), 'good');
});

test('a committed trial stays; a pointer left at a non-good slot without a trial goes back to the good one', async (t) => {
  const installDir = await layout();
  await writeBootState(installDir, { formatVersion: 1, good: 'b', trial: null, last: { deploymentId: 'img-2', version: '2.0.0', outcome: 'committed', at: new Date().toISOString() } });
  await pointAt(installDir, 'b');
  t.is(await bootCheck(installDir), 'good');
  t.is(await currentSlot(installDir), 'b');
  await pointAt(installDir, 'a');
  t.is(await bootCheck(installDir), 'good');
  t.is(await currentSlot(installDir), 'b');
});

test('a malformed boot.json never stops a start: the slot current points at counts as good', async (t) => {
  const installDir = await layout();
  for (const text of ['not json', '{"formatVersion":1,"good":"../x","trial":null}', '{"formatVersion":1,"good":"a","trial":{"slot":"b","version":"1","starts":-1}}']) {
    writeFileSync(join(installDir, 'boot.json'), text);
    t.is(await bootCheck(installDir), 'good', text);
    t.is(await currentSlot(installDir), 'a');
  }
});
