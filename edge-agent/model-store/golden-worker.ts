import { parentPort, workerData } from 'node:worker_threads';
import { createAgentSession, ort } from '../scoring/onnx-session.js';
import type { GoldenJob, GoldenJobResult } from './golden-protocol.js';

/**
 * One staging smoke test on its own thread: session creation and `session.run` stay off the
 * thread that runs the embedded POS broker (house rule; issue #5 "Scoring").
 */
async function runJob(job: GoldenJob): Promise<GoldenJobResult> {
  let session: ort.InferenceSession;
  try {
    session = await createAgentSession(job.modelPath);
  } catch (error) {
    return { ok: false, message: `load: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const n = job.rows.length / job.width;
    const result = await session.run({ [job.inputName]: new ort.Tensor('float32', job.rows, [n, job.width]) }, [job.outputName]);
    const output = result[job.outputName];
    if (!output || output.type !== 'float32' || output.data.length !== n) return { ok: false, message: `run: output ${job.outputName} is not float32 with one value per row` };
    return { ok: true, outputs: Float32Array.from(output.data as Float32Array) };
  } catch (error) {
    return { ok: false, message: `run: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await session.release();
  }
}

parentPort?.postMessage(await runJob(workerData as GoldenJob));
