import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { Logger } from '../../../protocols/runtime/logger.js';

/** Longest pause between restarts of a Mosquitto that keeps dying. */
const MAX_RESTART_DELAY_MS = 5_000;
/** A Mosquitto that ran this long before dying restarts without delay again. */
const STABLE_RUN_MS = 30_000;

/**
 * Runs the POS Mosquitto as a child of the agent and restarts it when it dies (issue #9): its
 * log goes to the agent's logger, a crash is logged and followed by a restart after
 * 100 ms · 2^n (capped at 5 s, reset once a run lasted 30 s). `stop` ends it for good.
 */
export class MosquittoSupervisor {
  private child: ChildProcess | null = null;
  private stopped = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(private readonly binary: string, private readonly configPath: string, private readonly pidFile: string, private readonly logger: Logger) {}

  /**
   * Stops a Mosquitto that a SIGKILLed agent left running on this config (its child outlives
   * it), so the new one can bind the socket. Only a process whose command line names this
   * config file is signalled.
   */
  reapOrphan(): void {
    let pid: number;
    try {
      pid = Number(readFileSync(this.pidFile, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0 || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.configPath)) return;
    } catch {
      return;
    }
    this.logger.warn({ pid }, 'stopping a POS Mosquitto left by a previous agent');
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It exited since the check: nothing left to stop.
    }
  }

  /** Starts Mosquitto; resolves once it logs that it is running, rejects if it exits first. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const startedAt = Date.now();
      const child = spawn(this.binary, ['-c', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      this.child = child;
      let running = false;
      let tail = '';
      createInterface({ input: child.stderr! }).on('line', (line) => {
        tail = `${tail}\n${line}`.slice(-2_000);
        if (!running && line.includes(' running')) {
          running = true;
          resolve();
        }
        this.logger.debug({ mosquitto: line }, 'POS Mosquitto');
      });
      child.once('error', (error) => reject(new FleetcastError('FC_ERR_AGENT_POS_BROKER_FAILED', `${this.binary}: ${error.message}`, { binary: this.binary }, { cause: error })));
      child.once('exit', (code, signal) => {
        this.child = null;
        if (!running) {
          reject(new FleetcastError('FC_ERR_AGENT_POS_BROKER_FAILED', `mosquitto exited (${signal ?? code}) before serving: ${tail.trim()}`, { binary: this.binary }));
          if (this.restarts > 0) this.scheduleRestart();
          return;
        }
        if (this.stopped) return;
        this.logger.error({ code, signal }, 'POS Mosquitto died; restarting');
        if (Date.now() - startedAt >= STABLE_RUN_MS) this.restarts = 0;
        this.scheduleRestart();
      });
    });
  }

  /** Process id of the running Mosquitto (tests kill it to check the restart). */
  pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops Mosquitto (SIGTERM lets it send DISCONNECT to MQTT 5 clients) and waits for its exit. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    const delay = Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** this.restarts);
    this.restarts += 1;
    this.restartTimer = setTimeout(() => {
      this.start().then(() => this.logger.info('POS Mosquitto restarted'), (error: Error) => this.logger.error({ err: error.message }, 'POS Mosquitto restart failed'));
    }, delay);
  }
}
