/**
 * The agent's update engine (issue #5 part B). The daemon constructs one `UpdateManager`
 * with the agent's SQLite handle, a `ModelStore`, the trusted keys, its uplink port and a
 * swap hook; calls `resume()` once at start; feeds it `deploy` and `rollback` commands; and
 * calls `flushEvents()` whenever the uplink (re)connects. See docs/agent-updates.md.
 */
export { UpdateManager, type UpdateManagerOptions, type UpdateOutcome } from './update-manager.js';
export { transitionTable, nextState } from './transitions.js';
export { updateEventSchema, updateStateSchema, isAtRest, type UpdateEvent, type UpdateState } from './states.js';
export { deploymentRecordSchema, type DeploymentRecord } from './deployment-record.js';
export { trustedKeysFromConfig } from './trusted-keys.js';
export { TEST_HOLD_ENV, testHoldMarker } from './test-hold.js';
export type { BlobTransferOptions } from './blob-download.js';
export type { HttpTransferOptions } from './http-download.js';
export { prepareAgentUpdates, DEFAULT_KEEP_VERSIONS, modelStoreRoot, agentDbPath, type AgentUpdateParts, type AgentUpdateTuning } from './agent-updates.js';
