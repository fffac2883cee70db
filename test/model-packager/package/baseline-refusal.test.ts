import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunStore } from '../../../model-packager/tracking/index.js';
import { makeSigningKey, testFeatureSpec, writeKeyFiles } from '../../helpers/bundle-fixtures.js';
import { runCli } from '../../helpers/run-cli.js';

const metrics = (model: number) => ({ model: { wape: model }, seasonalNaive: { wape: 1.5 }, movingAverage: { wape: 1.3 } });
const finished = (wape: number) => ({ modelKind: 'gbdt', params: {}, featureSpec: testFeatureSpec(), featureNames: ['lag_7'], metrics: metrics(wape), evaluation: {}, artifacts: { model: 'x/model.json', sampleRows: 'x/s.f32', holdoutRows: 'x/h.f32', holdoutTargets: 'x/t.json' } });

test('a run that loses to the moving average is marked in tracking and refused by package unless --allow-worse-than-baseline', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-baseline-refusal-'));
  const runsDb = join(dir, 'runs.db');
  const store = openRunStore(runsDb);
  const newRun = { objective: 'poisson', target: 'units' as const, params: {}, dataPath: null, dataSha256: null, validationReport: null };
  const worse = store.createRun(newRun);
  store.finishRun(worse, finished(3.11));
  const better = store.createRun(newRun);
  store.finishRun(better, finished(1.1));
  t.like(store.getRun(worse).baseline, { worseThanBaseline: true, bestBaseline: 'movingAverage', bestBaselineWape: 1.3 });
  t.false(store.getRun(better).baseline?.worseThanBaseline);
  store.close();
  const { privateKeyPath } = await writeKeyFiles(dir, makeSigningKey());

  const list = await runCli(['runs', 'list', '--runs-db', runsDb, '--json']);
  t.deepEqual(Object.fromEntries((JSON.parse(list.stdout) as { id: string; worseThanBaseline: boolean }[]).map((run) => [run.id, run.worseThanBaseline])), { [worse]: true, [better]: false });

  const out = join(dir, 'bundle.fcb');
  const refused = await runCli(['package', '--run', worse, '--runs-db', runsDb, '--key', privateKeyPath, '--out', out, '--json']);
  t.is(refused.code, 65);
  t.is(JSON.parse(refused.stdout).error.code, 'FC_ERR_RUN_WORSE_THAN_BASELINE');
  // Allowed, packaging goes on to read the run's artifacts — which this hand-made run lacks:
  // a different code proves the baseline check let it through.
  const allowed = await runCli(['package', '--run', worse, '--runs-db', runsDb, '--key', privateKeyPath, '--out', out, '--allow-worse-than-baseline', '--json']);
  t.is(JSON.parse(allowed.stdout).error.code, 'FC_ERR_RUN_ARTIFACT_MISSING');
  const passes = await runCli(['package', '--run', better, '--runs-db', runsDb, '--key', privateKeyPath, '--out', out, '--json']);
  t.is(JSON.parse(passes.stdout).error.code, 'FC_ERR_RUN_ARTIFACT_MISSING');
});
