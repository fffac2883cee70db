/** Training, tuning and run tracking (issue #3). */
export const trainingErrors = {
  FC_ERR_TRAIN_INVALID_INPUT: { message: 'Training data is malformed (shape mismatch, no rows, or targets outside the objective domain)', exitCode: 65 },
  FC_ERR_TRAIN_INVALID_PARAMS: { message: 'Invalid learner parameters', exitCode: 64 },
  FC_ERR_TRAIN_WORKER_FAILED: { message: 'A training worker thread failed', exitCode: 70 },
  FC_ERR_PREDICT_INVALID_INPUT: { message: 'Prediction input does not match the model (value count or feature count)', exitCode: 65 },
} as const;
