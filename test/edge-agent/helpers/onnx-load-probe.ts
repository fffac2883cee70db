import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { ScoreEngine } from '../../../edge-agent/scoring/score-engine.js';
import { loadModelDirectory } from '../../../edge-agent/scoring/directory-model-source.js';
import { OnnxWorkerClient } from '../../../cloud-controller/predict/onnx-client.js';

/**
 * Child process of the telemetry test: loads the model in `argv[2]` through the agent's engine
 * (main thread and worker) and the controller's predict worker, then prints `loaded`.
 */
const model = loadModelDirectory(process.argv[2]);
const engine = new ScoreEngine(pino({ level: 'silent' }));
await engine.swap(model);
await engine.close();
const client = new OnnxWorkerClient();
const { input, output, featureSpec } = model.manifest;
await client.load('probe', readFileSync(model.modelPath), { inputName: input.name, outputName: output.name, width: input.features.length, featureSpec });
await client.close();
process.stdout.write('loaded');
