import type { AbortCriteria, SuccessCriteria } from './spec.js';
import type { WaveEvidence } from './evidence.js';

/** A gate's answer with the reasons that decided it. */
export interface Verdict {
  verdict: 'fail' | 'pass' | 'wait';
  reasons: string[];
}

/** Whether the WAPE comparison has enough matched forecasts on both sides to be judged. */
function wapeJudgeable(evidence: WaveEvidence, success: SuccessCriteria): boolean {
  const { candidate, champion } = evidence.accuracy;
  return evidence.accuracy.wapeRatio !== null && candidate.n >= success.minActuals && (champion?.n ?? 0) >= success.minActuals;
}

/**
 * Criteria that stop a rollout at any time (issue #13): install failures above the abort
 * threshold once enough devices executed, and any quality criterion the evidence already breaks.
 * A criterion without evidence yet (no requests, no heartbeat, too few actuals) does not fail.
 */
export function failedGates(evidence: WaveEvidence, success: SuccessCriteria, abort: AbortCriteria): string[] {
  const reasons: string[] = [];
  const { install } = evidence;
  if (install.executed >= abort.minExecuted && install.failurePercent !== null && install.failurePercent > abort.maxFailurePercent) {
    reasons.push(`install failures ${install.failed}/${install.executed} (${install.failurePercent.toFixed(1)}%) > ${abort.maxFailurePercent}%`);
  }
  if (success.maxScoringErrorRate !== undefined && evidence.scoring.errorRate !== null && evidence.scoring.errorRate > success.maxScoringErrorRate) {
    reasons.push(`scoring error rate ${evidence.scoring.errorRate.toFixed(4)} > ${success.maxScoringErrorRate}`);
  }
  if (success.maxP99LatencyMs !== undefined && evidence.p99LatencyMs !== null && evidence.p99LatencyMs > success.maxP99LatencyMs) {
    reasons.push(`p99 scoring latency ${evidence.p99LatencyMs} ms > ${success.maxP99LatencyMs} ms`);
  }
  if (success.maxDriftPsi !== undefined && evidence.driftPsi !== null && evidence.driftPsi > success.maxDriftPsi) {
    reasons.push(`prediction drift PSI ${evidence.driftPsi.toFixed(3)} > ${success.maxDriftPsi}`);
  }
  const ratio = evidence.accuracy.wapeRatio;
  if (success.maxWapeRatio !== undefined && ratio !== null && wapeJudgeable(evidence, success) && ratio > success.maxWapeRatio) {
    reasons.push(`WAPE ${ratio.toFixed(3)}× the champion's > ${success.maxWapeRatio}× (n=${evidence.accuracy.candidate.n} vs ${evidence.accuracy.champion?.n ?? 0})`);
  }
  return reasons;
}

/** Whether every device of the wave executed and enough of them committed for the bake to start. */
export function waveExecuted(evidence: WaveEvidence, minDevices: number): boolean {
  return evidence.wave.working === 0 && evidence.wave.devices > 0 && evidence.wave.committed >= Math.min(minDevices, evidence.wave.devices);
}

/** The wave's judgement once its bake time is over: pass, or wait for actuals the spec requires. */
export function bakeVerdict(evidence: WaveEvidence, success: SuccessCriteria, abort: AbortCriteria): Verdict {
  const failed = failedGates(evidence, success, abort);
  if (evidence.install.successPercent !== null && evidence.install.successPercent < success.minInstallSuccessPercent) {
    failed.push(`install success ${evidence.install.successPercent.toFixed(1)}% < ${success.minInstallSuccessPercent}%`);
  }
  if (failed.length > 0) return { verdict: 'fail', reasons: failed };
  const notes: string[] = [];
  if (success.maxWapeRatio !== undefined && !wapeJudgeable(evidence, success)) {
    const note = `WAPE not judged yet (n=${evidence.accuracy.candidate.n} vs ${evidence.accuracy.champion?.n ?? 0}, need ${success.minActuals} each)`;
    if (success.requireActuals) return { verdict: 'wait', reasons: [note] };
    notes.push(note);
  }
  return { verdict: 'pass', reasons: ['every criterion met', ...notes] };
}
