import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { Registry } from '../../registry/registry.js';
import { approvalRequestSchema, historyEntrySchema, modelVersionSchema, stageSchema } from '../../registry/schema.js';
import { parseRequest } from '../parse.js';
import { binaryBody, routeSchema } from '../openapi-schema.js';
import { modelListSchema, modelVersionDetailSchema, promotionAppliedSchema, promotionPendingSchema } from '../response-schemas.js';
import { idSchema } from '../../../protocols/ids.js';

// Model names are ids: `..` or `a\b` is FC_ERR_INVALID_ID before anything looks it up (issue #9).
const nameParams = z.object({ name: idSchema });
const versionParams = z.object({ name: idSchema, version: z.coerce.number().int().positive() });
const refParams = z.object({ name: idSchema, ref: z.string() });
const aliasParams = z.object({ name: idSchema, alias: z.string() });
const tagParams = versionParams.extend({ key: z.string() });
const approvalParams = z.object({ id: z.coerce.number().int().positive() });
const reasonField = z.string().max(500).nullable().default(null);

/** Request bodies, exported so the OpenAPI test can compare the document with them. */
export const stageChangeBodySchema = z.object({ stage: stageSchema, reason: reasonField });
export const approveBodySchema = z.object({ reason: reasonField }).default({});
export const setAliasBodySchema = z.object({ version: z.number().int().positive(), reason: reasonField });
export const setTagBodySchema = z.object({ value: z.string().max(500) });
const productionAtQuery = z.object({ at: z.string().datetime({ offset: true }) });

function actorOf(request: { principal?: { name: string } }): string {
  return request.principal?.name ?? 'anonymous';
}

/** Registry routes: list, push, promote, approve, aliases, tags, history (issue #6). */
export function registerRegistryRoutes(app: FastifyInstance, registry: Registry): void {
  const tags = ['registry'];
  app.get('/v1/models', { schema: routeSchema({ tags, summary: 'Models with version count and Production version', responses: { 200: modelListSchema } }) }, async () => ({ models: registry.listModels() }));

  app.get('/v1/models/:name/versions', {
    schema: routeSchema({ tags, summary: 'Versions of a model, newest first', params: nameParams, responses: { 200: z.object({ versions: z.array(modelVersionSchema) }) } }),
  }, async (request) => {
    const { name } = parseRequest(nameParams, request.params);
    return { versions: registry.listVersions(name) };
  });

  app.get('/v1/models/:name/versions/:ref', {
    schema: routeSchema({ tags, summary: 'One version by number, stage or alias', params: refParams, responses: { 200: modelVersionDetailSchema } }),
  }, async (request) => {
    const { name, ref } = parseRequest(refParams, request.params);
    const { bundlePath: _bundlePath, ...version } = registry.getModelVersion(name, ref);
    return version;
  });

  app.post('/v1/models/versions', {
    schema: routeSchema({
      tags,
      summary: 'Push a signed bundle (body: the bundle bytes, application/octet-stream); verified against the trusted keys',
      body: binaryBody,
      consumes: ['application/octet-stream'],
      responses: { 201: modelVersionSchema },
    }),
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
    schema: routeSchema({
      tags,
      summary: 'Move a version to a stage (Production archives the old one; may need approval → 202)',
      params: versionParams,
      body: stageChangeBodySchema,
      responses: { 200: promotionAppliedSchema, 202: promotionPendingSchema },
    }),
  }, async (request, reply) => {
    const { name, version } = parseRequest(versionParams, request.params);
    const body = parseRequest(stageChangeBodySchema, request.body);
    const result = registry.promote(name, version, body.stage, actorOf(request), body.reason);
    return reply.status(result.status === 'pending' ? 202 : 200).send(result);
  });

  app.get('/v1/approvals', {
    schema: routeSchema({ tags, summary: 'Pending Production approvals', responses: { 200: z.object({ approvals: z.array(approvalRequestSchema) }) } }),
  }, async () => ({ approvals: registry.listApprovals() }));

  app.post('/v1/approvals/:id/approve', {
    schema: routeSchema({ tags, summary: 'Approve a pending promotion (not by its requester); the body is optional', params: approvalParams, body: approveBodySchema, responses: { 200: promotionAppliedSchema } }),
  }, async (request) => {
    const { id } = parseRequest(approvalParams, request.params);
    const body = parseRequest(approveBodySchema, request.body ?? {});
    return registry.approve(id, actorOf(request), body.reason);
  });

  app.put('/v1/models/:name/aliases/:alias', {
    schema: routeSchema({ tags, summary: 'Point an alias at a version', params: aliasParams, body: setAliasBodySchema, responses: { 200: modelVersionSchema } }),
  }, async (request) => {
    const { name, alias } = parseRequest(aliasParams, request.params);
    const body = parseRequest(setAliasBodySchema, request.body);
    return registry.setAlias(name, alias, body.version, actorOf(request), body.reason);
  });

  app.delete('/v1/models/:name/aliases/:alias', {
    schema: routeSchema({ tags, summary: 'Remove an alias', params: aliasParams, responses: { 204: null } }),
  }, async (request, reply) => {
    const { name, alias } = parseRequest(aliasParams, request.params);
    registry.removeAlias(name, alias, actorOf(request));
    return reply.status(204).send();
  });

  app.put('/v1/models/:name/versions/:version/tags/:key', {
    schema: routeSchema({ tags, summary: 'Set a tag on a version', params: tagParams, body: setTagBodySchema, responses: { 200: modelVersionSchema } }),
  }, async (request) => {
    const { name, version, key } = parseRequest(tagParams, request.params);
    const body = parseRequest(setTagBodySchema, request.body);
    return registry.setTag(name, version, key, body.value);
  });

  app.get('/v1/models/:name/history', {
    schema: routeSchema({ tags, summary: 'Append-only stage/alias history', params: nameParams, responses: { 200: z.object({ history: z.array(historyEntrySchema) }) } }),
  }, async (request) => {
    const { name } = parseRequest(nameParams, request.params);
    return { history: registry.history(name) };
  });

  app.get('/v1/models/:name/production-at', {
    schema: routeSchema({
      tags,
      summary: 'Which version was in Production at time ?at=',
      params: nameParams,
      querystring: productionAtQuery,
      responses: { 200: z.object({ name: z.string(), at: z.string(), version: z.number().int().positive().nullable() }) },
    }),
  }, async (request) => {
    const { name } = parseRequest(nameParams, request.params);
    const { at } = parseRequest(productionAtQuery, request.query);
    return { name, at, version: registry.productionAt(name, new Date(at)) };
  });
}
