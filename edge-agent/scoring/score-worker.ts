import { parentPort } from 'node:worker_threads';
import { createAgentSession, ort } from './onnx-session.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/**
 * onnxruntime on its own thread (issue #5 "Scoring"): `session.run` and session creation never
 * block the thread that runs the embedded POS broker. The engine supervises this thread
 * (score-engine.ts) and, after a crash, loads the serving models again in a fresh one.
 */
interface LoadedModel {
  session: ort.InferenceSession;
  inputName: string;
  outputName: string;
  width: number;
}

/** Models by token, as promises: a run that arrives while its model still loads waits for it. */
const models = new Map<number, Promise<LoadedModel>>();
const port = parentPort;
if (!port) throw new Error('score-worker must run as a worker thread');

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function load(request: Extract<WorkerRequest, { type: 'load' }>): void {
  const loading = createAgentSession(request.modelPath).then((session) => ({ session, inputName: request.inputName, outputName: request.outputName, width: request.width }));
  models.set(request.token, loading);
  loading.then(
    () => reply({ type: 'loaded', token: request.token }),
    (error: unknown) => {
      models.delete(request.token);
      reply({ type: 'load-failed', token: request.token, message: messageOf(error) });
    },
  );
}

async function run(request: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  try {
    const model = await models.get(request.token);
    if (!model) throw new Error(`model ${request.token} is not loaded`);
    const input = new ort.Tensor('float32', request.data, [request.rows, model.width]);
    const outputs = await model.session.run({ [model.inputName]: input }, [model.outputName]);
    const data = outputs[model.outputName].data as Float32Array;
    const values = Float32Array.from(data.subarray(0, request.rows));
    reply({ type: 'result', id: request.id, values }, [values.buffer as ArrayBuffer]);
  } catch (error) {
    reply({ type: 'run-failed', id: request.id, message: messageOf(error) });
  }
}

async function releaseAll(): Promise<void> {
  const loaded = await Promise.allSettled(models.values());
  models.clear();
  await Promise.allSettled(loaded.map((result) => (result.status === 'fulfilled' ? result.value.session.release() : undefined)));
}

port.on('message', (request: WorkerRequest) => {
  switch (request.type) {
    case 'load':
      load(request);
      break;
    case 'unload': {
      const model = models.get(request.token);
      models.delete(request.token);
      void model?.then((loaded) => loaded.session.release(), () => undefined);
      break;
    }
    case 'run':
      void run(request);
      break;
    case 'shutdown':
      // Release native sessions before the thread ends: terminating a thread that still owns
      // onnxruntime sessions can abort the whole process instead of exiting cleanly.
      void releaseAll().then(() => port.close());
      break;
    default: {
      const unreachable: never = request;
      throw new Error(`unknown worker request ${JSON.stringify(unreachable)}`);
    }
  }
});
