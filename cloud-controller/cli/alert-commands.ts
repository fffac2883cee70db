import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { AlertView } from '../alerts/schema.js';
import { connectApi, withApiOptions, type ApiOptions } from './api-options.js';
import { withDataDirOptions } from './cli-context.js';

interface ListOptions extends ApiOptions {
  state?: string;
  level?: string;
  subject?: string;
}

function line(alert: AlertView): string {
  const latest = alert.evidence.windows.at(-1);
  const value = latest ? `${alert.evidence.metric}=${Number(latest.value.toPrecision(4))}` : alert.evidence.metric;
  return [alert.id, alert.state.padEnd(12), alert.severity.padEnd(8), `${alert.level}:${alert.subject}`.padEnd(20), alert.rule.padEnd(20), value, alert.openedAt, alert.escalatedAt ? 'ESCALATED' : ''].join('  ').trimEnd();
}

function query(options: ListOptions): string {
  const params = new URLSearchParams();
  if (options.state) params.set('state', options.state);
  if (options.level) params.set('level', options.level);
  if (options.subject) params.set('subject', options.subject);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** `fleetcast alerts list|ack|resolve` over the running controller's REST API (issue #12). */
export function registerAlertCommands(program: Command): void {
  const alerts = program.command('alerts').description('Alerts from accuracy and drift monitoring: list, acknowledge, resolve');
  withApiOptions(withDataDirOptions(alerts.command('list')
    .option('--state <state>', 'open, acknowledged, resolved or unresolved')
    .option('--level <level>', 'store, region or fleet')
    .option('--subject <id>', 'store or region id')
    .description('Alerts, newest first')))
    .action((options: ListOptions) => runCommand(options, async () => (await (await connectApi(options)).call<{ alerts: AlertView[] }>('GET', `/v1/alerts${query(options)}`)).alerts,
      (list) => (list.length === 0 ? 'no alerts' : list.map(line).join('\n'))));
  for (const [verb, path, description] of [['ack', 'ack', 'Acknowledge an alert (stops its escalation)'], ['resolve', 'resolve', 'Resolve an alert']] as const) {
    withApiOptions(withDataDirOptions(alerts.command(`${verb} <id>`).description(description)))
      .action((id: string, options: ApiOptions) => runCommand(options, async () => {
        if (!/^alert-[0-9a-f]{12}$/.test(id)) throw new FleetcastError('FC_ERR_USAGE', `not an alert id: ${id}`);
        return (await connectApi(options)).call<AlertView>('POST', `/v1/alerts/${id}/${path}`);
      }, line));
  }
}
