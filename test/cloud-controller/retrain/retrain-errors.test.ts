import test from 'ava';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { retrainModel } from '../../../cloud-controller/retrain/retrain-model.js';
import { RetrainLog } from '../../../cloud-controller/retrain/retrain-log.js';
import { makeSigningKey, writeKeyFiles } from '../../helpers/bundle-fixtures.js';
import { openTestRegistry, tempDir } from '../helpers.js';

test('retraining without a key, or without a Production version to start from, is a coded error and registers nothing', async (t) => {
  const dir = tempDir();
  const key = makeSigningKey();
  const { db, registry } = openTestRegistry(dir, key);
  t.teardown(() => db.close());
  const deps = { registry, log: new RetrainLog(db), logger: createLogger('test', { level: 'silent' }) };
  const request = { model: 'units', data: 'sales.csv', alertId: null, actor: 'alice' };
  t.is((await t.throwsAsync(retrainModel(deps, request)) as { code?: string }).code, 'FC_ERR_RETRAIN_CONFIG');
  t.is((await t.throwsAsync(retrainModel({ ...deps, signingKey: `${dir}/missing.pem` }, request)) as { code?: string }).code, 'FC_ERR_RETRAIN_CONFIG');
  const { privateKeyPath } = await writeKeyFiles(dir, key);
  t.is((await t.throwsAsync(retrainModel({ ...deps, signingKey: privateKeyPath }, request)) as { code?: string }).code, 'FC_ERR_RETRAIN_NO_CHAMPION');
  t.deepEqual(registry.listVersions('units'), []);
  t.deepEqual(deps.log.list(), []);
});
