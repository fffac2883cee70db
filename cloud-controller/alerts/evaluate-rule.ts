import type { MetricSource, MetricWindow } from './metric-source.js';
import type { AlertRule, AlertView } from './schema.js';

/** A rule's verdict on one subject: breached (open or keep the alert) or clear (auto-resolve). */
export interface RuleVerdict {
  subject: string;
  breached: boolean;
  evidence: AlertView['evidence'];
}

const DAY_MS = 86_400_000;

function breaches(rule: AlertRule, value: number): boolean {
  return rule.comparison === 'above' ? value >= rule.threshold : value <= rule.threshold;
}

/**
 * Evaluates a rule over every subject of its level: the last `windows` qualifying windows
 * (a value, and at least `minSamples` samples) must all breach. Subjects with fewer qualifying
 * windows than that get no verdict, so sparse data neither opens nor resolves an alert.
 */
export function evaluateRule(rule: AlertRule, source: MetricSource, now: Date): RuleVerdict[] {
  const since = new Date(now.getTime() - rule.lookbackDays * DAY_MS).toISOString().slice(0, 10);
  const verdicts: RuleVerdict[] = [];
  for (const [subject, windows] of source.series(rule.metric, { level: rule.level, model: rule.model, since })) {
    const qualifying = windows.filter((window): window is MetricWindow & { value: number } => window.value !== null && window.n >= rule.minSamples).slice(-rule.windows);
    if (qualifying.length < rule.windows) continue;
    verdicts.push({
      subject,
      breached: qualifying.every((window) => breaches(rule, window.value)),
      evidence: { metric: rule.metric, threshold: rule.threshold, comparison: rule.comparison, windows: qualifying },
    });
  }
  return verdicts;
}
