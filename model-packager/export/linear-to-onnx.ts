import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { LinearModel } from '../models/trained-model.js';
import { appendLink } from './link-nodes.js';
import { buildModel, floatTensor, INPUT_NAME, node, type GraphParts } from './onnx-builder.js';

/**
 * Linear model → Sub(mean) → Div(std) → MatMul(coefficients) → Add(intercept) → link. The
 * standardisation stays explicit in the graph (not folded into the weights) so float32
 * rounding follows the in-process order of operations.
 */
export function linearToOnnx(model: LinearModel, docString = ''): Uint8Array {
  const f = model.featureNames.length;
  if (model.inputMean.length !== f || model.inputStd.length !== f || model.coefficients.length !== f) {
    throw new FleetcastError('FC_ERR_EXPORT_MODEL_INVALID', 'mean/std/coefficients must have one entry per feature');
  }
  const parts: GraphParts = {
    nodes: [
      node('Sub', [INPUT_NAME, 'input_mean'], ['centred']),
      node('Div', ['centred', 'input_std'], ['standardised']),
      node('MatMul', ['standardised', 'coefficients'], ['weighted']),
      node('Add', ['weighted', 'intercept'], ['raw_score']),
    ],
    initializers: [
      floatTensor('input_mean', [f], model.inputMean),
      floatTensor('input_std', [f], model.inputStd),
      floatTensor('coefficients', [f, 1], model.coefficients),
      floatTensor('intercept', [1], [model.intercept]),
    ],
  };
  appendLink(parts, 'raw_score', model.link);
  return buildModel(parts, f, { graphName: 'fleetcast_linear', docString });
}
