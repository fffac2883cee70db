import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { OnnxWorkerReply, OnnxWorkerRequest } from './onnx-worker-protocol.js';

/**
 * onnxruntime on its own thread: the controller process runs the embedded aedes broker on
 * its main thread, and house rules keep `session.run` off any thread that runs a broker.
 */
interface Session {
  session: ort.InferenceSession;
  inputName: string;
  outputName: string;
  width: number;
}

const sessions = new Map<string, Session>();
const port = parentPort;
if (!port) throw new Error('onnx-worker must run as a worker thread');

function reply(message: OnnxWorkerReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function load(request: Extract<OnnxWorkerRequest, { type: 'load' }>): Promise<void> {
  try {
    const session = await ort.InferenceSession.create(request.model, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    sessions.set(request.key, { session, inputName: request.inputName, outputName: request.outputName, width: request.width });
    reply({ type: 'loaded', key: request.key });
  } catch (error) {
    reply({ type: 'load-failed', key: request.key, message: error instanceof Error ? error.message : String(error) });
  }
}

async function run(request: Extract<OnnxWorkerRequest, { type: 'run' }>): Promise<void> {
  const loaded = sessions.get(request.key);
  if (!loaded) {
    reply({ type: 'run-failed', id: request.id, message: `model ${request.key} is not loaded` });
    return;
  }
  try {
    const input = new ort.Tensor('float32', request.data, [request.rows, loaded.width]);
    const outputs = await loaded.session.run({ [loaded.inputName]: input }, [loaded.outputName]);
    const values = Float32Array.from((outputs[loaded.outputName].data as Float32Array).subarray(0, request.rows));
    reply({ type: 'result', id: request.id, values }, [values.buffer as ArrayBuffer]);
  } catch (error) {
    reply({ type: 'run-failed', id: request.id, message: error instanceof Error ? error.message : String(error) });
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
  else void run(request);
});
