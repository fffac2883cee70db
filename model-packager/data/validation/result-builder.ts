import type { ExpectationResult, ExpectationSample } from './report-schema.js';

/** How many offending elements a result lists (the count is always exact). */
export const SAMPLE_SIZE = 5;

/** Collects offending elements for one expectation: an exact count plus the first few. */
export class UnexpectedCollector {
  count = 0;
  readonly sample: ExpectationSample[] = [];

  add(sample: () => ExpectationSample): void {
    this.count += 1;
    if (this.sample.length < SAMPLE_SIZE) this.sample.push(sample());
  }
}

/**
 * Builds a result. With a share threshold the expectation holds while
 * unexpected/elements ≤ threshold (GE's `mostly`, inverted); without one any unexpected fails.
 */
export function buildResult(fields: {
  expectation: string;
  column?: string;
  critical: boolean;
  elementCount: number;
  unexpected: UnexpectedCollector;
  maxShare?: number;
  threshold?: number | string;
  note?: string;
}): ExpectationResult {
  const { unexpected, elementCount, maxShare } = fields;
  const share = elementCount > 0 ? unexpected.count / elementCount : 0;
  const success = maxShare === undefined || maxShare === 0 ? unexpected.count === 0 : share <= maxShare;
  const result: ExpectationResult = {
    expectation: fields.expectation,
    critical: fields.critical,
    success,
    elementCount,
    unexpectedCount: unexpected.count,
    unexpectedPercent: roundPercent(share * 100),
    sample: unexpected.sample,
  };
  if (fields.column !== undefined) result.column = fields.column;
  const threshold = fields.threshold ?? maxShare;
  if (threshold !== undefined) result.threshold = threshold;
  if (fields.note !== undefined) result.note = fields.note;
  return result;
}

function roundPercent(percent: number): number {
  return Math.round(percent * 1e4) / 1e4;
}
