import * as ort from 'onnxruntime-node';

// onnxruntime 1.2x starts a telemetry system at its first session and writes a device id and a
// SQLite file under ~/.cache/Microsoft/DeveloperTools (issue #9 finding 9). It reads this
// variable from the real process environment, so the worker that imports this module is
// spawned with `env: SHARE_ENV` (a worker's own `process.env` is a copy native code never sees).
process.env.ORT_DISABLE_TELEMETRY = '1';

/** The controller's session options: one thread per session, sequential; predict runs on one worker thread. */
const CONTROLLER_SESSION_OPTIONS: Readonly<ort.InferenceSession.SessionOptions> = Object.freeze({ intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });

/** The controller's only way to create an onnxruntime session (issue #9: one factory per side, telemetry off). */
export function createControllerSession(model: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, { ...CONTROLLER_SESSION_OPTIONS });
}

export { ort };
