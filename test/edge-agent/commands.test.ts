import test from 'ava';
import mqtt from 'mqtt';
import { commandResultEventSchema } from '../../protocols/messages/evt.js';
import { makeModelDir, startAgentProcess, writeAgentConfig } from './helpers/agent-fixture.js';
import { waitFor } from './helpers/pos-client.js';
import { startStandIn, type StandInEvents } from './helpers/controller-stand-in.js';

const SECRET = 'device-secret-456';

test('cmd dispatch: malformed, unknown-type and unsupported commands get coded ok:false results; ping and configure ok; the agent keeps running', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const events: Array<Record<string, unknown>> = [];
  const states: Array<Record<string, unknown>> = [];
  const standIn = await startStandIn(0, SECRET, (event: StandInEvents) => {
    if (event.evt) events.push(event.evt);
    if (event.state) states.push(event.state);
  });
  t.teardown(() => void standIn.kill());
  const agent = await startAgentProcess(await writeAgentConfig(root, { uplink: { url: `mqtt://127.0.0.1:${standIn.port}`, password: SECRET } }));
  t.teardown(() => void agent.stop());
  await waitFor(() => states.some((s) => s.type === 'birth'), 10_000, 'birth');
  const controller = mqtt.connect(`mqtt://127.0.0.1:${standIn.port}`, { clientId: 'controller-test', username: 'controller-test', password: SECRET, protocolVersion: 4 });
  await new Promise((resolve) => controller.once('connect', resolve));
  const base = { v: 1, ts: new Date().toISOString(), sender: { role: 'controller', id: 'controller' } };
  const commands: Array<[string, string | Record<string, unknown>]> = [
    ['not json', '{"type": "ping",'],
    ['unknown type', { ...base, id: 'c-unknown', type: 'self-destruct' }],
    ['invalid configure', { ...base, id: 'c-badcfg', type: 'configure', settings: { heartbeatIntervalSec: -1 } }],
    ['ping', { ...base, id: 'c-ping', type: 'ping' }],
    ['configure', { ...base, id: 'c-cfg', type: 'configure', settings: { uplinkBatchSize: 50, logLevel: 'warn' } }],
    ['image-update', { ...base, id: 'c-img', type: 'image-update', deploymentId: 'd1', image: { version: '1.0.0', hardwareProfile: 'generic' }, bundle: { sha256: 'a'.repeat(64), size: 10 } }],
  ];
  for (const [, command] of commands) await controller.publishAsync('fc/v1/d/store-1/cmd', typeof command === 'string' ? command : JSON.stringify(command), { qos: 1 });
  await waitFor(() => events.length >= commands.length, 10_000, 'command results');
  for (const event of events) t.true(commandResultEventSchema.safeParse(event).success);
  const byId = new Map(events.map((e) => [e.commandId, e]));
  t.like(byId.get('unknown'), { ok: false, errorCode: 'FC_ERR_MALFORMED_JSON' });
  t.like(byId.get('c-unknown'), { ok: false, errorCode: 'FC_ERR_UNKNOWN_MESSAGE_TYPE', commandType: 'self-destruct' });
  t.like(byId.get('c-badcfg'), { ok: false, errorCode: 'FC_ERR_INVALID_MESSAGE' });
  t.like(byId.get('c-ping'), { ok: true, commandType: 'ping' });
  t.like(byId.get('c-cfg'), { ok: true, commandType: 'configure' });
  t.like(byId.get('c-img'), { ok: false, errorCode: 'FC_ERR_IMAGE_NOT_INSTALLED' });
  t.is(agent.child.exitCode, null);
  await controller.endAsync();
  t.is(await agent.stop(), 0);
});

test('last will: an agent killed with SIGKILL is marked offline (reason lost, retained) by the broker', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const states: Array<Record<string, unknown>> = [];
  const standIn = await startStandIn(0, SECRET, (event: StandInEvents) => {
    if (event.state) states.push(event.state);
  });
  t.teardown(() => void standIn.kill());
  const agent = await startAgentProcess(await writeAgentConfig(root, { uplink: { url: `mqtt://127.0.0.1:${standIn.port}`, password: SECRET } }));
  await waitFor(() => states.some((s) => s.type === 'birth'), 10_000, 'birth');
  agent.child.kill('SIGKILL');
  await waitFor(() => states.some((s) => s.type === 'offline'), 10_000, 'last will');
  t.like(states[states.length - 1], { type: 'offline', online: false, reason: 'lost', sender: { role: 'device', id: 'store-1' } });
});
