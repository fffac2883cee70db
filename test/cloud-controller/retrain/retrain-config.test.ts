import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadControllerConfig } from '../../../cloud-controller/config/load.js';
import { tempDir } from '../helpers.js';

test('retrain paths written in the config file are relative to the file', (t) => {
  const dir = tempDir();
  const configPath = join(dir, 'controller.json');
  writeFileSync(configPath, JSON.stringify({ retrain: { cron: '0 3 * * *', runsDb: 'runs.db', signingKey: 'keys/retrain.pem', models: [{ model: 'units', data: 'sales.csv' }] } }));
  const { retrain } = loadControllerConfig({ configPath });
  t.deepEqual(retrain, { cron: '0 3 * * *', runsDb: join(dir, 'runs.db'), signingKey: join(dir, 'keys/retrain.pem'), models: [{ model: 'units', data: join(dir, 'sales.csv') }] });
  const defaults = loadControllerConfig({ dataDir: dir }).retrain;
  t.deepEqual(defaults.models, []);
  t.is(defaults.cron, undefined);
});
