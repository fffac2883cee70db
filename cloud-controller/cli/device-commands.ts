import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import type { Device } from '../fleet/schema.js';
import type { ControllerContext } from '../controller-context.js';
import { withContext, withDataDirOptions, type DataDirOptions } from './cli-context.js';

/**
 * Enrolments and revocations made on the data dir must reach the configured broker too (an
 * external Mosquitto's password file); the embedded aedes broker asks the fleet on each connect.
 */
async function withProvisioning<T>(context: ControllerContext, action: () => Promise<T>): Promise<T> {
  const [{ attachFleetProvisioning }, { createBrokerAdapter }] = await Promise.all([import('../broker/adapter.js'), import('../cloud-link.js')]);
  const adapter = createBrokerAdapter(context.config.broker, context);
  const detach = attachFleetProvisioning(adapter, context.fleet);
  try {
    return await action();
  } finally {
    detach();
    // Releases the adapter's clients (e.g. the AWS SDK's sockets) so the command can exit.
    await adapter.stop();
  }
}

function deviceLine(d: Device): string {
  const state = d.revokedAt ? 'revoked' : d.online ? 'online' : 'offline';
  const model = d.reported.activeModel ? `${d.reported.activeModel.name}@${d.reported.activeModel.version}` : '-';
  return `${d.id.padEnd(20)} ${state.padEnd(8)} store=${d.store} region=${d.region} tags=${d.tags.join(',') || '-'} model=${model} seen=${d.lastSeenAt ?? 'never'}`;
}

interface AddOptions extends DataDirOptions {
  /** Device id: the uplink client id and username. The only required option (issue #11). */
  id: string;
  /** Store the device serves (default: the device id, one device per store). */
  store?: string;
  /** Region for target selectors. */
  region: string;
  /** IANA zone the store schedules nightly work in (default: the controller's). */
  timezone: string;
  /** Comma-separated tags for target selectors. */
  tags?: string;
  /** Hardware profile. */
  profile: string;
}

/** The zone this controller runs in: the natural default for stores enrolled from it. */
const controllerTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** `fleetcast devices add|revoke|list|show` (issue #6 "Fleet"). */
export function registerDeviceCommands(program: Command): void {
  const devices = program.command('devices').description('Enrol, list and revoke store devices');

  withDataDirOptions(devices.command('add').description('Enrol a device and print its secret (shown only this once; stored hashed). Only --id is required.'))
    .requiredOption('--id <deviceId>', 'required: device id (its uplink client id and username)')
    .option('--store <store>', 'store the device serves (default: the device id)')
    .option('--region <region>', 'region for target selectors', 'default')
    .option('--timezone <iana>', 'time zone of the store, e.g. Europe/Berlin', controllerTimeZone())
    .option('--tags <a,b>', 'comma-separated tags for target selectors')
    .option('--profile <profile>', 'hardware profile', 'generic')
    .action((options: AddOptions) =>
      runCommand(options, () => withContext(options, 'devices add', (c) => withProvisioning(c, () => c.fleet.enrolDevice({
        id: options.id, store: options.store ?? options.id, region: options.region, timezone: options.timezone, profile: options.profile,
        tags: options.tags ? options.tags.split(',').map((tag) => tag.trim()).filter(Boolean) : [],
      }))), (r) => `enrolled ${r.device.id}\nsecret: ${r.secret}\n(this secret is shown once; store it in the device's agent config)`));

  withDataDirOptions(devices.command('revoke').argument('<deviceId>').description('Revoke a device; the broker refuses it from now on'))
    .action((id: string, options: DataDirOptions) => runCommand(options, () => withContext(options, 'devices revoke', (c) => withProvisioning(c, () => c.fleet.revokeDevice(id))), (d) => `revoked ${d.id} at ${d.revokedAt}`));

  withDataDirOptions(devices.command('list').option('--selector <selector>', 'e.g. tag:pilot,region:eu-west').description('List devices with online state and active model'))
    .action((options: DataDirOptions & { selector?: string }) =>
      runCommand(options, () => withContext(options, null, (c) => ({ devices: c.fleet.listDevices(options.selector) })), (r) => r.devices.map(deviceLine).join('\n') || 'no devices'));

  withDataDirOptions(devices.command('show').argument('<deviceId>').description('One device with its reported inventory'))
    .action((id: string, options: DataDirOptions) => runCommand(options, () => withContext(options, null, (c) => c.fleet.getDevice(id)), (d) => `${deviceLine(d)}\n${JSON.stringify(d.reported, null, 2)}`));
}
