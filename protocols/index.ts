// The contract both sides share (DESIGN "Top-level layout"): nothing here imports other folders.
export * from './errors/index.js';
export * from './ids.js';
export * from './topics.js';
export * from './envelope.js';
export * from './version.js';
export * from './update-states.js';
export * from './messages/index.js';
export * from './messages/decode.js';
export * from './messages/topic-schemas.js';
export * from './messages/envelope-factory.js';
export * from './features/spec.js';
export * from './bundle/manifest.js';
export * from './data/sales-row.js';
export * from './data/sales-date.js';
export * from './paths.js';
