import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { Registry } from '../../registry/registry.js';
import { stageSchema } from '../../registry/schema.js';
import { parseRequest } from '../parse.js';

const nameParams = z.object({ name: z.string() });
const versionParams = z.object({ name: z.string(), version: z.coerce.number().int().positive() });
const refParams = z.object({ name: z.string(), ref: z.string() });
const aliasParams = z.object({ name: z.string(), alias: z.string() });
const reasonField = z.string().max(500).nullable().default(null);

const stringParams = (...names: string[]) => ({
  type: 'object',
  properties: Object.fromEntries(names.map((name) => [name, { type: 'string' }])),
  required: names,
});

function actorOf(request: { principal?: { name: string } }): string {
  return request.principal?.name ?? 'anonymous';
}

/** Registry routes: list, push, promote, approve, aliases, tags, history (issue #6). */
export function registerRegistryRoutes(app: FastifyInstance, registry: Registry): void {
  const tags = ['registry'];
  app.get('/v1/models', { schema: { tags, summary: 'Models with version count and Production version' } }, async () => ({ models: registry.listModels() }));

  app.get('/v1/models/:name/versions', { schema: { tags, summary: 'Versions of a model, newest first', params: stringParams('name') } }, async (request) => {
    const { name } = parseRequest(nameParams, request.params);
    return { versions: registry.listVersions(name) };
  });

  app.get('/v1/models/:name/versions/:ref', { schema: { tags, summary: 'One version by number, stage or alias', params: stringParams('name', 'ref') } }, async (request) => {
    const { name, ref } = parseRequest(refParams, request.params);
    const { bundlePath: _bundlePath, ...version } = registry.getModelVersion(name, ref);
    return version;
  });

  app.post('/v1/models/versions', {
    schema: { tags, summary: 'Push a signed bundle (body: the bundle bytes, application/octet-stream); verified against the trusted keys' },
  }, async (request, reply) => {
    if (!Buffer.isBuffer(request.body)) throw new FleetcastError('FC_ERR_INVALID_REQUEST', 'send the bundle as application/octet-stream');
    const dir = mkdtempSync(join(tmpdir(), 'fleetcast-push-'));
    try {
      const path = join(dir, 'bundle.fcb');
      writeFileSync(path, request.body);
      const version = await registry.push(path, actorOf(request));
      return reply.status(201).send(version);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  app.post('/v1/models/:name/versions/:version/stage', {
    schema: { tags, summary: 'Move a version to a stage (Production archives the old one; may need approval → 202)', params: stringParams('name', 'version') },
  }, async (request, reply) => {
    const { name, version } = parseRequest(versionParams, request.params);
    const body = parseRequest(z.object({ stage: stageSchema, reason: reasonField }), request.body);
    const result = registry.promote(name, version, body.stage, actorOf(request), body.reason);
    return reply.status(result.status === 'pending' ? 202 : 200).send(result);
  });

  app.get('/v1/approvals', { schema: { tags, summary: 'Pending Production approvals' } }, async () => ({ approvals: registry.listApprovals() }));

  app.post('/v1/approvals/:id/approve', { schema: { tags, summary: 'Approve a pending promotion (not by its requester)', params: stringParams('id') } }, async (request) => {
    const { id } = parseRequest(z.object({ id: z.coerce.number().int().positive() }), request.params);
    const body = parseRequest(z.object({ reason: reasonField }).default({}), request.body ?? {});
    return registry.approve(id, actorOf(request), body.reason);
  });

  app.put('/v1/models/:name/aliases/:alias', { schema: { tags, summary: 'Point an alias at a version', params: stringParams('name', 'alias') } }, async (request) => {
    const { name, alias } = parseRequest(aliasParams, request.params);
    const body = parseRequest(z.object({ version: z.number().int().positive(), reason: reasonField }), request.body);
    return registry.setAlias(name, alias, body.version, actorOf(request), body.reason);
  });

  app.delete('/v1/models/:name/aliases/:alias', { schema: { tags, summary: 'Remove an alias', params: stringParams('name', 'alias') } }, async (request, reply) => {
    const { name, alias } = parseRequest(aliasParams, request.params);
    registry.removeAlias(name, alias, actorOf(request));
    return reply.status(204).send();
  });

  app.put('/v1/models/:name/versions/:version/tags/:key', { schema: { tags, summary: 'Set a tag on a version', params: stringParams('name', 'version', 'key') } }, async (request) => {
    const { name, version, key } = parseRequest(versionParams.extend({ key: z.string() }), request.params);
    const body = parseRequest(z.object({ value: z.string().max(500) }), request.body);
    return registry.setTag(name, version, key, body.value);
  });

  app.get('/v1/models/:name/history', { schema: { tags, summary: 'Append-only stage/alias history', params: stringParams('name') } }, async (request) => {
    const { name } = parseRequest(nameParams, request.params);
    return { history: registry.history(name) };
  });

  app.get('/v1/models/:name/production-at', { schema: { tags, summary: 'Which version was in Production at time ?at=', params: stringParams('name') } }, async (request) => {
    const { name } = parseRequest(nameParams, request.params);
    const { at } = parseRequest(z.object({ at: z.string().datetime({ offset: true }) }), request.query);
    return { name, at, version: registry.productionAt(name, new Date(at)) };
  });
}
