import { join } from 'node:path';
import type { Command } from 'commander';
import { runCommand, type CommonOptions } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { MosquittoConfigFiles } from '../broker/mosquitto/config-writer.js';

/** Options of `fleetcast broker mosquitto-config`. */
interface MosquittoConfigCommandOptions extends CommonOptions {
  /** Directory receiving mosquitto.conf, passwd, acl (and tls/). */
  out: string;
  /** Controller data dir; the controller's broker identity lives in `<dataDir>/broker`. */
  dataDir: string;
  /** Plain MQTT listener port. */
  port: string;
  /** Add a TLS listener with a generated CA and server certificate. */
  tls?: boolean;
  /** TLS listener port. */
  tlsPort: string;
  /** Listener bind address. */
  host: string;
  /** Extra DNS names / IPs for the server certificate. */
  hostname: string[];
  /** `user` line of mosquitto.conf (account the broker runs as). */
  runAsUser?: string;
}

function port(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) throw new FleetcastError('FC_ERR_USAGE', `${flag} must be a port number: ${value}`);
  return parsed;
}

/** `fleetcast broker …` (issue #6). */
export function registerBrokerCommands(program: Command): void {
  const broker = program.command('broker').description('Broker adapter tools (e.g. Mosquitto configuration)');
  broker
    .command('mosquitto-config')
    .description('Write mosquitto.conf, a $7$ password file with the controller user, per-device pattern ACLs and optional TLS material')
    .requiredOption('--out <dir>', 'output directory')
    .option('--data-dir <dir>', 'controller data dir (holds the controller broker identity)', process.env.FLEETCAST_DATA_DIR ?? '.fleetcast/controller')
    .option('--port <port>', 'plain MQTT listener port', '1883')
    .option('--tls', 'add a TLS listener with a generated CA and server certificate')
    .option('--tls-port <port>', 'TLS listener port', '8883')
    .option('--host <address>', 'listener bind address', '127.0.0.1')
    .option('--hostname <name...>', 'DNS names or IPs the server certificate must name', [])
    .option('--run-as-user <user>', 'account mosquitto runs as (its `user` option)')
    .option('--json', 'print the written file paths as JSON')
    .action((options: MosquittoConfigCommandOptions) =>
      runCommand<MosquittoConfigFiles>(
        options,
        async () => {
          // Modules load when the command runs, so `--help` stays fast (issue #9).
          const [{ writeMosquittoConfig }, { loadOrCreateControllerIdentity }] = await Promise.all([import('../broker/mosquitto/config-writer.js'), import('../broker/controller-identity.js')]);
          return writeMosquittoConfig({
            outDir: options.out,
            controllerIdentity: loadOrCreateControllerIdentity(join(options.dataDir, 'broker')),
            port: port(options.port, '--port'),
            tls: options.tls ? { port: port(options.tlsPort, '--tls-port'), hostnames: options.hostname } : undefined,
            host: options.host,
            runAsUser: options.runAsUser,
          });
        },
        (files) =>
          [
            `wrote ${files.config}`,
            `      ${files.passwordFile} (controller user; devices are added on enrolment)`,
            `      ${files.aclFile}`,
            ...(files.caFile ? [`      ${files.caFile} (give this CA to devices)`] : []),
            `start: mosquitto -c ${files.config}`,
          ].join('\n'),
      ),
    );
}
