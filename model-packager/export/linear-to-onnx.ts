import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { LinearModel } from '../models/trained-model.js';
import { appendLink } from './link-nodes.js';
import { buildModel, floatTensor, node, type GraphParts } from './onnx-builder.js';
import { appendStandardisation } from './standardise-nodes.js';

/**
 * Linear model → impute NaN → Sub(mean) → Div(std) → MatMul(coefficients) → Add(intercept) → link. The
 * standardisation stays explicit in the graph (not folded into the weights) so float32
 * rounding follows the in-process order of operations.
 */
export function linearToOnnx(model: LinearModel, docString = ''): Uint8Array {
  const f = model.featureNames.length;
  if (model.inputMean.length !== f || model.inputStd.length !== f || model.coefficients.length !== f || (model.inputImpute !== undefined && model.inputImpute.length !== f)) {
    throw new FleetcastError('FC_ERR_EXPORT_MODEL_INVALID', 'mean/std/coefficients must have one entry per feature');
  }
  const parts: GraphParts = { nodes: [], initializers: [] };
  appendStandardisation(parts, model, 'standardised');
  parts.nodes.push(node('MatMul', ['standardised', 'coefficients'], ['weighted']), node('Add', ['weighted', 'intercept'], ['raw_score']));
  parts.initializers.push(floatTensor('coefficients', [f, 1], model.coefficients), floatTensor('intercept', [1], [model.intercept]));
  appendLink(parts, 'raw_score', model.link);
  return buildModel(parts, f, { graphName: 'fleetcast_linear', docString });
}
