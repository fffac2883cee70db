import type { ControllerDb } from '../../storage/db.js';
import { createRegistryTables } from '../../registry/tables.js';

/** Validation figures of one registered version (its manifest's `metrics.model`). */
export interface ValidationReference {
  /** Holdout WAPE the bundle was shipped with; null when the manifest has none. */
  wape: number | null;
  /** MASE scale (in-sample seasonal-naive MAE) = MAE / MASE of the holdout; null without both. */
  maseScale: number | null;
}

/**
 * Looks up validation figures by `name@version`, once per version: the window scores compare
 * a store's live accuracy with what the model promised when it was packaged (issue #12).
 */
export function referenceLookup(db: ControllerDb): (model: string, version: number) => ValidationReference {
  createRegistryTables(db);
  const select = db.prepare("SELECT json_extract(manifest, '$.metrics.model') AS metrics FROM model_versions WHERE name = ? AND version = ?");
  const cache = new Map<string, ValidationReference>();
  return (model, version) => {
    const key = `${model}@${version}`;
    let reference = cache.get(key);
    if (!reference) {
      const row = select.get(model, version) as { metrics: string | null } | undefined;
      const metrics = row?.metrics ? (JSON.parse(row.metrics) as Record<string, number>) : {};
      const positive = (value: number | undefined): number | null => (typeof value === 'number' && value > 0 ? value : null);
      const mae = positive(metrics.mae);
      const mase = positive(metrics.mase);
      reference = { wape: positive(metrics.wape), maseScale: mae !== null && mase !== null ? mae / mase : null };
      cache.set(key, reference);
    }
    return reference;
  };
}
