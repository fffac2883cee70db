import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { exitCodeFor } from '../../protocols/errors/catalog.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { DeviceStatus, FleetStatus } from '../fleet/fleet-status.js';
import { DEFAULT_OFFLINE_AFTER_SEC } from '../fleet/status-defaults.js';
import { connectApi, withApiOptions, type ApiOptions } from './api-options.js';
import { withDataDirOptions } from './cli-context.js';

function ago(iso: string | null, now: Date): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  return seconds < 120 ? `${seconds}s ago` : seconds < 7200 ? `${Math.round(seconds / 60)}m ago` : `${Math.round(seconds / 3600)}h ago`;
}

function row(device: DeviceStatus, now: Date): string[] {
  const health = device.health ? (device.health.status === 'healthy' ? 'healthy' : `degraded(${device.health.reasons.join(',')})`) : '-';
  const update = device.deployment && device.deployment.status !== 'committed' ? `${device.updateState ?? device.deployment.status}${device.deployment.errorCode ? ` ${device.deployment.errorCode}` : ''}` : device.updateState ?? '-';
  return [
    device.deviceId,
    device.online ? 'online' : 'offline',
    device.serving ? `${device.serving.name}@${device.serving.version}` : '-',
    update,
    ago(device.lastSeenAt, now),
    health,
    device.wape === null ? '-' : `${(device.wape * 100).toFixed(1)}%`,
    device.drift ? 'DRIFT' : '-',
  ];
}

/** Fixed-width table, columns as wide as their longest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column].length)));
  return [header, ...rows].map((cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

function render(status: FleetStatus): string {
  const now = new Date(status.at);
  const versions = Object.entries(status.versions).map(([version, n]) => `${version}×${n}`).join(' ') || '-';
  const lines = [
    `${status.online} online, ${status.offline} offline, ${status.failed} failed · serving ${versions}`,
    '',
    table(['DEVICE', 'STATE', 'SERVING', 'UPDATE', 'LAST SEEN', 'HEALTH', 'WAPE', 'DRIFT'], status.devices.map((device) => row(device, now))),
  ];
  if (!status.ok) lines.push('', `not ok: ${status.devices.filter((d) => d.problems.length > 0).map((d) => `${d.deviceId} (${d.problems.join(', ')})`).join(', ')}`);
  return lines.join('\n');
}

/** `fleetcast status`: the fleet at a glance; exit non-zero when a device failed or is offline too long (issue #11). */
export function registerStatusCommand(program: Command): void {
  withApiOptions(withDataDirOptions(program.command('status')
    .option('--offline-after <seconds>', 'offline for longer than this counts as a problem', String(DEFAULT_OFFLINE_AFTER_SEC))
    .description('Devices online/offline, version served, update state, last seen, health, accuracy and drift')))
    .action((options: ApiOptions & { offlineAfter: string }) =>
      runCommand(options, async () => {
        if (!/^\d+$/.test(options.offlineAfter)) throw new FleetcastError('FC_ERR_USAGE', '--offline-after must be whole seconds');
        const status = await (await connectApi(options)).call<FleetStatus>('GET', `/v1/fleet/status?offlineAfterSec=${options.offlineAfter}`);
        if (!status.ok) process.exitCode = exitCodeFor('FC_ERR_FLEET_UNHEALTHY');
        return status;
      }, render));
}
