import { createHash, randomUUID } from 'node:crypto';
import type { DeployCommand } from '../../../../protocols/messages/cmd/deploy.js';
import type { RollbackCommand } from '../../../../protocols/messages/cmd/rollback.js';
import type { ModelRef } from '../../../../protocols/envelope.js';

const controller = { role: 'controller', id: 'controller' } as const;

/** A schema-valid deploy command for `bytes` (optionally with an HTTP URL). */
export function deployCommand(deploymentId: string, model: ModelRef, bytes: Buffer, url?: string): DeployCommand {
  return {
    v: 1,
    id: randomUUID(),
    ts: new Date().toISOString(),
    sender: controller,
    type: 'deploy',
    deploymentId,
    model,
    bundle: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, ...(url ? { url } : {}) },
  };
}

/** A schema-valid rollback command. */
export function rollbackCommand(deploymentId: string, to?: ModelRef): RollbackCommand {
  return { v: 1, id: randomUUID(), ts: new Date().toISOString(), sender: controller, type: 'rollback', deploymentId, ...(to ? { to } : {}), reason: 'test' };
}
