import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { Predictor } from '../../../cloud-controller/predict/predictor.js';
import { BatchScheduler } from '../../../cloud-controller/predict/batch-schedule.js';
import { codeOf, makeBundleSet, openTestRegistry, tempDir } from '../helpers.js';

test('a configured cron job runs batch predict on schedule and records each run; bad cron is FC_ERR_INVALID_CONFIG', async (t) => {
  const set = await makeBundleSet('demand', 1);
  const dataDir = tempDir();
  const { db, registry } = openTestRegistry(dataDir, set.key);
  await registry.push(set.bundles[0].path, 'alice');
  registry.promote('demand', 1, 'Production', 'alice');
  const predictor = new Predictor(registry, trustedKeysFromPems([set.key.publicKeyPem]));
  const scheduler = new BatchScheduler(db, predictor, createLogger('test', { level: 'silent' }));
  t.teardown(async () => {
    await scheduler.stop();
    await predictor.close();
  });
  const input = join(dataDir, 'in.csv');
  writeFileSync(input, 'date,store,item,units\n2026-01-01,s1,i1,4\n2026-01-08,s2,i2,\n');
  const job = { name: 'nightly', cron: '* * * * * *', model: 'demand', input, output: join(dataDir, 'out-{date}.csv') };

  t.is(codeOf(() => scheduler.start([{ ...job, cron: 'every night' }])), 'FC_ERR_INVALID_CONFIG');

  scheduler.start([job]);
  const deadline = Date.now() + 5000;
  while (scheduler.recentRuns().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
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
