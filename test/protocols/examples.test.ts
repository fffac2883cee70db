import test from 'ava';
import { loadDocExamples, type DocExample } from './doc-examples.js';
import { decodeMessage, validateMessage } from '../../protocols/messages/decode.js';
import { topicSchemas, type TopicKind } from '../../protocols/messages/topic-schemas.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ErrorCode } from '../../protocols/errors/catalog.js';

const examples = loadDocExamples();

function example(kind: TopicKind, type: string): Record<string, unknown> {
  const found = examples.find((e: DocExample) => e.kind === kind && e.type === type);
  if (!found) throw new Error(`docs/protocol.md has no example for ${kind}:${type}`);
  return structuredClone(found.json) as Record<string, unknown>;
}

/** Message types each topic's union accepts, read off the schema. */
function unionTypes(kind: TopicKind): string[] {
  const schema = topicSchemas[kind] as unknown as { _def: { schema?: unknown; options?: unknown } };
  const union = (schema._def.schema ?? schema) as { _def: { options: Array<{ shape: { type: { value: string } } }> } };
  return union._def.options.map((option) => option.shape.type.value);
}

test('every message type of every topic has a documented example', (t) => {
  const documentedTypes = new Set(examples.map((e) => e.type));
  const documentedPairs = new Set(examples.map((e) => `${e.kind}:${e.type}`));
  for (const kind of Object.keys(topicSchemas) as TopicKind[]) {
    for (const type of unionTypes(kind)) {
      // The shared `error` reply is documented once and reused by every topic that can carry it.
      const ok = type === 'error' ? documentedTypes.has('error') : documentedPairs.has(`${kind}:${type}`);
      t.true(ok, `${kind}:${type} is missing from docs/protocol.md`);
    }
  }
  t.is(examples.length, 20);
});

for (const doc of examples) {
  test(`documented example ${doc.kind}:${doc.type} is accepted`, (t) => {
    const decoded = decodeMessage(doc.kind, JSON.stringify(doc.json)) as { type: string };
    t.is(decoded.type, doc.type);
  });
}

interface MalformedCase {
  kind: TopicKind;
  type: string;
  what: string;
  mutate: (message: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  path: Array<string | number>;
  /** The code when a field names a precise one (ids, sales dates; issue #9); else FC_ERR_INVALID_MESSAGE. */
  code?: ErrorCode;
}

/** Malformed variants of the documented examples, each with the exact zod issue path. */
const malformed: MalformedCase[] = [
  { kind: 'cmd', type: 'deploy', what: 'sha256 not hex', mutate: (m) => (m.bundle.sha256 = 'xyz'), path: ['bundle', 'sha256'] },
  { kind: 'cmd', type: 'deploy', what: 'version not an integer', mutate: (m) => (m.model.version = 1.5), path: ['model', 'version'] },
  { kind: 'cmd', type: 'deploy', what: 'model name with a slash', mutate: (m) => (m.model.name = 'a/b'), path: ['model', 'name'], code: 'FC_ERR_INVALID_ID' },
  { kind: 'cmd', type: 'deploy', what: 'deploymentId ..', mutate: (m) => (m.deploymentId = '..'), path: ['deploymentId'], code: 'FC_ERR_INVALID_ID' },
  { kind: 'cmd', type: 'deploy', what: 'missing deploymentId', mutate: (m) => delete m.deploymentId, path: ['deploymentId'] },
  { kind: 'cmd', type: 'rollback', what: 'reason missing', mutate: (m) => delete m.reason, path: ['reason'] },
  { kind: 'cmd', type: 'configure', what: 'heartbeat too short', mutate: (m) => (m.settings.heartbeatIntervalSec = 1), path: ['settings', 'heartbeatIntervalSec'] },
  { kind: 'cmd', type: 'configure', what: 'unknown log level', mutate: (m) => (m.settings.logLevel = 'loud'), path: ['settings', 'logLevel'] },
  { kind: 'cmd', type: 'shadow', what: 'sample rate above 1', mutate: (m) => (m.sampleRate = 1.5), path: ['sampleRate'] },
  { kind: 'cmd', type: 'image-update', what: 'version not semver', mutate: (m) => (m.image.version = 'v2'), path: ['image', 'version'] },
  { kind: 'cmd', type: 'signing-keys', what: 'key set version zero', mutate: (m) => (m.keySet.version = 0), path: ['keySet', 'version'] },
  { kind: 'cmd', type: 'signing-keys', what: 'signature not 64 bytes of base64', mutate: (m) => (m.signature.value = 'abc'), path: ['signature', 'value'] },
  { kind: 'cmd', type: 'ping', what: 'timestamp without offset', mutate: (m) => (m.ts = '2026-11-26 07:15'), path: ['ts'] },
  { kind: 'cmd', type: 'ping', what: 'sender role unknown', mutate: (m) => (m.sender.role = 'stranger'), path: ['sender', 'role'] },
  { kind: 'state', type: 'birth', what: 'online false on a birth', mutate: (m) => (m.online = false), path: ['online'] },
  { kind: 'state', type: 'birth', what: 'unknown update state', mutate: (m) => (m.update.state = 'dancing'), path: ['update', 'state'] },
  { kind: 'state', type: 'birth', what: 'unknown health status', mutate: (m) => (m.health.status = 'fine'), path: ['health', 'status'] },
  { kind: 'state', type: 'offline', what: 'unknown reason', mutate: (m) => (m.reason = 'nap'), path: ['reason'] },
  { kind: 'evt', type: 'deployment', what: 'error code not in FC_ERR form', mutate: (m) => (m.errorCode = 'E42'), path: ['errorCode'] },
  { kind: 'evt', type: 'deployment', what: 'unknown target state', mutate: (m) => (m.to = 'exploded'), path: ['to'] },
  { kind: 'evt', type: 'command-result', what: 'ok not boolean', mutate: (m) => (m.ok = 'no'), path: ['ok'] },
  { kind: 'up', type: 'batch', what: 'record outside the range', mutate: (m) => (m.records[1].seq = 999), path: ['records', 1, 'seq'] },
  { kind: 'up', type: 'batch', what: 'empty records', mutate: (m) => (m.records = []), path: ['records'] },
  { kind: 'up', type: 'batch', what: 'unknown record kind', mutate: (m) => (m.records[0].kind = 'gossip'), path: ['records', 0, 'kind'] },
  { kind: 'up', type: 'batch', what: 'negative accuracy sum', mutate: (m) => (m.records[3].sumAbsError = -1), path: ['records', 3, 'sumAbsError'] },
  { kind: 'up', type: 'batch', what: 'accuracy day not a date', mutate: (m) => (m.records[3].day = '2026-13-01'), path: ['records', 3, 'day'] },
  { kind: 'up', type: 'batch', what: 'toSeq before fromSeq', mutate: (m) => { m.toSeq = 119; m.records = [m.records[0]]; m.records[0].seq = 119; m.fromSeq = 119; m.toSeq = 118; }, path: ['toSeq'] },
  { kind: 'ack', type: 'ack', what: 'toSeq before fromSeq', mutate: (m) => (m.toSeq = 1), path: ['toSeq'] },
  { kind: 'ack', type: 'ack', what: 'sequence zero', mutate: (m) => (m.fromSeq = 0), path: ['fromSeq'] },
  { kind: 'blob/req', type: 'blob-request', what: 'chunk above 72 KiB', mutate: (m) => (m.length = 73_729), path: ['length'] },
  { kind: 'blob/req', type: 'blob-request', what: 'negative offset', mutate: (m) => (m.offset = -1), path: ['offset'] },
  { kind: 'blob/res', type: 'blob-chunk', what: 'data not base64', mutate: (m) => (m.data = 'not base64!'), path: ['data'] },
  { kind: 'pos/score/req', type: 'score', what: 'no rows', mutate: (m) => (m.rows = []), path: ['rows'] },
  { kind: 'pos/score/req', type: 'score', what: 'impossible date', mutate: (m) => (m.rows[0].date = '2026-02-30'), path: ['rows', 0, 'date'] },
  { kind: 'pos/score/req', type: 'score', what: 'negative price', mutate: (m) => (m.rows[1].price = -1), path: ['rows', 1, 'price'] },
  { kind: 'pos/score/req', type: 'score', what: 'price as a string', mutate: (m) => (m.rows[0].price = 'NaN'), path: ['rows', 0, 'price'] },
  { kind: 'pos/score/req', type: 'score', what: 'wildcard replyTo', mutate: (m) => (m.replyTo = 'pos/v1/#'), path: ['replyTo'] },
  { kind: 'pos/score/req', type: 'score', what: 'store id with +', mutate: (m) => (m.rows[0].store = 'a+b'), path: ['rows', 0, 'store'], code: 'FC_ERR_INVALID_ID' },
  { kind: 'pos/actuals', type: 'actuals', what: 'date before 1990', mutate: (m) => (m.rows[0].date = '0050-01-01'), path: ['rows', 0, 'date'], code: 'FC_ERR_DATE_OUT_OF_RANGE' },
  { kind: 'pos/score/res', type: 'score-result', what: 'prediction not a number', mutate: (m) => (m.predictions[0].value = null), path: ['predictions', 0, 'value'] },
  { kind: 'pos/score/res', type: 'error', what: 'code not FC_ERR', mutate: (m) => (m.code = 'oops'), path: ['code'] },
  { kind: 'pos/actuals', type: 'actuals', what: 'negative units', mutate: (m) => (m.rows[0].units = -3), path: ['rows', 0, 'units'] },
  { kind: 'pos/status', type: 'status', what: 'agent version not semver', mutate: (m) => (m.agentVersion = 'latest'), path: ['agentVersion'] },
];

for (const c of malformed) {
  test(`malformed ${c.kind}:${c.type} (${c.what}) is rejected at ${JSON.stringify(c.path)}`, (t) => {
    const message = example(c.kind, c.type);
    c.mutate(message);
    const error = t.throws(() => validateMessage(c.kind, message), { instanceOf: FleetcastError });
    t.is(error?.code, c.code ?? 'FC_ERR_INVALID_MESSAGE');
    t.deepEqual(error?.details?.path, c.path);
  });
}

test('every documented message type has at least one malformed variant', (t) => {
  const covered = new Set(malformed.map((c) => `${c.kind}:${c.type}`));
  const missing = examples.map((e) => `${e.kind}:${e.type}`).filter((pair) => !covered.has(pair));
  t.deepEqual(missing, []);
});

test('envelope failures are coded before schema checks', (t) => {
  const ping = example('cmd', 'ping');
  const codeOf = (fn: () => unknown) => t.throws(fn, { instanceOf: FleetcastError })?.code;
  t.is(codeOf(() => decodeMessage('cmd', '{"v":1,')), 'FC_ERR_MALFORMED_JSON');
  t.is(codeOf(() => validateMessage('cmd', { ...ping, v: 2 })), 'FC_ERR_UNSUPPORTED_VERSION');
  t.is(codeOf(() => validateMessage('cmd', { ...ping, type: 'reboot-now' })), 'FC_ERR_UNKNOWN_MESSAGE_TYPE');
  t.is(codeOf(() => validateMessage('cmd', [ping])), 'FC_ERR_INVALID_MESSAGE');
  t.is(codeOf(() => decodeMessage('cmd', JSON.stringify(ping), 10)), 'FC_ERR_PAYLOAD_TOO_LARGE');
});

test('a type valid on one topic is unknown on another', (t) => {
  const deploy = example('cmd', 'deploy');
  const error = t.throws(() => validateMessage('pos/score/req', deploy), { instanceOf: FleetcastError });
  t.is(error?.code, 'FC_ERR_UNKNOWN_MESSAGE_TYPE');
  t.deepEqual(error?.details?.path, ['type']);
});
