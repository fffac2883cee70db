/** Metric formulas shared by training, the edge agent and the controller (issue #3). */
export * from './regression.js';
export * from './counters.js';
export * from './classification.js';
