import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { cliEntry } from './paths.js';

const silent = { FLEETCAST_LOG_LEVEL: process.env.FLEETCAST_E2E_LOG_DIR ? 'info' : 'silent' };

/**
 * Spawns `fleetcast …args` (or `node …args`) — a daemon — and resolves with the first complete
 * JSON document it prints (the controller's start document, the agent's `ready` line).
 * FLEETCAST_E2E_LOG_DIR keeps each child's log lines for diagnosis (set FLEETCAST_LOG_LEVEL too).
 */
export function spawnJson<T>(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, viaCli = true): Promise<{ child: ChildProcess; info: T }> {
  const child = spawn(process.execPath, viaCli ? [cliEntry, ...args] : args, { cwd, env: { ...process.env, ...silent, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logDir = process.env.FLEETCAST_E2E_LOG_DIR;
  if (logDir) child.stderr?.pipe(createWriteStream(join(logDir, `${viaCli ? args[0] : 'agent'}-${child.pid}.log`)));
  let stdout = '';
  child.stdout?.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.trim().startsWith('{"event"') ? stdout.split('\n')[0] : stdout;
      try {
        resolve({ child, info: JSON.parse(line) as T });
      } catch {
        // wait for the rest of the document
      }
    });
    child.once('exit', (code) => reject(new Error(`fleetcast ${args.join(' ')} exited early with ${code}: ${stdout}`)));
  });
}
