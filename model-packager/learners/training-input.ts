import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { Objective } from '../models/trained-model.js';

/** A row-major feature matrix (NaN = missing) with its targets, as every learner takes it. */
export interface LabelledMatrix {
  /** Row-major `nRows × nFeatures` features; NaN marks a missing value. */
  X: Float32Array;
  /** One target per row. */
  y: Float64Array;
  nRows: number;
}

/**
 * Rejects matrices whose sizes disagree and targets outside the objective's domain
 * (Poisson/Tweedie need y ≥ 0, logistic needs y ∈ {0, 1}) with FC_ERR_TRAIN_INVALID_INPUT,
 * before any worker starts, so a bad CSV column never becomes a silently useless model.
 */
export function checkLabelledMatrix(data: LabelledMatrix, nFeatures: number, objective: Objective, role: 'training' | 'validation'): void {
  if (!Number.isInteger(data.nRows) || data.nRows < 1) throw new FleetcastError('FC_ERR_TRAIN_INVALID_INPUT', `${role} set has no rows`, { role });
  if (data.X.length !== data.nRows * nFeatures) {
    throw new FleetcastError('FC_ERR_TRAIN_INVALID_INPUT', `${role} matrix has ${data.X.length} values, expected ${data.nRows} × ${nFeatures}`, { role });
  }
  if (data.y.length !== data.nRows) throw new FleetcastError('FC_ERR_TRAIN_INVALID_INPUT', `${role} target has ${data.y.length} values, expected ${data.nRows}`, { role });
  for (let i = 0; i < data.nRows; i += 1) {
    const target = data.y[i];
    const valid = Number.isFinite(target) && (objective === 'squared' || (objective === 'logistic' ? target === 0 || target === 1 : target >= 0));
    if (!valid) throw new FleetcastError('FC_ERR_TRAIN_INVALID_INPUT', `${role} target at row ${i} is ${target}, invalid for objective ${objective}`, { role, row: i });
  }
}

/** Checks that feature names match the column count (they become the bundle's input schema). */
export function checkFeatureNames(featureNames: readonly string[], nFeatures: number): void {
  if (!Number.isInteger(nFeatures) || nFeatures < 1 || featureNames.length !== nFeatures) {
    throw new FleetcastError('FC_ERR_TRAIN_INVALID_INPUT', `${featureNames.length} feature names for ${nFeatures} features`);
  }
}

/** Parses learner parameters with zod; a bad value becomes FC_ERR_TRAIN_INVALID_PARAMS listing the issues. */
export function parseParams<Schema extends z.ZodTypeAny>(schema: Schema, params: unknown): z.output<Schema> {
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new FleetcastError('FC_ERR_TRAIN_INVALID_PARAMS', issues.join('; '), { issues });
  }
  return parsed.data;
}
