import test from 'ava';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { BatchScheduler } from '../../../cloud-controller/predict/batch-schedule.js';
import { TRUSTED_KEYS_DIR } from '../../../cloud-controller/config/trusted-keys.js';
import { codeOf, makeBundleSet, openTestRegistry, tempDir } from '../helpers.js';

// Batch jobs run `fleetcast predict` as a child process, which inherits this environment.
process.env.FLEETCAST_LOG_LEVEL = 'silent';

test('a configured cron job runs batch predict in a child process on schedule and records each run; bad cron is FC_ERR_INVALID_CONFIG', async (t) => {
  const set = await makeBundleSet('demand', 1);
  const dataDir = tempDir();
  const { db, registry } = openTestRegistry(dataDir, set.key);
  await registry.push(set.bundles[0].path, 'alice');
  registry.promote('demand', 1, 'Production', 'alice');
  mkdirSync(join(dataDir, TRUSTED_KEYS_DIR));
  writeFileSync(join(dataDir, TRUSTED_KEYS_DIR, 'signer.pem'), set.key.publicKeyPem);
  const scheduler = new BatchScheduler(db, { dataDir }, createLogger('test', { level: 'silent' }));
  t.teardown(() => scheduler.stop());
  const input = join(dataDir, 'in.csv');
  writeFileSync(input, 'date,store,item,units\n2026-01-01,s1,i1,4\n2026-01-08,s2,i2,\n');
  const job = { name: 'nightly', cron: '* * * * * *', model: 'demand', input, output: join(dataDir, 'out-{date}.csv') };

  t.is(codeOf(() => scheduler.start([{ ...job, cron: 'every night' }])), 'FC_ERR_INVALID_CONFIG');

  const firstRun = new Promise<void>((resolve) => scheduler.onRun(() => resolve()));
  scheduler.start([job]);
  await firstRun;
  const [run] = scheduler.recentRuns();
  t.is(run.job, 'nightly');
  t.is(run.result, 'ok');
  t.is(run.model, 'demand@1');
  t.is(run.rows, 2);
  const lines = readFileSync(run.output as string, 'utf8').trim().split('\n');
  t.is(lines.length, 3);
  t.true((run.output as string).endsWith(`out-${run.started_at.slice(0, 10)}.csv`));

  const failed = await scheduler.runJob({ ...job, model: 'missing@champion' });
  t.is(failed.result, 'FC_ERR_MODEL_NOT_FOUND');
});
