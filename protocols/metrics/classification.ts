/**
 * Binary-target metrics (issue #3, e.g. `--target stockout`): labels are 0/1, scores are
 * probabilities; precision/recall/F1 at `threshold` (score ≥ threshold → positive), AUC
 * threshold-free (Mann–Whitney U with average ranks for ties).
 */
type Values = ArrayLike<number>;

export interface BinaryMetrics {
  precision: number;
  recall: number;
  f1: number;
  auc: number;
  /** Fraction of positive labels. */
  positiveRate: number;
}

/** Precision, recall, F1 at a threshold; 0 where a denominator is 0 (scikit-learn's zero_division=0). */
export function thresholdMetrics(labels: Values, scores: Values, threshold = 0.5): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const positive = scores[i] >= threshold;
    if (positive && labels[i] === 1) tp += 1;
    else if (positive) fp += 1;
    else if (labels[i] === 1) fn += 1;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Area under the ROC curve; NaN when only one class is present. */
export function auc(labels: Values, scores: Values): number {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPositive = 0;
  let positives = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j += 1;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) {
      if (labels[order[k]] === 1) {
        rankSumPositive += averageRank;
        positives += 1;
      }
    }
    i = j + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean log loss −[y·ln p + (1−y)·ln(1−p)], probabilities clipped to [1e−15, 1 − 1e−15] as scikit-learn does. */
export function logLoss(labels: Values, probabilities: Values): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i]));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/** All binary metrics at once. */
export function binaryMetrics(labels: Values, scores: Values, threshold = 0.5): BinaryMetrics {
  let positives = 0;
  for (let i = 0; i < labels.length; i += 1) positives += labels[i] === 1 ? 1 : 0;
  return { ...thresholdMetrics(labels, scores, threshold), auc: auc(labels, scores), positiveRate: positives / labels.length };
}
