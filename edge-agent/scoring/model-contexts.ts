import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_FILE, referenceProfileSchema } from '../../protocols/drift/reference-profile.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { ActiveModel } from '../ports.js';
import { DriftWindow } from '../drift/drift-window.js';
import type { ActualsStore } from '../storage/actuals-store.js';
import { FeatureBuilder } from './feature-builder.js';

/** What serving needs per model besides the onnxruntime session. */
export interface ModelContext {
  features: FeatureBuilder;
  /** Null when the bundle has no readable reference profile (drift then is not measured). */
  drift: DriftWindow | null;
}

/**
 * Per-model serving state, built once when a model first serves: its feature builder (the
 * bundle's feature spec over local history) and its drift window (the bundle's reference.json).
 */
export class ModelContexts {
  private readonly contexts = new Map<string, ModelContext>();
  private readonly actuals: ActualsStore;
  private readonly logger: Logger;

  constructor(actuals: ActualsStore, logger: Logger) {
    this.actuals = actuals;
    this.logger = logger;
  }

  /** The context of `model`, created on first use. */
  get(model: ActiveModel): ModelContext {
    const key = `${model.ref.name}@${model.ref.version}:${model.dir}`;
    let context = this.contexts.get(key);
    if (!context) {
      context = { features: new FeatureBuilder(model.manifest, this.actuals), drift: this.loadDrift(model) };
      this.contexts.set(key, context);
    }
    return context;
  }

  /** Contexts with a drift window, for closing windows on schedule. */
  driftWindows(): DriftWindow[] {
    return [...this.contexts.values()].flatMap((context) => (context.drift ? [context.drift] : []));
  }

  private loadDrift(model: ActiveModel): DriftWindow | null {
    try {
      const reference = referenceProfileSchema.parse(JSON.parse(readFileSync(join(model.dir, REFERENCE_FILE), 'utf8')));
      return new DriftWindow(model.ref, reference, model.manifest.input.features.map((feature) => feature.name));
    } catch (error) {
      this.logger.warn({ model: model.ref, err: (error as Error).message }, 'no usable reference profile; drift not measured');
      return null;
    }
  }
}
