import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ModelVersion, PromotionResult } from '../registry/schema.js';
import { cliActor, withContext, withDataDirOptions, type DataDirOptions } from './cli-context.js';

function positiveInt(value: string, what: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new FleetcastError('FC_ERR_USAGE', `${what} must be a positive integer`);
  return Number(value);
}

function versionLine(v: ModelVersion): string {
  const aliases = v.aliases.length > 0 ? ` @${v.aliases.join(' @')}` : '';
  return `${v.name}@${v.version}  ${v.stage.padEnd(11)} ${v.sha256.slice(0, 12)}  run=${v.runId ?? '-'}${aliases}`;
}

function promotionText(result: PromotionResult): string {
  if (result.status === 'pending') return `approval ${result.approval.id} requested: ${result.approval.name}@${result.approval.version} → Production needs a second operator (fleetcast registry approve ${result.approval.id})`;
  const archived = result.archived.length > 0 ? ` (archived ${result.archived.map((v) => `@${v}`).join(', ')})` : '';
  return `${result.version.name}@${result.version.version} is now ${result.version.stage}${archived}`;
}

/** `fleetcast registry push|list|promote|approve|alias|history` (issue #6 "Registry"). */
export function registerRegistryCommands(program: Command): void {
  const registry = program.command('registry').description('Push, list, promote and alias model versions');

  withDataDirOptions(registry.command('push').argument('<bundle>', 'signed bundle file').description('Verify a bundle against the trusted keys and register it (stage Development)'))
    .action((bundle: string, options: DataDirOptions) => runCommand(options, () => withContext(options, 'registry push', (c) => c.registry.push(bundle, cliActor(options))), versionLine));

  withDataDirOptions(registry.command('list').argument('[name]', 'only this model').description('List model versions, newest first'))
    .action((name: string | undefined, options: DataDirOptions) =>
      runCommand(options, () => withContext(options, null, (c) => ({ versions: c.registry.listVersions(name), approvals: c.registry.listApprovals() })), (r) =>
        [...r.versions.map(versionLine), ...r.approvals.map((a) => `pending approval ${a.id}: ${a.name}@${a.version} → Production (requested by ${a.requestedBy})`)].join('\n') || 'no model versions'));

  withDataDirOptions(registry.command('promote').argument('<name>').argument('<version>').requiredOption('--stage <stage>', 'Development | Staging | Production | Archived').option('--reason <text>', 'why (kept in the history)').description('Move a version to a stage; Production archives the previous one'))
    .action((name: string, version: string, options: DataDirOptions & { stage: string; reason?: string }) =>
      runCommand(options, () => withContext(options, 'registry promote', (c) => c.registry.promote(name, positiveInt(version, 'version'), options.stage, cliActor(options), options.reason ?? null)), promotionText));

  withDataDirOptions(registry.command('approve').argument('<approvalId>').option('--reason <text>').description('Approve a pending Production promotion (second operator)'))
    .action((id: string, options: DataDirOptions & { reason?: string }) =>
      runCommand(options, () => withContext(options, 'registry approve', (c) => c.registry.approve(positiveInt(id, 'approval id'), cliActor(options), options.reason ?? null)), promotionText));

  withDataDirOptions(registry.command('alias').argument('<name>').argument('<alias>').argument('[version]').option('--remove', 'remove the alias').option('--reason <text>').description('Point an alias (champion, challenger, …) at a version, or remove it'))
    .action((name: string, alias: string, version: string | undefined, options: DataDirOptions & { remove?: boolean; reason?: string }) =>
      runCommand(options, () => withContext(options, 'registry alias', (c) => {
        if (options.remove) {
          c.registry.removeAlias(name, alias, cliActor(options), options.reason ?? null);
          return { name, alias, version: null };
        }
        if (version === undefined) throw new FleetcastError('FC_ERR_USAGE', 'give a version or --remove');
        const set = c.registry.setAlias(name, alias, positiveInt(version, 'version'), cliActor(options), options.reason ?? null);
        return { name, alias, version: set.version };
      }), (r) => (r.version === null ? `${r.name}@${r.alias} removed` : `${r.name}@${r.alias} → ${r.version}`)));

  withDataDirOptions(registry.command('history').argument('<name>').option('--at <timestamp>', 'also answer which version was in Production at this instant').description('Append-only stage and alias history'))
    .action((name: string, options: DataDirOptions & { at?: string }) =>
      runCommand(options, () => withContext(options, null, (c) => {
        const at = options.at === undefined ? null : new Date(options.at);
        if (at && Number.isNaN(at.getTime())) throw new FleetcastError('FC_ERR_USAGE', '--at must be an ISO timestamp');
        return { history: c.registry.history(name), productionAt: at ? { at: at.toISOString(), version: c.registry.productionAt(name, at) } : null };
      }), (r) => [
        ...r.history.map((e) => `${e.at}  ${e.kind.padEnd(18)} v${e.version ?? '-'} ${e.from ?? ''}→${e.to ?? ''}  by ${e.actor}${e.reason ? `: ${e.reason}` : ''}`),
        ...(r.productionAt ? [`Production at ${r.productionAt.at}: ${r.productionAt.version === null ? 'none' : `v${r.productionAt.version}`}`] : []),
      ].join('\n')));
}
