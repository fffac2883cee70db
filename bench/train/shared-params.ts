/**
 * Hyper-parameters given to both learners (issue #3 bench): 300 rounds, depth 6, learning
 * rate 0.1, 255 value bins (+1 missing bin; XGBoost `max_bin=256`), λ = 1, min child
 * weight 1, no subsampling, no early stopping. Written out field by field so the Python side
 * receives the same numbers through argv.
 */
export const benchParams = {
  rounds: 300,
  maxDepth: 6,
  learningRate: 0.1,
  maxBins: 255,
  lambda: 1,
  minChildWeight: 1,
} as const;

/** The result line both runner processes print on stdout (JSON). */
export interface RunnerResult {
  learner: string;
  /** Seconds spent in training, including binning (ours) or DMatrix construction (XGBoost). */
  fitSeconds: number;
  /** CPU seconds (user + system, all threads) spent in the same span: less sensitive to other load than wall time. */
  fitCpuSeconds: number;
  /** RMSE on the held-out rows. */
  holdoutRmse: number;
  /** Peak resident set size of the runner process in MiB (getrusage ru_maxrss). */
  peakRssMiB: number;
  trees: number;
}
