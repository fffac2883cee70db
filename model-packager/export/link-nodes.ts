import type { Link } from '../models/trained-model.js';
import { node, OUTPUT_NAME, type GraphParts } from './onnx-builder.js';

/**
 * Appends the link (raw score → prediction) as the last node, writing `prediction`:
 * identity (squared error), Exp (Poisson/Tweedie log link), Sigmoid (logistic).
 */
export function appendLink(parts: GraphParts, rawScore: string, link: Link): void {
  const opType = link === 'exp' ? 'Exp' : link === 'sigmoid' ? 'Sigmoid' : 'Identity';
  parts.nodes.push(node(opType, [rawScore], [OUTPUT_NAME]));
}
