import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { fromEpochDay, toEpochDay } from '../../../protocols/features/epoch-day.js';
import { emptyCounters, mergeCounters, metricsFromCounters, type AccuracyCounters } from '../../../protocols/metrics/counters.js';
import type { ControllerDb } from '../../storage/db.js';
import { alarmParametersSchema, alarmState, cusumStep, type AlarmParameters, type AlarmParametersInput } from './alarm.js';
import { counterRows, subjectOf, FLEET_SUBJECT, type MonitoringLevel } from './counter-rows.js';
import { referenceLookup } from './reference.js';

/**
 * One window of a subject's accuracy (issue #12), the shape the drift report charts: metrics
 * recomputed from the window's merged counters, and the sequential alarm after the window
 * (`statistic` is the CUSUM value S, `alarm` its state).
 */
export interface AccuracyPoint {
  windowStart: string;
  windowEnd: string;
  n: number;
  wape: number | null;
  bias: number | null;
  rmse: number | null;
  mase: number | null;
  alarm: 'ok' | 'warning' | 'alarm';
  statistic: number;
}

/** What to compute a series for. */
export interface AccuracySeriesQuery {
  level: MonitoringLevel;
  /** Store id or region id; ignored (always `fleet`) at fleet level. */
  subject?: string;
  /** Model name (every version); default every model the stores served. */
  model?: string;
  /** First day included (YYYY-MM-DD or RFC 3339). */
  since?: string;
  /** Alarm parameters (per model / store group from the controller config); defaults otherwise. */
  alarm?: AlarmParametersInput;
}

/** Most windows in one series (with daily windows, almost three years). */
export const MAX_WINDOWS = 1_000;

/** Sums of one window of one subject; every field adds across stores, days and versions. */
interface WindowSums {
  counters: AccuracyCounters;
  /** Σ|e| and Σ|y| of rows whose version has a validation WAPE, and Σ WAPE_val·|y| over them. */
  referencedAbsError: number;
  referencedVolume: number;
  expectedAbsError: number;
  /** Σ|e| of rows whose version has a MASE scale, and Σ n·scale over them. */
  scaledAbsError: number;
  scaleWeight: number;
}

function emptySums(): WindowSums {
  return { counters: emptyCounters(), referencedAbsError: 0, referencedVolume: 0, expectedAbsError: 0, scaledAbsError: 0, scaleWeight: 0 };
}

/**
 * Window score r = WAPE / WAPE_val − 1 where WAPE_val is the validation WAPE of the versions
 * served, weighted by their volume (Σ WAPE_val,v·Σ|y|_v / Σ|y|): additive, so a window that
 * mixes versions after a rollout is judged against what each version promised.
 */
function windowScore(sums: WindowSums, parameters: AlarmParameters): number | null {
  if (sums.counters.n < parameters.minSamples || sums.referencedVolume === 0 || sums.expectedAbsError === 0) return null;
  return sums.referencedAbsError / sums.expectedAbsError - 1;
}

function toPoint(startDay: number, sums: WindowSums, statistic: number, parameters: AlarmParameters): AccuracyPoint {
  const metrics = metricsFromCounters(sums.counters);
  return {
    windowStart: `${fromEpochDay(startDay)}T00:00:00.000Z`,
    windowEnd: `${fromEpochDay(startDay + parameters.windowDays)}T00:00:00.000Z`,
    n: sums.counters.n,
    wape: metrics.wape,
    bias: metrics.bias,
    rmse: metrics.rmse,
    mase: sums.scaleWeight > 0 ? sums.scaledAbsError / sums.scaleWeight : null,
    alarm: alarmState(statistic, parameters),
    statistic,
  };
}

/**
 * Accuracy series of every subject at `level` (issue #12): each stored daily counter is added
 * into its subject's window (counts add; ratios are never averaged), metrics are recomputed from
 * the merged sums, and the CUSUM runs over consecutive windows, empty ones included (they leave
 * it unchanged), at most the last MAX_WINDOWS. `parametersFor` gives each subject its alarm parameters (store-group overrides).
 */
export function accuracySeriesBySubject(
  db: ControllerDb,
  query: Omit<AccuracySeriesQuery, 'subject' | 'alarm'>,
  parametersFor: (subject: string) => AlarmParameters = () => alarmParametersSchema.parse({}),
): Map<string, AccuracyPoint[]> {
  const reference = referenceLookup(db);
  const bySubject = new Map<string, { parameters: AlarmParameters; windows: Map<number, WindowSums> }>();
  for (const row of counterRows(db, { model: query.model, since: query.since })) {
    const subject = subjectOf(row, query.level);
    let entry = bySubject.get(subject);
    if (!entry) {
      entry = { parameters: parametersFor(subject), windows: new Map() };
      bySubject.set(subject, entry);
    }
    const start = Math.floor(toEpochDay(row.day) / entry.parameters.windowDays) * entry.parameters.windowDays;
    const sums = entry.windows.get(start) ?? emptySums();
    entry.windows.set(start, sums);
    sums.counters = mergeCounters([sums.counters, row]);
    const { wape, maseScale } = reference(row.model, row.version);
    if (wape !== null) {
      sums.referencedAbsError += row.sumAbsError;
      sums.referencedVolume += row.sumAbsActual;
      sums.expectedAbsError += wape * row.sumAbsActual;
    }
    if (maseScale !== null) {
      sums.scaledAbsError += row.sumAbsError;
      sums.scaleWeight += row.n * maseScale;
    }
  }
  const series = new Map<string, AccuracyPoint[]>();
  for (const [subject, { parameters, windows }] of [...bySubject].sort(([a], [b]) => a.localeCompare(b))) {
    const starts = [...windows.keys()];
    const last = Math.max(...starts);
    // A device clock far off (or a bad day) must not make a series of decades of empty windows.
    const first = Math.max(Math.min(...starts), last - (MAX_WINDOWS - 1) * parameters.windowDays);
    const points: AccuracyPoint[] = [];
    let statistic = 0;
    for (let start = first; start <= last; start += parameters.windowDays) {
      const sums = windows.get(start) ?? emptySums();
      statistic = cusumStep(statistic, windowScore(sums, parameters), parameters);
      points.push(toPoint(start, sums, statistic, parameters));
    }
    series.set(subject, points);
  }
  return series;
}

/**
 * The accuracy series of one store, region or the fleet (issue #12), oldest window first; empty
 * when nothing was reported. A store or region level query must name its subject.
 */
export function accuracySeries(db: ControllerDb, query: AccuracySeriesQuery): AccuracyPoint[] {
  const subject = query.level === 'fleet' ? FLEET_SUBJECT : query.subject;
  if (subject === undefined) throw new FleetcastError('FC_ERR_INVALID_REQUEST', `a ${query.level} accuracy series needs a subject`, { level: query.level });
  const parameters = alarmParametersSchema.parse(query.alarm ?? {});
  return accuracySeriesBySubject(db, query, () => parameters).get(subject) ?? [];
}
