import type { Link } from '../models/trained-model.js';
import { attr, node, OUTPUT_NAME, type GraphParts } from './onnx-builder.js';

/** ONNX TensorProto.DataType values used as Cast targets. */
const FLOAT = 1;
const DOUBLE = 11;

/**
 * Appends the link (raw score → prediction) as the last nodes, writing `prediction`:
 * identity (squared error), Exp (Poisson/Tweedie log link), Sigmoid (logistic). Non-identity
 * links run in double: onnxruntime's float32 Sigmoid is a fast approximation that is off by
 * ~4e-5 relative for small probabilities (a stockout run failed parity on it, issue #4).
 */
export function appendLink(parts: GraphParts, rawScore: string, link: Link): void {
  if (link === 'identity') {
    parts.nodes.push(node('Identity', [rawScore], [OUTPUT_NAME]));
    return;
  }
  parts.nodes.push(
    node('Cast', [rawScore], ['raw_score_f64'], [attr.int('to', DOUBLE)]),
    node(link === 'exp' ? 'Exp' : 'Sigmoid', ['raw_score_f64'], ['prediction_f64']),
    node('Cast', ['prediction_f64'], [OUTPUT_NAME], [attr.int('to', FLOAT)]),
  );
}
