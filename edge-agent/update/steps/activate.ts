import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { ActiveModel } from '../../ports.js';
import type { DeploymentRecord } from '../deployment-record.js';
import type { StepContext } from './step-context.js';

/** Makes a model serve through the daemon's swap hook; a rejection is FC_ERR_UPDATE_ACTIVATION_FAILED. */
export async function serveModel(context: StepContext, model: ActiveModel | null): Promise<void> {
  if (!context.swapModel) return;
  try {
    await context.swapModel(model);
  } catch (error) {
    throw new FleetcastError('FC_ERR_UPDATE_ACTIVATION_FAILED', error instanceof Error ? error.message : String(error), undefined, { cause: error });
  }
}

/** activating: promote to `versions/`, switch the pointer, make it serve, prune old versions. */
export async function activateStep(context: StepContext, record: DeploymentRecord): Promise<void> {
  const model = await context.store.promote(record.deploymentId, record.model);
  await context.store.activate(model, record.deploymentId);
  await serveModel(context, model);
  await context.store.prune([record.previous]);
  await context.store.discardWork(record.deploymentId);
}
