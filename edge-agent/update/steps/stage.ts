import { runGoldenCheck } from '../../model-store/golden-check.js';
import { verifyInstalledModel } from '../../model-store/installed-model.js';
import type { DeploymentRecord } from '../deployment-record.js';
import type { StepContext } from './step-context.js';
import type { VerifiedFiles } from './verify.js';

/** staging: unpack into the staging directory and smoke-test it with the golden samples. */
export async function stageStep(context: StepContext, record: DeploymentRecord, verified: VerifiedFiles): Promise<void> {
  const dir = await context.store.unpackToStaging(record.deploymentId, verified.files);
  const staged = await verifyInstalledModel(dir, record.model, context.trustedKeys);
  const result = await runGoldenCheck(staged);
  context.logger.info({ deploymentId: record.deploymentId, ...result }, 'golden samples passed');
}
