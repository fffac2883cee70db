import type { TrainedModel } from '../models/trained-model.js';
import { gbdtToOnnx } from './gbdt-to-onnx.js';
import { linearToOnnx } from './linear-to-onnx.js';
import { mlpToOnnx } from './mlp-to-onnx.js';

/** fp32 ONNX bytes of any trained model (input `features` [N, F], output `prediction` [N, 1]). */
export function exportToOnnx(model: TrainedModel, docString = ''): Uint8Array {
  switch (model.kind) {
    case 'gbdt':
      return gbdtToOnnx(model, docString);
    case 'linear':
      return linearToOnnx(model, docString);
    case 'mlp':
      return mlpToOnnx(model, { docString });
  }
}
