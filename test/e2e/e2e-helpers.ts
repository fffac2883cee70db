import type { ExecutionContext } from 'ava';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { spawnJson } from '../helpers/spawn-json.js';
import { runCli } from '../helpers/run-cli.js';
import type { BundleSet } from '../cloud-controller/helpers.js';

/** Real-process helpers of the end-to-end tests: controller and agents as `fleetcast` child processes, the REST API, the POS status. */
export { spawnJson };

export async function api(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The model an agent's retained POS status says it serves (null while none). */
export async function servingModel(posPort: number, user: { username: string; password: string }): Promise<{ name: string; version: number } | null> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${posPort}`, { clientId: `pos-probe-${Math.random().toString(16).slice(2)}`, username: user.username, password: user.password, reconnectPeriod: 0, connectTimeout: 3_000 });
  try {
    const status = new Promise<{ servingModel: { name: string; version: number } | null }>((resolve) => client.once('message', (_topic, payload) => resolve(JSON.parse(payload.toString('utf8')) as { servingModel: { name: string; version: number } | null })));
    await client.subscribeAsync('pos/v1/status', { qos: 0 });
    // The agent keeps pos/v1/status retained from its start (docs/agent.md), so it arrives on subscribe.
    return (await status).servingModel;
  } finally {
    await client.endAsync(true);
  }
}

export interface AgentProcess {
  deviceId: string;
  child?: ChildProcess;
  posPort?: number;
  configPath: string;
  posUser: { username: string; password: string };
}

export async function prepareAgent(t: ExecutionContext, root: string, deviceId: string, uplink: string, secret: string, set: BundleSet, caFile?: string): Promise<AgentProcess> {
  const configPath = join(root, `${deviceId}.json`);
  const init = await runCli(['agent', 'init', '--out', configPath, '--device-id', deviceId, '--uplink', uplink, '--uplink-password', secret, '--pos-port', '0', '--data-dir', `${deviceId}-data`, '--json']);
  t.is(init.code, 0, init.stderr);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { trustedKeys: Record<string, string>; schedules: Record<string, number>; uplink: Record<string, unknown>; pos: { users: Array<{ username: string; password: string }> } };
  config.trustedKeys = { [set.key.keyId]: set.key.publicKeyPem };
  config.schedules = { ...config.schedules, flushIntervalSec: 1 };
  config.uplink = { ...config.uplink, reconnect: { minMs: 100, maxMs: 500, jitter: 0 }, ...(caFile ? { caFile } : {}) };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { deviceId, configPath, posUser: config.pos.users[0] };
}

export async function startAgentProcess(t: ExecutionContext, agent: AgentProcess, cwd: string): Promise<void> {
  const { child, info } = await spawnJson<{ event: string; posPort: number }>(['agent', '--config', agent.configPath], cwd);
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  t.is(info.event, 'ready');
  agent.child = child;
  agent.posPort = info.posPort;
}


/** Creates an operator token, pushes the set's first bundle and promotes it to Production; returns the token. */
export async function operatorWithProductionModel(t: ExecutionContext, cwd: string, apiUrl: string, set: BundleSet): Promise<string> {
  const created = await runCli(['controller', 'token', 'create', '--role', 'operator', '--name', 'e2e', '--json'], { cwd });
  t.is(created.code, 0, created.stderr);
  const { token } = JSON.parse(created.stdout) as { token: string };
  const keyPath = join(cwd, 'signer.pub.pem');
  writeFileSync(keyPath, set.key.publicKeyPem);
  t.is((await runCli(['registry', 'push', set.bundles[0].path, '--json'], { cwd, env: { FLEETCAST_TRUSTED_KEYS: keyPath } })).code, 0);
  t.is((await api(apiUrl, token, 'POST', `/v1/models/${set.bundles[0].manifest.model.name}/versions/1/stage`, { stage: 'Production' })).status, 200);
  return token;
}
