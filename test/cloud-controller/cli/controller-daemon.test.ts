import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cliEntry } from '../../helpers/paths.js';
import { runCli } from '../../helpers/run-cli.js';
import { tempDir } from '../helpers.js';

test('`fleetcast controller` with no config runs on defaults, prints its API URL, enforces tokens, and stops on SIGTERM', async (t) => {
  const cwd = tempDir();
  const child = spawn(process.execPath, [cliEntry, 'controller', '--json'], { cwd, env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent', FLEETCAST_API_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const started = new Promise<{ api: string; dataDir: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      try {
        resolve(JSON.parse(stdout) as { api: string; dataDir: string });
      } catch {
        // wait for the whole JSON document
      }
    });
    child.once('exit', (code) => reject(new Error(`controller exited early with ${code}`)));
  });
  const info = await started;
  t.regex(info.api, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.is(info.dataDir, `${cwd}/.fleetcast/controller`);

  t.is((await fetch(`${info.api}/v1/models`)).status, 401);
  const created = await runCli(['controller', 'token', 'create', '--role', 'viewer', '--name', 'vera', '--json'], { cwd });
  t.is(created.code, 0, created.stderr);
  const { token } = JSON.parse(created.stdout) as { token: string };
  const listed = await fetch(`${info.api}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
  t.is(listed.status, 200);
  t.deepEqual(await listed.json(), { models: [] });
  t.is((await fetch(`${info.api}/docs/json`)).status, 200);

  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  t.is(code, 0);
});

test('an invalid config gives FC_ERR_INVALID_CONFIG and exit 78', async (t) => {
  const cwd = tempDir();
  const result = await runCli(['controller', '--json'], { cwd, env: { FLEETCAST_API_PORT: 'eighty' } });
  t.is(result.code, 78);
  t.is((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'FC_ERR_INVALID_CONFIG');
});
