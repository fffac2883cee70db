import test, { type ExecutionContext } from 'ava';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { makeBundleSet, tempDir, type BundleSet } from '../cloud-controller/helpers.js';
import { eventually } from '../cloud-controller/broker/mqtt-helpers.js';
import { api, operatorWithProductionModel, prepareAgent, servingModel, spawnJson, startAgentProcess, type AgentProcess } from './e2e-helpers.js';

/**
 * Issue #9 acceptance with real processes (`fleetcast controller` with embedded aedes, a real
 * `fleetcast agent`): a controller SIGKILLed mid-deploy has a correct inventory within 10 s of
 * its restart (the agent's queued deployment events resume), and an HTTP range deployment
 * through `api.publicUrl`, cut mid-transfer, resumes over HTTP and never falls back to chunks.
 */

interface ControllerInfo {
  api: string;
  broker: string;
}

interface Fleet {
  cwd: string;
  set: BundleSet;
  token: string;
  controller: ChildProcess;
  info: ControllerInfo;
  agent: AgentProcess;
  /** Starts the controller again on the same data dir and broker port (after a SIGKILL). */
  restartController(): Promise<{ controller: ChildProcess; info: ControllerInfo }>;
}

async function startController(t: ExecutionContext, cwd: string, configPath: string, brokerPort: number): Promise<{ controller: ChildProcess; info: ControllerInfo }> {
  const { child, info } = await spawnJson<ControllerInfo>(['controller', '--config', configPath, '--json'], cwd, { FLEETCAST_API_PORT: '0', FLEETCAST_BROKER_PORT: String(brokerPort) });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { controller: child, info };
}

/** Controller with demand@1 in Production, one enrolled agent online. */
async function startFleet(t: ExecutionContext, controllerConfig: Record<string, unknown>): Promise<Fleet> {
  const set = await makeBundleSet('demand', 1);
  const cwd = tempDir('fc-e2e-delivery-');
  const configPath = join(cwd, 'controller.json');
  writeFileSync(configPath, JSON.stringify(controllerConfig));
  const first = await startController(t, cwd, configPath, 0);
  const brokerPort = Number(new URL(first.info.broker).port);
  const token = await operatorWithProductionModel(t, cwd, first.info.api, set);
  const enrolled = await api(first.info.api, token, 'POST', '/v1/devices', { id: 'store-1', store: 'store-1', region: 'eu-west', timezone: 'Europe/Berlin', profile: 'generic', tags: ['e2e'] });
  t.is(enrolled.status, 201);
  const agent = await prepareAgent(t, cwd, 'store-1', first.info.broker, enrolled.json.secret as string, set);
  await startAgentProcess(t, agent, cwd);
  t.true(await eventually(async () => (await api(first.info.api, token, 'GET', '/v1/devices/store-1')).json.online === true, 20_000), 'store-1 online');
  return { cwd, set, token, ...first, agent, restartController: () => startController(t, cwd, configPath, brokerPort) };
}

async function deploymentOf(fleet: { token: string }, apiUrl: string, deploymentId: string): Promise<{ status?: string; updateState?: string | null }> {
  const devices = (await api(apiUrl, fleet.token, 'GET', `/v1/deployments/${deploymentId}`)).json.devices as Array<{ status: string; updateState: string | null }> | undefined;
  return devices?.[0] ?? {};
}

test.serial('a controller SIGKILLed mid-deploy has a correct inventory within 10 s of its restart: the agent resumes its queued events', async (t) => {
  const fleet = await startFleet(t, {});
  const deployed = await api(fleet.info.api, fleet.token, 'POST', '/v1/deployments', { deploymentId: 'dep-crash', model: 'demand', selector: 'tag:e2e' });
  t.is(deployed.status, 201);
  // The controller dies while the agent reports: it has heard the first events, not the rest.
  // (Killed once the bundle is downloaded: the rest of the update needs no controller.)
  const afterDownload = new Set(['verifying', 'staging', 'activating']);
  t.true(await eventually(async () => afterDownload.has((await deploymentOf(fleet, fleet.info.api, 'dep-crash')).updateState ?? ''), 30_000, 10), 'deployment past downloading');
  fleet.controller.kill('SIGKILL');
  await new Promise((resolve) => fleet.controller.once('exit', resolve));

  // The truth, read where a POS reads it: the agent finishes on its own and serves demand@1.
  t.true(await eventually(async () => JSON.stringify(await servingModel(fleet.agent.posPort ?? 0, fleet.agent.posUser)) === JSON.stringify({ name: 'demand', version: 1 }), 30_000), 'agent serves demand@1');

  const restarted = await fleet.restartController();
  const back = Date.now();
  let last = '';
  const correct = await eventually(async () => {
    const deployment = await deploymentOf(fleet, restarted.info.api, 'dep-crash');
    const device = (await api(restarted.info.api, fleet.token, 'GET', '/v1/devices/store-1')).json as { reported?: { activeModel: { version: number } | null; updateState: string | null }; online?: boolean };
    const view = `${Date.now() - back} ms: deployment ${deployment.status}/${deployment.updateState}, device online=${device.online} active=v${device.reported?.activeModel?.version} ${device.reported?.updateState}`;
    if (view.slice(view.indexOf(':')) !== last.slice(last.indexOf(':'))) t.log((last = view));
    return deployment.status === 'committed' && deployment.updateState === 'committed' && device.reported?.activeModel?.version === 1 && device.reported.updateState === 'committed' && device.online === true;
  }, 10_000, 100);
  t.true(correct, last);
  t.log(`inventory correct ${Date.now() - back} ms after the restarted controller was ready`);
});

/** A TCP proxy in front of the API that cuts its first connection after `cutAfter` response bytes. */
async function cuttingProxy(cutAfter: number): Promise<{ url: string; requests: string[]; setUpstream(port: number): void; close(): Promise<void> }> {
  let upstreamPort = 0;
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const cut = connections === 1;
    const upstream = connect(upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      const head = chunk.toString('latin1');
      if (/^GET /.test(head)) requests.push(head.split('\r\n\r\n')[0]);
      upstream.write(chunk);
    });
    let relayed = 0;
    upstream.on('data', (chunk: Buffer) => {
      if (cut && relayed + chunk.length > cutAfter) {
        client.write(chunk.subarray(0, cutAfter - relayed), () => {
          client.destroy();
          upstream.destroy();
        });
        relayed = cutAfter;
        return;
      }
      relayed += chunk.length;
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    setUpstream: (port) => (upstreamPort = port),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

test.serial('an HTTP range deployment through api.publicUrl, cut mid-transfer, resumes with Range and never falls back to MQTT chunks', async (t) => {
  const proxy = await cuttingProxy(6_000);
  t.teardown(proxy.close);
  const fleet = await startFleet(t, { api: { publicUrl: proxy.url } });
  proxy.setUpstream(Number(new URL(fleet.info.api).port));

  // Watch the device's blob requests and events on the broker with the controller's identity.
  const identity = JSON.parse(readFileSync(join(fleet.cwd, '.fleetcast', 'controller', 'broker', 'controller-identity.json'), 'utf8')) as { username: string; password: string };
  const watcher = await mqtt.connectAsync(fleet.info.broker, { clientId: 'e2e-watcher', username: identity.username, password: identity.password, reconnectPeriod: 0 });
  t.teardown(() => watcher.endAsync(true));
  const seen: Array<{ topic: string; message: { type?: string; to?: string } }> = [];
  watcher.on('message', (topic, payload) => seen.push({ topic, message: JSON.parse(payload.toString('utf8')) as { to?: string } }));
  await watcher.subscribeAsync(['fc/v1/d/store-1/blob/req', 'fc/v1/d/store-1/evt'], { qos: 1 });

  const deployed = await api(fleet.info.api, fleet.token, 'POST', '/v1/deployments', { deploymentId: 'dep-http', model: 'demand', selector: 'tag:e2e' });
  t.is(deployed.status, 201);
  t.true(await eventually(async () => (await deploymentOf(fleet, fleet.info.api, 'dep-http')).status === 'committed', 60_000), 'committed');
  // Positive control: the agent's events reach the watcher, the last one being `committed`;
  // a blob request, sent on the same connection before them, would have arrived first.
  t.true(await eventually(async () => seen.some((entry) => entry.message.to === 'committed'), 10_000), 'watcher saw committed');
  t.deepEqual(seen.filter((entry) => entry.topic.endsWith('/blob/req')), [], 'no fallback to MQTT chunks');

  const bundleRequests = proxy.requests.filter((head) => head.includes('/v1/bundles/'));
  t.true(bundleRequests.length >= 2, bundleRequests.join('\n---\n'));
  t.false(/\r\nrange:/i.test(bundleRequests[0]), 'the first request starts at 0');
  t.regex(bundleRequests[1], /\r\nrange: bytes=[1-9]\d*-/i, 'the second resumes where the cut stopped');
  t.true(bundleRequests.every((head) => /\r\nauthorization: Basic /i.test(head)), 'every request carries the device credential');
  t.deepEqual(await servingModel(fleet.agent.posPort ?? 0, fleet.agent.posUser), { name: 'demand', version: 1 });
});
