import { z } from 'zod';
import { modelRefSchema } from '../../protocols/envelope.js';
import { pathPartProblem } from '../../protocols/paths.js';
import { bundleSourceSchema } from '../../protocols/messages/cmd/deploy.js';
import { controllerSignatureSchema } from '../../protocols/messages/cmd/controller-signature.js';

/**
 * The deployment in flight, persisted with the state (one row) so that a restarted agent can
 * continue it: what to install, where it comes from, what to go back to, how far the
 * download got and how often this state was resumed.
 */
export const deploymentRecordSchema = z.object({
  /** An id, or `install:<sha256 prefix>`; always one safe path part (issue #9: `..` wiped the store). */
  deploymentId: z.string().min(1).max(128).refine((value) => pathPartProblem(value) === null, 'must be a safe path part'),
  /** `deploy` (download over the uplink), `install` (local file), `rollback` (retained version). */
  kind: z.enum(['deploy', 'install', 'rollback']),
  /** The version being installed, or the rollback target once chosen. */
  model: modelRefSchema,
  /** Where the bundle comes from (deploy: the command's source; install: the local file's hash and size). */
  bundle: bundleSourceSchema.nullable(),
  /** Local bundle file of an install (the USB stick path). */
  localPath: z.string().min(1).nullable(),
  /** Active version when the deployment started: what a failure goes back to. */
  previous: modelRefSchema.nullable(),
  /** Bytes of the partial download known to be fsync'd (resume offset). */
  downloadedBytes: z.number().int().nonnegative(),
  /** Times the current state was entered by a resume after a crash. */
  resumes: z.number().int().nonnegative(),
  /** Why a rollback is running: an operator's command or a failed step. */
  rollbackCause: z.enum(['operator', 'failure']).nullable(),
  /** Error that started the rollback (reported when it ends in `failed`). */
  errorCode: z.string().regex(/^FC_ERR_[A-Z0-9_]+$/).nullable(),
  detail: z.string().max(1000).nullable(),
  /** The command's controller-signed permission to install a lower version (issue #11); rows written before it read as none. */
  downgradeAuthorization: controllerSignatureSchema.nullable().default(null),
});
export type DeploymentRecord = z.infer<typeof deploymentRecordSchema>;

/** What a new deployment names; everything else starts empty (no download yet, never resumed). */
type NewDeployment = Pick<DeploymentRecord, 'deploymentId' | 'kind' | 'model' | 'previous'> & Partial<Pick<DeploymentRecord, 'bundle' | 'localPath' | 'rollbackCause' | 'errorCode' | 'detail' | 'downgradeAuthorization'>>;

/** A fresh record for a deploy, install or rollback about to enter its first state. */
export function newDeploymentRecord(fields: NewDeployment): DeploymentRecord {
  return { bundle: null, localPath: null, rollbackCause: null, errorCode: null, detail: null, downgradeAuthorization: null, ...fields, downloadedBytes: 0, resumes: 0 };
}
