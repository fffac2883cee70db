import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { GbdtModel, Tree } from '../models/trained-model.js';
import { appendLink } from './link-nodes.js';
import { attr, buildModel, doubleTensor, INPUT_NAME, node, type GraphParts } from './onnx-builder.js';

/** ONNX TensorProto.DataType.DOUBLE, the Cast target of the tree input. */
const DOUBLE = 11;

/** Throws FC_ERR_EXPORT_MODEL_INVALID unless a tree's flat arrays describe a valid tree. */
function checkTree(tree: Tree, index: number, featureCount: number): void {
  const n = tree.feature.length;
  const lengths = [tree.threshold.length, tree.left.length, tree.right.length, tree.missingGoesLeft.length, tree.value.length];
  if (n === 0 || lengths.some((length) => length !== n)) throw new FleetcastError('FC_ERR_EXPORT_MODEL_INVALID', `tree ${index}: arrays differ in length`, { tree: index });
  for (let i = 0; i < n; i += 1) {
    if (tree.feature[i] === -1) continue;
    const badChild = [tree.left[i], tree.right[i]].some((child) => child <= i || child >= n);
    if (tree.feature[i] >= featureCount || badChild) throw new FleetcastError('FC_ERR_EXPORT_MODEL_INVALID', `tree ${index}, node ${i}: bad feature or child`, { tree: index, node: i });
  }
}

/**
 * GBDT → one ai.onnx.ml TreeEnsembleRegressor (SUM over trees, `base_values` = base score)
 * followed by the link (Exp for Poisson/Tweedie, Sigmoid for logistic). `x <= threshold` is
 * BRANCH_LEQ with the true branch left; `missingGoesLeft` maps to
 * `nodes_missing_value_tracks_true`, so NaN routes exactly as in `predictModel`. The float32
 * input is Cast to double and thresholds, leaves and base score are double tensors
 * (`*_as_tensor`, ai.onnx.ml 3): a float32 x widens exactly, so `x <= threshold` decides as in
 * process, and leaves are summed in double like `predictModel` — with float32 thresholds and
 * sums, hundreds of trees drift by ~1e-5 relative (seen on a logistic run, issue #4).
 */
export function gbdtToOnnx(model: GbdtModel, docString = ''): Uint8Array {
  const featureCount = model.featureNames.length;
  const trees: Tree[] = model.trees.length > 0 ? model.trees : [{ feature: [-1], threshold: [0], left: [-1], right: [-1], missingGoesLeft: [false], value: [0] }];
  trees.forEach((tree, index) => checkTree(tree, index, featureCount));
  const nodes = { treeIds: [] as number[], nodeIds: [] as number[], featureIds: [] as number[], modes: [] as string[], values: [] as number[], trueIds: [] as number[], falseIds: [] as number[], missingTrue: [] as number[] };
  const targets = { treeIds: [] as number[], nodeIds: [] as number[], ids: [] as number[], weights: [] as number[] };
  trees.forEach((tree, t) => {
    for (let i = 0; i < tree.feature.length; i += 1) {
      const leaf = tree.feature[i] === -1;
      nodes.treeIds.push(t);
      nodes.nodeIds.push(i);
      nodes.featureIds.push(leaf ? 0 : tree.feature[i]);
      nodes.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      nodes.values.push(leaf ? 0 : tree.threshold[i]);
      nodes.trueIds.push(leaf ? 0 : tree.left[i]);
      nodes.falseIds.push(leaf ? 0 : tree.right[i]);
      nodes.missingTrue.push(!leaf && tree.missingGoesLeft[i] ? 1 : 0);
      if (leaf) {
        targets.treeIds.push(t);
        targets.nodeIds.push(i);
        targets.ids.push(0);
        targets.weights.push(tree.value[i]);
      }
    }
  });
  const parts: GraphParts = { nodes: [], initializers: [] };
  parts.nodes.push(
    node('Cast', [INPUT_NAME], ['features_f64'], [attr.int('to', DOUBLE)]),
    node('TreeEnsembleRegressor', ['features_f64'], ['raw_score'], [
      attr.int('n_targets', 1),
      attr.string('aggregate_function', 'SUM'),
      attr.string('post_transform', 'NONE'),
      attr.tensor('base_values_as_tensor', doubleTensor('base_values', [1], [model.baseScore])),
      attr.ints('nodes_treeids', nodes.treeIds),
      attr.ints('nodes_nodeids', nodes.nodeIds),
      attr.ints('nodes_featureids', nodes.featureIds),
      attr.strings('nodes_modes', nodes.modes),
      attr.tensor('nodes_values_as_tensor', doubleTensor('nodes_values', [nodes.values.length], nodes.values)),
      attr.ints('nodes_truenodeids', nodes.trueIds),
      attr.ints('nodes_falsenodeids', nodes.falseIds),
      attr.ints('nodes_missing_value_tracks_true', nodes.missingTrue),
      attr.ints('target_treeids', targets.treeIds),
      attr.ints('target_nodeids', targets.nodeIds),
      attr.ints('target_ids', targets.ids),
      attr.tensor('target_weights_as_tensor', doubleTensor('target_weights', [targets.weights.length], targets.weights)),
    ], 'ai.onnx.ml'),
  );
  appendLink(parts, 'raw_score', model.link);
  return buildModel(parts, featureCount, { graphName: 'fleetcast_gbdt', docString, usesMl: true });
}
