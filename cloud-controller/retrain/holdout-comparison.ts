import type { SalesRow } from '../../protocols/data/sales-row.js';
import { wape } from '../../protocols/metrics/regression.js';
import { predictModel } from '../../model-packager/models/predict.js';
import { buildTrainingDataset } from '../../model-packager/train/dataset.js';
import type { RunForPackaging } from '../../model-packager/tracking/index.js';

/** Champion and candidate on one holdout: the same rows, each through its own feature spec. */
export interface HoldoutComparison {
  rows: number;
  fromDay: string;
  championWape: number;
  candidateWape: number;
}

const keyOf = (row: SalesRow): string => `${row.store}\u0000${row.item}\u0000${row.date}`;

/** Predictions of a run's model on the rows of the last `holdoutDays` days, by row key. */
function holdoutPredictions(run: RunForPackaging, rows: readonly SalesRow[], fromDay: string): Map<string, { actual: number; predicted: number }> {
  const dataset = buildTrainingDataset(rows, run.featureSpec, 'units');
  const predicted = predictModel(run.model, dataset.X, dataset.nRows);
  const out = new Map<string, { actual: number; predicted: number }>();
  dataset.rows.forEach((row, r) => {
    if (row.date >= fromDay) out.set(keyOf(row), { actual: dataset.y[r], predicted: predicted[r] });
  });
  return out;
}

/**
 * Evaluates the champion against the candidate on the candidate's holdout (the newest
 * `holdoutDays` of the data): the rows both can score, each model with its own features,
 * WAPE of each (issue #12 "evaluated against the champion on the same holdout").
 */
export function compareOnHoldout(champion: RunForPackaging, candidate: RunForPackaging, rows: readonly SalesRow[], holdoutDays: number): HoldoutComparison {
  const last = rows.reduce((max, row) => (row.date > max ? row.date : max), '');
  const fromDay = new Date(Date.parse(`${last}T00:00:00Z`) - (holdoutDays - 1) * 86_400_000).toISOString().slice(0, 10);
  const championPredictions = holdoutPredictions(champion, rows, fromDay);
  const candidatePredictions = holdoutPredictions(candidate, rows, fromDay);
  const actual: number[] = [];
  const championValues: number[] = [];
  const candidateValues: number[] = [];
  for (const [key, value] of candidatePredictions) {
    const other = championPredictions.get(key);
    if (!other) continue;
    actual.push(value.actual);
    candidateValues.push(value.predicted);
    championValues.push(other.predicted);
  }
  return { rows: actual.length, fromDay, championWape: wape(actual, championValues), candidateWape: wape(actual, candidateValues) };
}
