import { resolve } from 'node:path';
import type { ImageDeploymentResult } from '../images/image-routes.js';
import { connectApi, type ApiOptions } from './api-options.js';
import { withContext } from './cli-context.js';

/** Options of `fleetcast deploy --kind image`. */
export interface ImageDeployOptions extends ApiOptions {
  target?: string;
  deploymentId?: string;
}

/**
 * `fleetcast deploy --kind image <file> --target …` (issue #16): copies the signed image into the
 * controller's content-addressed artifact store (the CLI works on the data dir beside the
 * daemon, as `registry push` does), then asks the daemon to send it to the targets.
 */
export async function deployImage(file: string, options: ImageDeployOptions): Promise<ImageDeploymentResult> {
  const { putArtifact } = await import('../storage/artifacts.js');
  const stored = await withContext(options, 'deploy --kind image', (context) => putArtifact(context.config.dataDir, resolve(file)));
  const client = await connectApi(options);
  return client.call<ImageDeploymentResult>('POST', '/v1/images/deployments', { sha256: stored.sha256, selector: options.target, ...(options.deploymentId ? { deploymentId: options.deploymentId } : {}) });
}

export function imageDeployText(result: ImageDeploymentResult): string {
  const skipped = [...(result.offline.length ? [`${result.offline.length} offline`] : []), ...(result.otherProfile.length ? [`${result.otherProfile.length} on another profile`] : [])];
  return `image deployment ${result.deploymentId}: agent ${result.version} (${result.profile}) sent to ${result.sent.length}${skipped.length ? `; not sent: ${skipped.join(', ')}` : ''} (follow agentVersion with \`fleetcast devices list\`)`;
}
