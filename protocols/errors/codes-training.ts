/** Training, tuning and run tracking (issue #3). */
export const trainingErrors = {
  FC_ERR_TRAIN_INVALID_INPUT: { message: 'Training data is malformed (shape mismatch, no rows, or targets outside the objective domain)', exitCode: 65 },
  FC_ERR_TRAIN_INVALID_PARAMS: { message: 'Invalid learner parameters', exitCode: 64 },
  FC_ERR_TRAIN_WORKER_FAILED: { message: 'A training worker thread failed', exitCode: 70 },
  FC_ERR_PREDICT_INVALID_INPUT: { message: 'Prediction input does not match the model (value count or feature count)', exitCode: 65 },
  FC_ERR_UNKNOWN_STORE: { message: 'Store is not in the model vocabulary', exitCode: 65 },
  FC_ERR_UNKNOWN_ITEM: { message: 'Item is not in the model vocabulary', exitCode: 65 },
  FC_ERR_FEATURE_SPEC_INVALID: { message: 'Feature spec is invalid (e.g. a lag shorter than the horizon)', exitCode: 78 },
  FC_ERR_FEATURE_INVALID_DATE: { message: 'Date is not a valid calendar day (YYYY-MM-DD)', exitCode: 65 },
  FC_ERR_TRAIN_TOO_LITTLE_HISTORY: { message: 'Not enough days of history for the holdout and cross-validation folds', exitCode: 65 },
  FC_ERR_TRAIN_LEARNER_UNAVAILABLE: { message: 'The requested learner is not available in this build', exitCode: 64 },
  FC_ERR_RUN_NOT_FOUND: { message: 'No tracked run with that id', exitCode: 66 },
  FC_ERR_RUN_ARTIFACT_MISSING: { message: 'A tracked run artifact is missing or unreadable', exitCode: 66 },
  FC_ERR_RUN_WORSE_THAN_BASELINE: { message: 'The run forecasts worse than a baseline (seasonal naive or 28-day moving average) on its holdout; not packaged without --allow-worse-than-baseline', exitCode: 65 },
  FC_ERR_RUNS_DB_FAILED: { message: 'The experiment-tracking database cannot be opened or written', exitCode: 74 },
} as const;
