/**
 * Versions both sides compare. `wire` is the `v` of every envelope (additive changes only
 * within a major, docs/protocol.md); `agentVersion` is what the agent reports in its birth
 * message and what bundles' `minAgentVersion` is checked against.
 */
export const PROTOCOL_VERSION = {
  wire: 1,
  agentVersion: '0.1.0',
} as const;
