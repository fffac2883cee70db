import { rollbackRequestSchema } from '../../../cloud-controller/deployments/rollback.js';
import test from 'ava';
import { z } from 'zod';
import { makeSigningKey } from '../../helpers/bundle-fixtures.js';
import { apiErrorBodySchema } from '../../../cloud-controller/api/error-body.js';
import { deviceEnrolmentSchema } from '../../../cloud-controller/fleet/schema.js';
import { predictRequestSchema } from '../../../cloud-controller/predict/schema.js';
import { createDeploymentSchema } from '../../../cloud-controller/api/routes/deployment-routes.js';
import { approveBodySchema, setAliasBodySchema, setTagBodySchema, stageChangeBodySchema } from '../../../cloud-controller/api/routes/registry-routes.js';
import { call, errorCode, startTestApi, type TestApi } from './api-harness.js';

interface Operation {
  requestBody?: { content: Record<string, { schema: { type?: string; format?: string; required?: string[]; properties?: Record<string, unknown> } }> };
  responses: Record<string, { content?: Record<string, { schema: { required?: string[]; properties?: Record<string, { required?: string[] }> } }> }>;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  security: Array<Record<string, string[]>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
}

/** `METHOD /path` with every path parameter written `{}`, so fastify's and OpenAPI's spellings compare. */
function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}').replace(/:[^/]+/g, '{}')}`;
}

/**
 * Every route fastify registered, read from its own route tree (`printRoutes`), not from the
 * OpenAPI document: a route added without a schema, or hidden by mistake, shows up as missing.
 */
function registeredRoutes(api: TestApi): string[] {
  const keys: string[] = [];
  const stack: string[] = [];
  for (const line of api.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stack.length = depth;
    stack.push(match[2]);
    const path = stack.join('');
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') keys.push(routeKey(method, path));
    }
  }
  return keys.filter((key) => key.split(' ')[1].startsWith('/v1/')).sort();
}

/** Fields zod insists on: neither optional nor defaulted (what `required` in the document must list). */
function zodRequiredKeys(schema: z.ZodTypeAny): string[] {
  let inner: z.ZodTypeAny = schema;
  while (inner instanceof z.ZodEffects || inner instanceof z.ZodDefault) inner = inner instanceof z.ZodEffects ? inner.innerType() : inner.removeDefault();
  if (!(inner instanceof z.ZodObject)) throw new Error('request bodies are zod objects');
  const shape = inner.shape as Record<string, z.ZodTypeAny>;
  return Object.keys(shape).filter((key) => !shape[key].isOptional()).sort();
}

async function fetchDocument(api: TestApi): Promise<OpenApiDocument> {
  const response = await fetch(`${api.base}/docs/json`);
  return (await response.json()) as OpenApiDocument;
}

test('the OpenAPI document lists every registered route with request bodies, parameters and responses generated from the zod schemas', async (t) => {
  const api = await startTestApi(makeSigningKey(), { brokerHalf: true });
  t.teardown(() => api.close());
  const doc = await fetchDocument(api);
  t.regex(doc.openapi, /^3\.\d+\.\d+$/);

  const documented = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => routeKey(method, path))).sort();
  const registered = registeredRoutes(api);
  t.is(registered.length, 34);
  t.deepEqual(documented, registered);

  const operation = (method: string, path: string): Operation => doc.paths[path][method];
  const jsonBody = (op: Operation) => op.requestBody?.content['application/json']?.schema;

  // Every POST documents its body, except revoke and retire, which take none.
  const postsWithoutBody = Object.entries(doc.paths).filter(([, ops]) => ops.post && !ops.post.requestBody).map(([path]) => path).sort();
  t.deepEqual(postsWithoutBody, ['/v1/devices/{id}/revoke', '/v1/signing-keys/{keyId}/retire']);

  t.deepEqual(jsonBody(operation('post', '/v1/deployments'))?.required, ['model']);
  t.deepEqual(Object.keys(jsonBody(operation('post', '/v1/deployments'))?.properties ?? {}).sort(), ['deploymentId', 'deviceIds', 'model', 'ref', 'selector']);
  t.deepEqual(jsonBody(operation('post', '/v1/models/{name}/predict'))?.required, ['rows']);
  t.deepEqual(Object.keys(jsonBody(operation('post', '/v1/models/{name}/predict'))?.properties ?? {}).sort(), ['history', 'rows']);
  t.deepEqual(operation('post', '/v1/models/versions').requestBody?.content['application/octet-stream']?.schema, { type: 'string', format: 'binary' });

  // The document's required fields are the ones zod insists on, route by route.
  const bodies: Array<[string, string, z.ZodTypeAny]> = [
    ['post', '/v1/deployments', createDeploymentSchema],
    ['post', '/v1/rollbacks', rollbackRequestSchema],
    ['post', '/v1/devices', deviceEnrolmentSchema],
    ['post', '/v1/models/{name}/predict', predictRequestSchema(10)],
    ['post', '/v1/models/{name}/versions/{version}/stage', stageChangeBodySchema],
    ['post', '/v1/approvals/{id}/approve', approveBodySchema],
    ['put', '/v1/models/{name}/aliases/{alias}', setAliasBodySchema],
    ['put', '/v1/models/{name}/versions/{version}/tags/{key}', setTagBodySchema],
  ];
  for (const [method, path, schema] of bodies) {
    t.deepEqual([...(jsonBody(operation(method, path))?.required ?? [])].sort(), zodRequiredKeys(schema), `${method} ${path}`);
  }
  t.deepEqual(zodRequiredKeys(deviceEnrolmentSchema), ['id', 'profile', 'region', 'store', 'timezone']);

  t.deepEqual(operation('get', '/v1/telemetry/accuracy').parameters?.filter((p) => p.required).map((p) => `${p.in}:${p.name}`).sort(), []);
  t.deepEqual(operation('post', '/v1/models/{name}/predict').parameters?.map((p) => `${p.in}:${p.name}`).sort(), ['path:name', 'query:alias']);

  // Responses: the success shapes and the coded error body on every token route.
  t.deepEqual(Object.keys(operation('post', '/v1/models/{name}/versions/{version}/stage').responses).sort(), ['200', '202', '4XX', '5XX']);
  t.deepEqual(operation('post', '/v1/deployments').responses['201'].content?.['application/json'].schema.required, ['deploymentId', 'assigned', 'unchanged', 'sent']);
  t.deepEqual(Object.keys(operation('delete', '/v1/models/{name}/aliases/{alias}').responses).sort(), ['204', '4XX', '5XX']);
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (path.startsWith('/v1/bundles/')) continue;
    for (const [method, op] of Object.entries(operations)) {
      const errorSchema = op.responses['4XX']?.content?.['application/json'].schema;
      t.deepEqual(errorSchema?.required, ['ok', 'error'], `${method} ${path}`);
      t.deepEqual(errorSchema?.properties?.error.required, ['code', 'message'], `${method} ${path}`);
    }
  }

  // Security: bearer tokens document-wide, device HTTP Basic on the bundle download.
  t.is(doc.components.securitySchemes.bearer.type, 'http');
  t.is(doc.components.securitySchemes.bearer.scheme, 'bearer');
  t.is(doc.components.securitySchemes.deviceBasic.type, 'http');
  t.is(doc.components.securitySchemes.deviceBasic.scheme, 'basic');
  t.deepEqual(doc.security, [{ bearer: [] }]);
  t.deepEqual(operation('get', '/v1/bundles/{sha256}').security, [{ deviceBasic: [] }]);
  t.is(operation('get', '/v1/models').security, undefined);
});

test('the schemas only document: input that breaks them gets zod’s coded FC_ERR_* error, never fastify’s validation error', async (t) => {
  const api = await startTestApi(makeSigningKey(), { brokerHalf: true });
  t.teardown(() => api.close());
  const failures = [
    await call(api, 'POST', '/v1/deployments', api.tokens.operator, { selector: 'tag:pilot' }),
    await call(api, 'POST', '/v1/models/demand/predict', api.tokens.viewer, { history: [] }),
    await call(api, 'POST', '/v1/models/demand/versions/three/stage', api.tokens.operator, { stage: 'Production' }),
    await call(api, 'GET', '/v1/audit?limit=many', api.tokens.admin),
    await call(api, 'GET', '/v1/telemetry/accuracy?version=1', api.tokens.viewer),
    await call(api, 'POST', '/v1/devices', api.tokens.operator, { id: 'pos-1', store: 's1', region: 'eu', timezone: 'Mars/Olympus', profile: 'rpi4' }),
  ];
  for (const failure of failures) {
    t.is(failure.status, 400);
    t.is(errorCode(failure.json), 'FC_ERR_INVALID_REQUEST');
    t.true(apiErrorBodySchema.safeParse(failure.json).success);
  }
  t.deepEqual((failures[0].json.error as { details: unknown }).details, { path: ['model'] });

  // Malformed JSON is bad input as well (fastify's parser error, coded like the rest).
  const malformed = await fetch(`${api.base}/v1/deployments`, { method: 'POST', headers: { authorization: `Bearer ${api.tokens.operator}`, 'content-type': 'application/json' }, body: '{"model":' });
  t.is(malformed.status, 400);
  t.is(errorCode((await malformed.json()) as Record<string, unknown>), 'FC_ERR_INVALID_REQUEST');

  // What zod accepts still goes through: query strings are coerced by zod, not refused by a schema type.
  const audit = await call(api, 'GET', '/v1/audit?limit=2', api.tokens.admin);
  t.is(audit.status, 200);
  t.is((audit.json.entries as unknown[]).length, 2);
  // Response bodies are sent as the modules return them (no schema filtering): the enrolment secret survives.
  const enrolled = await call(api, 'POST', '/v1/devices', api.tokens.operator, { id: 'pos-1', store: 's1', region: 'eu', timezone: 'Europe/Berlin', profile: 'rpi4', tags: ['pilot'] });
  t.is(enrolled.status, 201);
  t.is(typeof enrolled.json.secret, 'string');
  t.deepEqual((enrolled.json.device as { tags: string[] }).tags, ['pilot']);
});
