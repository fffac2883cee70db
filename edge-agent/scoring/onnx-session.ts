import * as ort from 'onnxruntime-node';
import { appliedProfileRuntime } from '../config/profile.js';

// onnxruntime 1.2x starts a telemetry system at its first session and writes a device id and a
// SQLite file under ~/.cache/Microsoft/DeveloperTools (issue #9 finding 9). It reads this
// variable from the real process environment when it initialises: set here, on the main thread
// before any session exists, and in worker threads spawned with `env: SHARE_ENV` (a worker's
// own `process.env` is a copy that native code never sees).
process.env.ORT_DISABLE_TELEMETRY = '1';

/**
 * The agent's one set of session options (serving on both threads and the golden-sample check
 * use the same, so a golden check measures exactly what will serve): one intra-op thread,
 * because forecast batches are small and a pool's wake-up costs more than it saves at batch 1
 * (bench/score); sequential execution; full graph optimisation; no CPU memory arena, which
 * keeps the largest batch's buffers for the session's life — a store model's tensors are a
 * few KB, so plain allocation costs nothing measurable while resident memory stays flat after
 * a burst (issue #15 "Agent footprint", bench/footprint).
 */
export const AGENT_SESSION_OPTIONS: Readonly<ort.InferenceSession.SessionOptions> = Object.freeze({ intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', enableCpuMemArena: false });

/**
 * The agent's only way to create an onnxruntime session (issue #9: one factory, telemetry off);
 * the hardware profile's thread and execution options, when one is applied, win (issue #16).
 */
export function createAgentSession(modelPath: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, { ...AGENT_SESSION_OPTIONS, ...appliedProfileRuntime()?.onnxruntime });
}

export { ort };
