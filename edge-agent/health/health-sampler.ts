import { cpus, freemem, totalmem, uptime } from 'node:os';
import { readFile, readdir, statfs } from 'node:fs/promises';
import type { OutboxEntry } from '../storage/outbox.js';

/** Serving counters the heartbeat carries beside the system sample. */
export interface ServingCounters {
  requests: number;
  errors: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

/** CPU times summed over all cores at the previous sample: load is measured between heartbeats. */
let previousCpu: { busy: number; total: number } | null = null;

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const sum = times.user + times.nice + times.sys + times.irq + times.idle;
    total += sum;
    busy += sum - times.idle;
  }
  return { busy, total };
}

/** Busy share of all cores since the previous heartbeat (since boot at the first), in percent. */
function cpuLoadPercent(): number {
  const now = cpuTimes();
  const base = previousCpu ?? { busy: 0, total: 0 };
  previousCpu = now;
  const total = now.total - base.total;
  return total > 0 ? (100 * (now.busy - base.busy)) / total : 0;
}

/** Memory in use as the kernel sees it: total minus MemAvailable (Linux), else total minus free. */
async function memUsedBytes(): Promise<number> {
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const availableKb = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1];
  return totalmem() - (availableKb === undefined ? freemem() : Number(availableKb) * 1024);
}

/** Disk free for unprivileged writers on the filesystem holding `path`, in bytes. */
async function diskFreeBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return Math.max(0, stats.bavail * stats.bsize);
}

/** The hottest thermal zone the kernel reports, in °C, or null on hardware without one. */
async function temperatureC(): Promise<number | null> {
  const zones = (await readdir('/sys/class/thermal').catch(() => [] as string[])).filter((name) => name.startsWith('thermal_zone'));
  const readings = await Promise.all(zones.map((zone) => readFile(`/sys/class/thermal/${zone}/temp`, 'utf8').then((text) => Number(text) / 1_000, () => Number.NaN)));
  const valid = readings.filter((value) => Number.isFinite(value));
  return valid.length > 0 ? Math.max(...valid) : null;
}

/**
 * One heartbeat (issue #5 "Health"): CPU load, memory, disk free under the data directory,
 * temperature where the hardware reports it, uptime, and the serving counters since the last
 * heartbeat. Read from Node and the kernel directly (/proc, statfs, /sys/class/thermal) rather
 * than through systeminformation, which cost the serving agent about 10 MB resident and ran
 * `df` at every heartbeat (issue #15 "Agent footprint"); a failed probe gives 0/null rather
 * than no heartbeat.
 */
export async function sampleHeartbeat(dataDir: string, counters: ServingCounters, now: Date = new Date()): Promise<OutboxEntry> {
  const [mem, disk, temperature] = await Promise.all([memUsedBytes().catch(() => 0), diskFreeBytes(dataDir).catch(() => 0), temperatureC().catch(() => null)]);
  return {
    kind: 'heartbeat',
    ts: now.toISOString(),
    cpuLoadPercent: Math.max(0, cpuLoadPercent()),
    memUsedBytes: Math.round(Math.max(0, mem)),
    memTotalBytes: totalmem(),
    diskFreeBytes: disk,
    temperatureC: temperature,
    uptimeSec: uptime(),
    ...counters,
    rssBytes: process.memoryUsage.rss(),
  };
}
