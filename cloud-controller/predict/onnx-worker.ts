import { parentPort } from 'node:worker_threads';
import { createControllerSession, ort } from './onnx-session.js';
import { isFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { buildFeatureMatrix } from '../../protocols/features/build-features.js';
import { SalesHistory } from '../../protocols/features/sales-history.js';
import type { FeatureSpec } from '../../protocols/features/spec.js';
import type { OnnxWorkerReply, OnnxWorkerRequest } from './onnx-worker-protocol.js';

/**
 * onnxruntime (and, for API requests, feature building) on its own thread: the controller
 * process runs the embedded aedes broker on its main thread, and house rules keep
 * `session.run` and other heavy CPU off any thread that runs a broker.
 */
interface Session {
  session: ort.InferenceSession;
  inputName: string;
  outputName: string;
  width: number;
  featureSpec: FeatureSpec;
}

const sessions = new Map<string, Session>();
const port = parentPort;
if (!port) throw new Error('onnx-worker must run as a worker thread');

function reply(message: OnnxWorkerReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function load(request: Extract<OnnxWorkerRequest, { type: 'load' }>): Promise<void> {
  try {
    const session = await createControllerSession(request.model);
    sessions.set(request.key, { session, inputName: request.inputName, outputName: request.outputName, width: request.width, featureSpec: request.featureSpec });
    reply({ type: 'loaded', key: request.key });
  } catch (error) {
    reply({ type: 'load-failed', key: request.key, message: error instanceof Error ? error.message : String(error) });
  }
}

/** Scores a request; feature rows come ready-made (`run`) or are built here from rows + history (`predict`). */
async function score(request: Extract<OnnxWorkerRequest, { type: 'run' | 'predict' }>): Promise<void> {
  const loaded = sessions.get(request.key);
  if (!loaded) {
    reply({ type: 'run-failed', id: request.id, message: `model ${request.key} is not loaded` });
    return;
  }
  try {
    const features = request.type === 'run'
      ? { matrix: request.data, nRows: request.rows }
      : buildFeatureMatrix(loaded.featureSpec, SalesHistory.fromRows(request.history), request.rows);
    const input = new ort.Tensor('float32', features.matrix, [features.nRows, loaded.width]);
    const outputs = await loaded.session.run({ [loaded.inputName]: input }, [loaded.outputName]);
    const values = Float32Array.from((outputs[loaded.outputName].data as Float32Array).subarray(0, features.nRows));
    reply({ type: 'result', id: request.id, values }, [values.buffer as ArrayBuffer]);
  } catch (error) {
    const coded = isFleetcastError(error) ? { code: error.code, details: error.details } : {};
    reply({ type: 'run-failed', id: request.id, message: error instanceof Error ? error.message : String(error), ...coded });
  }
}

async function unload(key: string): Promise<void> {
  const loaded = sessions.get(key);
  sessions.delete(key);
  await loaded?.session.release();
}

port.on('message', (request: OnnxWorkerRequest) => {
  if (request.type === 'load') void load(request);
  else if (request.type === 'unload') void unload(request.key);
  else void score(request);
});
