import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/**
 * onnxruntime on its own thread (issue #5 "Scoring"): `session.run` and session creation never
 * block the thread that runs the embedded POS broker. One intra-op thread: forecast batches are
 * small, and a thread pool's wake-up costs more than it saves at batch 1 (bench/score).
 */
interface LoadedModel {
  session: ort.InferenceSession;
  inputName: string;
  outputName: string;
  width: number;
}

const models = new Map<number, LoadedModel>();
const port = parentPort;
if (!port) throw new Error('score-worker must run as a worker thread');

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function load(request: Extract<WorkerRequest, { type: 'load' }>): Promise<void> {
  try {
    const session = await ort.InferenceSession.create(request.modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    models.set(request.token, { session, inputName: request.inputName, outputName: request.outputName, width: request.width });
    reply({ type: 'loaded', token: request.token });
  } catch (error) {
    reply({ type: 'load-failed', token: request.token, message: error instanceof Error ? error.message : String(error) });
  }
}

async function run(request: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  const model = models.get(request.token);
  if (!model) {
    reply({ type: 'run-failed', id: request.id, message: `model ${request.token} is not loaded` });
    return;
  }
  try {
    const input = new ort.Tensor('float32', request.data, [request.rows, model.width]);
    const outputs = await model.session.run({ [model.inputName]: input }, [model.outputName]);
    const data = outputs[model.outputName].data as Float32Array;
    const values = Float32Array.from(data.subarray(0, request.rows));
    reply({ type: 'result', id: request.id, values }, [values.buffer as ArrayBuffer]);
  } catch (error) {
    reply({ type: 'run-failed', id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', (request: WorkerRequest) => {
  switch (request.type) {
    case 'load':
      void load(request);
      break;
    case 'unload': {
      const model = models.get(request.token);
      models.delete(request.token);
      void model?.session.release();
      break;
    }
    case 'run':
      void run(request);
      break;
    case 'shutdown':
      // Release native sessions before the thread ends: terminating a thread that still owns
      // onnxruntime sessions can abort the whole process instead of exiting cleanly.
      void Promise.allSettled([...models.values()].map((model) => model.session.release())).then(() => {
        models.clear();
        port.close();
      });
      break;
    default: {
      const unreachable: never = request;
      throw new Error(`unknown worker request ${JSON.stringify(unreachable)}`);
    }
  }
});
