import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

/** Path of the real Mosquitto binary (apt package `mosquitto`). */
export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

/** A free loopback TCP port (bind to 0, read it back, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `mosquitto -c config` and resolves once it logs that it is running. */
export function startMosquitto(config: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(MOSQUITTO_BIN, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (log.includes(' running')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`mosquitto exited with ${code}: ${log}`)));
  });
}

/** SIGKILLs the broker and waits for it to exit. */
export async function killMosquitto(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
