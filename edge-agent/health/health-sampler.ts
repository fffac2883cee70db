import { uptime } from 'node:os';
import si from 'systeminformation';
import type { OutboxEntry } from '../storage/outbox.js';

/** Serving counters the heartbeat carries beside the system sample. */
export interface ServingCounters {
  requests: number;
  errors: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

/** Disk free on the filesystem that holds `path` (longest matching mount point), in bytes. */
async function diskFreeBytes(path: string): Promise<number> {
  const filesystems = await si.fsSize();
  const match = filesystems
    .filter((fs) => path === fs.mount || path.startsWith(fs.mount.endsWith('/') ? fs.mount : `${fs.mount}/`))
    .sort((a, b) => b.mount.length - a.mount.length)[0];
  return Math.max(0, Math.round(match?.available ?? 0));
}

/**
 * One heartbeat (issue #5 "Health"): CPU load, memory, disk free under the data directory,
 * temperature where the hardware reports it, uptime, and the serving counters since the last
 * heartbeat. systeminformation reads /proc and runs `df`; a failed probe gives 0/null rather
 * than no heartbeat.
 */
export async function sampleHeartbeat(dataDir: string, counters: ServingCounters, now: Date = new Date()): Promise<OutboxEntry> {
  const [load, mem, disk, temperature] = await Promise.all([
    si.currentLoad().catch(() => null),
    si.mem().catch(() => null),
    diskFreeBytes(dataDir).catch(() => 0),
    si.cpuTemperature().catch(() => null),
  ]);
  const celsius = temperature?.main;
  return {
    kind: 'heartbeat',
    ts: now.toISOString(),
    cpuLoadPercent: Math.max(0, load?.currentLoad ?? 0),
    memUsedBytes: Math.round(mem?.active ?? 0),
    memTotalBytes: Math.round(mem?.total ?? 0),
    diskFreeBytes: disk,
    temperatureC: typeof celsius === 'number' && Number.isFinite(celsius) ? celsius : null,
    uptimeSec: uptime(),
    ...counters,
    rssBytes: process.memoryUsage.rss(),
  };
}
