import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { bundleManifestSchema } from '../../protocols/bundle/manifest.js';
import type { ActiveModel, ActiveModelSource } from '../ports.js';
import { manifestServingChoice, modelFileFor } from '../../protocols/bundle/serving-precision.js';
import { withPrecisionPreference } from '../config/profile.js';

/**
 * An unpacked bundle directory named by the config's `modelDir` (manifest.json beside the model
 * files), served when no model store is in use — a store installed by hand or an image with a
 * model baked in. The operator vouches for the directory; signed bundles arrive through the
 * update engine instead. Serves the int8 model when the manifest allows it (`manifestServingChoice`).
 */
export class DirectoryModelSource implements ActiveModelSource {
  private readonly model: ActiveModel;

  constructor(dir: string) {
    this.model = loadModelDirectory(dir);
  }

  active(): ActiveModel {
    return this.model;
  }

  onChange(): () => void {
    // A directory named in the config never changes while the agent runs.
    return () => undefined;
  }
}

/** Reads and validates `dir/manifest.json`; FC_ERR_AGENT_MODEL_LOAD_FAILED when unusable. */
export function loadModelDirectory(dir: string): ActiveModel {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_AGENT_MODEL_LOAD_FAILED', `${dir}/manifest.json: ${(error as Error).message}`, { dir });
  }
  const parsed = bundleManifestSchema.safeParse(raw);
  if (!parsed.success) throw new FleetcastError('FC_ERR_AGENT_MODEL_LOAD_FAILED', `${dir}/manifest.json: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, { dir });
  const manifest = parsed.data;
  const serving = withPrecisionPreference(manifestServingChoice(manifest));
  let file: string;
  try {
    file = modelFileFor(manifest, serving.precision);
  } catch (error) {
    throw new FleetcastError('FC_ERR_AGENT_MODEL_LOAD_FAILED', `${dir}: manifest lists no model file`, { dir }, { cause: error });
  }
  return { ref: { name: manifest.model.name, version: manifest.model.version }, dir, manifest, modelPath: join(dir, file), serving };
}
