/**
 * ava settings (issue #9: `npm test` within 5 minutes on two cores).
 *
 * Files run two at a time, one child process each (native addons — onnxruntime, better-sqlite3 —
 * are not safe to share across worker threads). Each test file is one job, so the suite's wall
 * time is bounded below by its longest file, and a long file started last leaves one core idle
 * while it finishes. Longest-first scheduling avoids that tail: files matching an entry of
 * `longestFirst` start first, in this order; all others follow alphabetically. When you add a
 * file that takes more than ~15 s on its own (real controllers, agents, Mosquitto, training),
 * add it here near files of similar length (see test/helpers/README.md).
 */
const longestFirst = [
  'test/firmware-images/self-update.test.js',
  'test/e2e/rollouts.test.js',
  'test/cloud-controller/dashboard/dashboard-browser.test.js',
  'test/firmware-images/build-install.test.js',
  'test/e2e/operator.test.js',
  'test/e2e/deploy-brokers.test.js',
  'test/e2e/demo.test.js',
  'test/cloud-controller/e2e/',
  'test/e2e/delivery-resumes.test.js',
  'test/cloud-controller/cli/controller-daemon.test.js',
  'test/e2e/traversal-ids.test.js',
  'test/edge-agent/pos-fuzz.test.js',
  'test/edge-agent/offline-uplink.test.js',
  'test/cloud-controller/monitoring/drift/drift-acceptance.test.js',
  'test/cloud-controller/retrain/',
  'test/model-packager/train/',
  'test/model-packager/package/',
  'test/edge-agent/pos-inputs.test.js',
  'test/cloud-controller/backup/',
  'test/edge-agent/cli/',
  'test/cloud-controller/api/',
  'test/cloud-controller/cli/',
  'test/cloud-controller/broker/',
  'test/edge-agent/update/',
  'test/edge-agent/',
  'test/cli/',
];

const rank = (file) => {
  const index = longestFirst.findIndex((entry) => file.replaceAll('\\', '/').includes(`dist/${entry}`));
  return index === -1 ? longestFirst.length : index;
};

export default {
  files: ['dist/test/**/*.test.js'],
  timeout: '4m',
  concurrency: 2,
  workerThreads: false,
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b, [], { numeric: true }),
};
