import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { idSchema } from '../../protocols/ids.js';
import type { Fleet } from '../fleet/fleet.js';
import type { Registry } from '../registry/registry.js';
import type { Deployments } from './desired-state.js';
import { deploymentResultSchema } from './schema.js';

/** `fleetcast rollback` / `POST /v1/rollbacks`: which model, to which version (default: the previous one), where. */
export const rollbackRequestSchema = z.object({
  model: idSchema,
  to: z.number().int().positive().optional(),
  /** Target selector; default every device that runs or was sent this model. */
  selector: z.string().min(1).optional(),
  reason: z.string().max(500).optional(),
});
export type RollbackRequest = z.infer<typeof rollbackRequestSchema>;

export const rollbackResultSchema = deploymentResultSchema.extend({ model: idSchema, from: z.number().int().positive().nullable(), to: z.number().int().positive() });
export type RollbackResult = z.infer<typeof rollbackResultSchema>;

/**
 * Returns stores to an earlier version (issue #11): a deployment of kind `rollback` whose
 * commands carry a controller-signed downgrade authorization per device, so agents install the
 * lower version they would refuse from a replayed command; recorded in the registry history
 * (and, being an API call or CLI command, in the audit log). "Previous" is the version of the
 * newest earlier deployment of the model with a lower version, else the newest lower registered
 * one; a rollback never moves forward (two rollbacks in a row go two versions back).
 */
export async function rollBackModel(parts: { registry: Registry; fleet: Fleet; deployments: Deployments }, request: RollbackRequest, actor: string): Promise<RollbackResult> {
  const deployed = parts.deployments.list(1_000).filter((deployment) => deployment.model.name === request.model);
  const from = deployed[0]?.model.version ?? null;
  const lowerRegistered = parts.registry.listVersions(request.model).map((version) => version.version).filter((version) => from !== null && version < from).sort((a, b) => b - a);
  const to = request.to ?? deployed.find((deployment) => from !== null && deployment.model.version < from)?.model.version ?? lowerRegistered[0];
  if (to === undefined) throw new FleetcastError('FC_ERR_ROLLBACK_NO_TARGET', `${request.model}: nothing was deployed before v${from ?? '-'}`, { model: request.model });
  const version = parts.registry.getModelVersion(request.model, to);
  const runsModel = (deviceId: string): boolean => {
    const device = parts.fleet.getDevice(deviceId);
    return device.reported.activeModel?.name === request.model || parts.deployments.deviceStatus(deviceId)?.model.name === request.model;
  };
  const deviceIds = parts.fleet.selectDeviceIds(request.selector ?? 'all').filter(runsModel);
  if (deviceIds.length === 0) throw new FleetcastError('FC_ERR_DEPLOYMENT_NO_TARGETS', request.selector ?? `devices running ${request.model}`);
  const result = await parts.deployments.deploy({
    model: { name: version.name, version: version.version },
    bundle: { sha256: version.sha256, size: version.size },
    deviceIds,
    kind: 'rollback',
    authorizeDowngrade: true,
    actor,
  });
  parts.registry.recordRollback(request.model, from, to, actor, request.reason ?? `rollback deployment ${result.deploymentId}`);
  return { ...result, model: request.model, from, to };
}
