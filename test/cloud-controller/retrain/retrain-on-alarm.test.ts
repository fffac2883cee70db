import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { generateSalesData } from '../../../model-packager/data/generator/generate-sales.js';
import { loadSalesData } from '../../../model-packager/data/index.js';
import { runTraining } from '../../../model-packager/train/run-training.js';
import { openRunStore } from '../../../model-packager/tracking/index.js';
import { packageRun } from '../../../model-packager/package/package-run.js';
import { openControllerContext } from '../../../cloud-controller/controller-context.js';
import { AlertManager } from '../../../cloud-controller/alerts/alert-manager.js';
import { controllerMetricSource } from '../../../cloud-controller/alerts/controller-metrics.js';
import { RetrainJob } from '../../../cloud-controller/retrain/retrain-job.js';
import { RetrainLog } from '../../../cloud-controller/retrain/retrain-log.js';
import { parsePrivateKeyPem } from '../../../protocols/bundle/keys.js';
import { makeSigningKey, writeKeyFiles } from '../../helpers/bundle-fixtures.js';
import { tempDir, TestClock } from '../helpers.js';
import { degradedPairs, ingestPairs } from '../monitoring/accuracy/accuracy-fixture.js';

const logger = createLogger('test', { level: 'silent' });

test('a sustained alarm triggers retraining that registers a Development version linked to the alert; Production is untouched', async (t) => {
  const dir = tempDir('fc-retrain-');
  const key = makeSigningKey();
  const { publicKeyPath, privateKeyPath } = await writeKeyFiles(dir, key);
  const runsDb = join(dir, 'runs.db');
  // Small generated data and one fold keep both trainings (champion here, candidate in the job's child) to seconds.
  const generated = await generateSalesData({ stores: 2, items: 3, days: 160, seed: 4, out: join(dir, 'sales.csv') });
  const configPath = join(dir, 'controller.json');
  await writeFile(configPath, JSON.stringify({
    dataDir: join(dir, 'controller'),
    trustedKeys: [publicKeyPath],
    alerts: { rules: [{ name: 'accuracy-sustained', metric: 'accuracy.cusum', level: 'store', model: 'units', threshold: 1, severity: 'critical', retrain: true }] },
    retrain: { runsDb, signingKey: privateKeyPath, models: [{ model: 'units', data: generated.path }] },
  }));
  const context = openControllerContext({ configPath });
  t.teardown(() => context.close());

  // The champion: trained, packaged and promoted the ordinary way.
  const sales = await loadSalesData(generated.path);
  const store = openRunStore(runsDb);
  // The champion saw the first 130 days (the generator starts on 2023-01-01); the retraining job gets all 160.
  const lastChampionDay = '2023-05-10';
  const championRun = await runTraining(
    { rows: sales.rows.filter((row) => row.date <= lastChampionDay), dataPath: null, dataSha256: null, validationReport: null },
    { model: 'gbdt', folds: 1, locale: generated.storeLocales.defaultLocale, storeLocales: generated.storeLocales.storeLocales },
    { store, logger, json: true },
  );
  store.close();
  const bundle = await packageRun({ runId: championRun.runId, runsDb, name: 'units', version: 1, quantize: null, privateKey: parsePrivateKeyPem(key.privateKeyPem) });
  const bundlePath = join(dir, 'units-v1.fcb');
  await writeFile(bundlePath, bundle.bytes);
  await context.registry.push(bundlePath, 'alice');
  context.registry.promote('units', 1, 'Production', 'alice');

  await context.fleet.enrolDevice({ id: 'dev-s001', store: 'S001', region: 'north', timezone: 'UTC', profile: 'generic' });
  ingestPairs(context.db, degradedPairs('dev-s001', 10), { name: 'units', version: 1 });
  const alerts = new AlertManager({
    db: context.db,
    config: context.config.alerts,
    source: controllerMetricSource(context.db, context.fleet, context.config.monitoring.accuracy),
    now: new TestClock(new Date('2026-03-04T06:00:00.000Z')).now,
    log: logger,
  });
  const [alert] = alerts.evaluate().opened;
  t.truthy(alert);
  t.is(alert.subject, 'S001');

  const log = new RetrainLog(context.db);
  const job = new RetrainJob({ config: context.config.retrain, rules: context.config.alerts.rules, alerts: alerts.store, log, logger, sources: { dataDir: context.config.dataDir, configPath } });
  const [outcome] = await job.runOnce();
  t.true(outcome.ok, JSON.stringify(outcome));
  if (!outcome.ok) return;
  t.is(outcome.alertId, alert.id);
  t.is(outcome.record.version, 2);
  t.is(outcome.record.championVersion, 1);
  t.true(outcome.record.holdout.rows > 0);
  t.log(`holdout WAPE: candidate ${outcome.record.holdout.candidateWape.toFixed(4)}, champion ${outcome.record.holdout.championWape.toFixed(4)} on ${outcome.record.holdout.rows} rows`);

  const candidate = context.registry.getModelVersion('units', 2);
  t.is(candidate.stage, 'Development');
  t.is(candidate.tags.alert, alert.id);
  t.not(candidate.runId, championRun.runId);
  const registered = context.registry.history('units').find((entry) => entry.kind === 'registered' && entry.version === 2);
  t.regex(registered?.reason ?? '', new RegExp(`for alert ${alert.id}`));
  t.is(context.registry.getModelVersion('units', 'Production').version, 1);
  t.false(context.registry.history('units').some((entry) => entry.kind === 'stage' && entry.version === 2));

  // The alert is answered once: the next run finds nothing to do.
  t.true(log.answered(alert.id));
  t.deepEqual(await job.runOnce(), []);
});
