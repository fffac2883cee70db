/**
 * Registry API for the rest of the controller: `new Registry(db, options)`, then
 * `getModelVersion(name, version | stage | alias)` → { bundlePath, sha256, size, manifest, … }.
 */
export { Registry, type RegistryOptions } from './registry.js';
export {
  stageSchema, aliasNameSchema, modelVersionSchema, resolvedModelVersionSchema, historyEntrySchema, approvalRequestSchema,
  type Stage, type ModelVersion, type ResolvedModelVersion, type HistoryEntry, type ApprovalRequest, type PromotionResult,
} from './schema.js';
