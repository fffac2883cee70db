import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_FILE, referenceProfileSchema, type ReferenceProfile } from '../../protocols/drift/reference-profile.js';
import { predictionCeiling } from '../../protocols/bundle/prediction-bounds.js';
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
  /** Upper bound of answers (protocols/bundle/prediction-bounds.ts), as the controller applies it. */
  ceiling: number | null;
}

/**
 * Per-model serving state, built once when a model first serves: its feature builder (the
 * bundle's feature spec over local history), its drift window and its answer bounds (both from
 * the bundle's reference.json).
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
      const reference = this.loadReference(model);
      context = {
        features: new FeatureBuilder(model.manifest, this.actuals),
        drift: reference ? new DriftWindow(model.ref, reference, model.manifest.input.features.map((feature) => feature.name)) : null,
        ceiling: predictionCeiling(model.manifest, reference),
      };
      this.contexts.set(key, context);
    }
    return context;
  }

  /** Contexts with a drift window, for closing windows on schedule. */
  driftWindows(): DriftWindow[] {
    return [...this.contexts.values()].flatMap((context) => (context.drift ? [context.drift] : []));
  }

  private loadReference(model: ActiveModel): ReferenceProfile | null {
    try {
      return referenceProfileSchema.parse(JSON.parse(readFileSync(join(model.dir, REFERENCE_FILE), 'utf8')));
    } catch (error) {
      this.logger.warn({ model: model.ref, err: (error as Error).message }, 'no usable reference profile; drift not measured, answers only floored at 0');
      return null;
    }
  }
}
