import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { createProgress } from '../../protocols/runtime/progress.js';
import { writeFile } from 'node:fs/promises';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { withContext, withDataDirOptions, type DataDirOptions } from './cli-context.js';

/** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
}

/** `fleetcast controller [token|backup|restore]` (issue #6). */
export function registerControllerDaemonCommands(program: Command): void {
  const controller = withDataDirOptions(program.command('controller').description('Run the controller: broker and device link, registry, fleet, REST API, batch schedules'))
    .action(async (options: DataDirOptions) => {
      let running: Awaited<ReturnType<typeof import('../controller.js').startController>> | undefined;
      await runCommand(options, async () => {
        // Modules load when the command runs, so `--help` stays fast (issue #9).
        const { startController } = await import('../controller.js');
        running = await startController({ configPath: options.config, dataDir: options.dataDir });
        return { api: running.apiUrl, docs: `${running.apiUrl}/docs`, broker: running.brokerUrl, brokerKind: running.cloudLink.adapter.kind, dataDir: running.context.config.dataDir, batchJobs: running.context.config.batch.map((job) => job.name) };
      }, (r) => `fleetcast controller running\n  api     ${r.api}  (OpenAPI ${r.docs}/json)\n  broker  ${r.broker}  (${r.brokerKind})\n  data    ${r.dataDir}`);
      if (!running) return;
      // Local `deploy`, `status`, `rollback`, `keys trust` find the daemon through this file (issue #11).
      const unpublish = (await import('./api-client.js')).publishLocalEndpoint(running.context.config.dataDir, running.apiUrl, running.context.tokens);
      await stopSignal();
      unpublish();
      await running.stop();
    });

  withDataDirOptions(controller.command('key').option('--out <file>', 'also write the public key PEM to this file').description('The controller\'s public key: give it to agents (`agent init --controller-key`) so they honour rollbacks and key rotations'))
    .action((options: DataDirOptions & { out?: string }) =>
      runCommand(options, async () => {
        const { loadOrCreateControllerKey } = await import('../deployments/controller-key.js');
        const { loadControllerConfig } = await import('../config/load.js');
        const key = loadOrCreateControllerKey(loadControllerConfig({ configPath: options.config, dataDir: options.dataDir }).dataDir);
        if (options.out) {
          await writeFile(options.out, key.publicKeyPem).catch((error: unknown) => {
            throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', `cannot write ${options.out}`, { path: options.out }, { cause: error });
          });
        }
        return { keyId: key.keyId, publicKeyPem: key.publicKeyPem, out: options.out ?? null };
      }, (r) => (r.out ? `controller key ${r.keyId} written to ${r.out}` : r.publicKeyPem)));

  const token = controller.command('token').description('API tokens (roles viewer, operator, admin; stored hashed)');
  withDataDirOptions(token.command('create').requiredOption('--role <role>', 'viewer | operator | admin').option('--name <name>', 'who the token belongs to, the audit log\'s "who" (default: your login name)').description('Issue an API token; it is printed once'))
    .action((options: DataDirOptions & { role: string; name?: string }) =>
      runCommand(options, () => withContext(options, 'controller token create', (c) => c.tokens.create(options.name ?? userInfo().username, options.role)), (r) => `token for ${r.info.name} (${r.info.role}):\n${r.token}\n(shown once; send it as "Authorization: Bearer <token>")`));
  withDataDirOptions(token.command('list').description('List tokens (never their secrets)'))
    .action((options: DataDirOptions) => runCommand(options, () => withContext(options, null, (c) => ({ tokens: c.tokens.list() })), (r) => r.tokens.map((t) => `${t.tokenId}  ${t.role.padEnd(8)} ${t.name}${t.revokedAt ? `  revoked ${t.revokedAt}` : ''}`).join('\n') || 'no tokens'));
  withDataDirOptions(token.command('revoke').argument('<tokenId>').description('Revoke a token'))
    .action((id: string, options: DataDirOptions) => runCommand(options, () => withContext(options, 'controller token revoke', (c) => c.tokens.revoke(id)), (t) => `revoked ${t.tokenId} (${t.name})`));

  withDataDirOptions(controller.command('backup').requiredOption('--out <dir>', 'new, empty folder for the backup').description('Online backup: SQLite backup API + artifacts, with a hashed manifest'))
    .action((options: DataDirOptions & { out: string }) =>
      runCommand(options, () => withContext(options, null, async (c) => (await import('../backup/backup.js')).backupController(c.db, c.config.dataDir, options.out, createProgress({ json: Boolean(options.json) }))),
        (m) => `backup of ${m.files.length} files, ${Object.keys(m.tables).length} tables written to ${options.out}`));

  controller.command('restore')
    .requiredOption('--from <dir>', 'backup folder')
    .requiredOption('--data-dir <dir>', 'new, empty data dir to restore into')
    .option('--json', 'print one JSON document on stdout')
    .description('Restore a backup into a fresh data dir, checking every file hash and table row count')
    .action((options: { from: string; dataDir: string; json?: boolean }) =>
      runCommand(options, async () => (await import('../backup/restore.js')).restoreController(options.from, options.dataDir, createProgress({ json: Boolean(options.json) })), (m) => `restored ${m.files.length} files into ${options.dataDir}`));
}
