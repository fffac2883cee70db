import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { POS_USER, makeModelDir, startAgentProcess, writeAgentConfig } from './helpers/agent-fixture.js';
import { collect, scoreRequest, waitFor } from './helpers/pos-client.js';

const run = promisify(execFile);

test('the POS broker serves MQTT over TLS when pos.tls is configured; plain TCP is then refused', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const certFile = join(root, 'pos.crt');
  const keyFile = join(root, 'pos.key');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile]);
  const agent = await startAgentProcess(await writeAgentConfig(root, { pos: { host: '127.0.0.1', port: 0, users: [POS_USER], tls: { certFile, keyFile } } }));
  t.teardown(() => void agent.stop());
  const client = mqtt.connect(`mqtts://127.0.0.1:${agent.posPort}`, { clientId: 'till-tls', ...POS_USER, protocolVersion: 4, ca: await readFile(certFile), reconnectPeriod: 0 });
  await new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const received = collect(client);
  await client.subscribeAsync('pos/v1/score/res/till-tls');
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i1', date: '2026-11-27' }], { requestId: 'tls-1' })));
  await waitFor(() => received.length === 1, 5_000, 'TLS reply');
  t.like(received[0].message, { type: 'score-result', requestId: 'tls-1', model: { name: 'demand', version: 3 } });
  await client.endAsync();
  const plain = mqtt.connect(`mqtt://127.0.0.1:${agent.posPort}`, { clientId: 'till-plain', ...POS_USER, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 2_000 });
  const outcome = await new Promise<string>((resolve) => {
    plain.once('connect', () => resolve('connected'));
    plain.once('error', () => resolve('refused'));
    plain.once('close', () => resolve('refused'));
  });
  plain.end(true);
  t.is(outcome, 'refused');
  t.is(await agent.stop(), 0);
});
