/** Training, tuning and run tracking (issue #3). */
export const trainingErrors = {
} as const;
