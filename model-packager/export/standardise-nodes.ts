import type { LinearModel, MlpModel } from '../models/trained-model.js';
import { floatTensor, INPUT_NAME, node, type GraphParts } from './onnx-builder.js';

/** The per-feature value a missing (NaN) input becomes, as `predictModel` imputes it. */
export function imputeValues(model: MlpModel | LinearModel): number[] {
  return model.inputImpute ?? model.inputMean;
}

/**
 * Appends Where(IsNaN(x), impute, x) → Sub(mean) → Div(std), writing `output`. Missing values
 * are imputed before standardisation exactly as `predictModel` does (issue #3), so NaN inputs
 * give the same prediction in onnxruntime as in process.
 */
export function appendStandardisation(parts: GraphParts, model: MlpModel | LinearModel, output: string): void {
  const f = model.featureNames.length;
  parts.initializers.push(floatTensor('input_impute', [f], imputeValues(model)), floatTensor('input_mean', [f], model.inputMean), floatTensor('input_std', [f], model.inputStd));
  parts.nodes.push(
    node('IsNaN', [INPUT_NAME], ['input_missing']),
    node('Where', ['input_missing', 'input_impute', INPUT_NAME], ['imputed']),
    node('Sub', ['imputed', 'input_mean'], ['centred']),
    node('Div', ['centred', 'input_std'], [output]),
  );
}
