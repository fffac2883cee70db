import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';

/** Resident set size of process `pid` in bytes (Linux /proc), read from outside the process. */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/**
 * Issue #9 finding 4: opens a socket to a broker, sends a CONNECT fixed header announcing the
 * largest remaining length MQTT allows (268,435,455 bytes) and then streams up to `bodyBytes`
 * of its body in 1 MiB writes until the broker closes the socket. Resolves with whether the
 * broker closed it and how many body bytes were handed to the socket by then.
 */
export async function sendOversizedConnect(port: number, bodyBytes = 64 * 1024 * 1024): Promise<{ closedByBroker: boolean; sentBytes: number }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  let closed = false;
  const closedPromise = new Promise<void>((resolve) => socket.once('close', () => {
    closed = true;
    resolve();
  }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
  const chunk = Buffer.alloc(1024 * 1024, 0x41);
  let sentBytes = 0;
  while (!closed && sentBytes < bodyBytes) {
    sentBytes += chunk.length;
    if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closedPromise]);
  }
  const closedByBroker = closed;
  socket.destroy();
  await closedPromise;
  return { closedByBroker, sentBytes };
}
