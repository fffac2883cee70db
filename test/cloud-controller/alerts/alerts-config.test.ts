import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadControllerConfig } from '../../../cloud-controller/config/load.js';
import { tempDir } from '../helpers.js';

function load(alerts: unknown): { code?: string; details?: { path?: string } } | undefined {
  const dir = tempDir();
  const configPath = join(dir, 'controller.json');
  writeFileSync(configPath, JSON.stringify({ dataDir: join(dir, 'data'), alerts }));
  try {
    loadControllerConfig({ configPath });
    return undefined;
  } catch (error) {
    return error as { code?: string; details?: { path?: string } };
  }
}

const rule = { name: 'r', metric: 'accuracy.wape', level: 'store', threshold: 0.3 };

test('alert rules and channels are checked when the config loads: unknown channels, duplicates and bad kinds are FC_ERR_INVALID_CONFIG', (t) => {
  t.is(load({ rules: [rule], channels: [{ name: 'log', kind: 'log' }] }), undefined);
  const unknown = load({ rules: [{ ...rule, channels: ['pager'] }] });
  t.is(unknown?.code, 'FC_ERR_INVALID_CONFIG');
  t.is(unknown?.details?.path, 'alerts.rules.0.channels.0');
  t.is(load({ rules: [rule, rule] })?.details?.path, 'alerts.rules.1.name');
  t.is(load({ channels: [{ name: 'x', kind: 'sms' }] })?.code, 'FC_ERR_INVALID_CONFIG');
  t.is(load({ escalation: { channels: ['nobody'] } })?.details?.path, 'alerts.escalation.channels.0');
  t.is(load({ rules: [{ ...rule, metric: 'accuracy.mape' }] })?.code, 'FC_ERR_INVALID_CONFIG');
});
