import { spawn } from 'node:child_process';
import { once } from 'node:events';
import test from 'ava';
import { cliEntry } from '../helpers/paths.js';
import { makeModelDir, writeAgentConfig } from './helpers/agent-fixture.js';
import { startStandIn, type StandInEvents } from './helpers/controller-stand-in.js';

const SECRET = 'device-secret-789';

/**
 * SIGTERM took 3.5 s (issue #11): the uplink's 2 s bound on the `offline` publish was never
 * cleared and held the process after a clean stop. The daemon now counts timers still holding
 * the event loop once it has stopped; none may be left. (How fast it stops is a speed figure,
 * not asserted here.)
 */
test('after SIGTERM an online agent publishes offline, stops cleanly and leaves no timer holding the process', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const seen: Record<string, (state: Record<string, unknown>) => void> = {};
  const stateOf = (type: string): Promise<Record<string, unknown>> => new Promise((resolve) => (seen[type] = resolve));
  const [born, offline] = [stateOf('birth'), stateOf('offline')];
  const standIn = await startStandIn(0, SECRET, (event: StandInEvents) => {
    if (event.state) seen[String(event.state.type)]?.(event.state);
  });
  t.teardown(() => void standIn.kill());
  const config = await writeAgentConfig(root, { uplink: { url: `mqtt://127.0.0.1:${standIn.port}`, password: SECRET } });
  const child = spawn(process.execPath, [cliEntry, 'agent', '--config', config, '--json'], { env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void (child.exitCode === null && child.kill('SIGKILL')));
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  await born;
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  t.is(code, 0);
  const result = JSON.parse(stdout.slice(stdout.indexOf('\n') + 1)) as { stopped: boolean; pendingTimers: number };
  t.deepEqual(result, { stopped: true, pendingTimers: 0 });
  t.is((await offline).reason, 'shutdown');
});
