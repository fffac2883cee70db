import test from 'ava';
import { featureNames } from '../../../protocols/features/index.js';
import { TEST_FEATURE_NAMES, testFeatureSpec } from '../../helpers/bundle-fixtures.js';

// Kept apart from the executor tests: the bundle fixtures load onnxruntime, which is slow to import.
test('feature names of the shared test spec are the test bundles input order', (t) => {
  t.deepEqual(featureNames(testFeatureSpec()), TEST_FEATURE_NAMES);
});
