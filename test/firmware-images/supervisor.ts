import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Stands in for systemd in tests (issue #16): before every start it runs the installed boot
 * check (the unit's ExecStartPre), then `node <installDir>/current/bin/fleetcast-agent.js agent
 * --config …` (ExecStart), and starts it again whenever it exits (Restart=always), up to a bound.
 */
export class TestSupervisor {
  private child: ChildProcess | null = null;
  private stopped = false;
  readonly starts: Array<{ decision: string; slot: string | null }> = [];

  constructor(private readonly installDir: string, private readonly configFile: string, private readonly logFile: string, private readonly maxStarts = 8) {}

  start(): void {
    void this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.starts.length < this.maxStarts) {
      const { stdout } = await run(process.execPath, [join(this.installDir, 'boot-check.mjs'), this.installDir]);
      this.starts.push(JSON.parse(stdout) as { decision: string; slot: string | null });
      if (this.stopped) return;
      const child = spawn(process.execPath, [join(this.installDir, 'current', 'bin', 'fleetcast-agent.js'), 'agent', '--config', this.configFile], { stdio: ['ignore', openSync(this.logFile, 'a'), openSync(this.logFile, 'a')] });
      this.child = child;
      await new Promise((resolve) => child.once('exit', resolve));
      this.child = null;
    }
  }

  /** Kills the running agent (SIGKILL) and stops restarting. */
  stop(): void {
    this.stopped = true;
    this.child?.kill('SIGKILL');
  }
}
