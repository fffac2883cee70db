import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '../../../protocols/ids.js';
import type { Fleet } from '../../fleet/fleet.js';
import { deviceSchema } from '../../fleet/schema.js';
import { openingHoursSchema } from '../../fleet/opening-hours.js';
import type { RolloutEngine } from '../../rollouts/engine.js';
import { rolloutSpecSchema } from '../../rollouts/spec.js';
import { rolloutDecisionSchema, rolloutDeviceSchema, rolloutSchema } from '../../rollouts/store.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';
import { actorOf } from './operator-routes.js';

const idParams = z.object({ id: idSchema });
const storeParams = z.object({ store: idSchema });
const listQuery = z.object({ limit: z.coerce.number().int().positive().max(1_000).default(100) });
const actionBody = z.object({ reason: z.string().max(500).optional() }).default({});
const statusResponse = z.object({ rollout: rolloutSchema, target: z.number().int(), devices: z.array(rolloutDeviceSchema), decisions: z.array(rolloutDecisionSchema), evidence: z.unknown() });

/**
 * Rollout routes (issue #13): operators create and steer rollouts, viewers read them; every
 * mutating call lands in the audit log through the server's hooks. Store opening hours live here
 * too, since only rollouts read them.
 */
export function registerRolloutRoutes(app: FastifyInstance, deps: { engine: RolloutEngine; fleet: Fleet }): void {
  const tags = ['rollouts'];
  app.post('/v1/rollouts', {
    schema: routeSchema({ tags, summary: 'Create a staged rollout of a model version (waves, gates, approvals, opening hours)', body: rolloutSpecSchema, responses: { 201: rolloutSchema } }),
  }, async (request, reply) => reply.status(201).send(deps.engine.create(request.body, actorOf(request))));

  app.get('/v1/rollouts', {
    schema: routeSchema({ tags, summary: 'Rollouts newest first', querystring: listQuery, responses: { 200: z.object({ rollouts: z.array(rolloutSchema) }) } }),
  }, async (request) => ({ rollouts: deps.engine.store.list(parseRequest(listQuery, request.query).limit) }));

  app.get('/v1/rollouts/:id', {
    schema: routeSchema({ tags, summary: 'A rollout with its devices, every decision and the evidence the gates read now', params: idParams, responses: { 200: statusResponse } }),
  }, async (request) => deps.engine.status(parseRequest(idParams, request.params).id));

  for (const action of ['pause', 'resume', 'abort', 'approve'] as const) {
    app.post(`/v1/rollouts/:id/${action}`, {
      schema: routeSchema({ tags, summary: `${action[0].toUpperCase()}${action.slice(1)} a rollout (recorded as a decision with the operator's name)`, params: idParams, body: actionBody, responses: { 200: rolloutSchema } }),
    }, async (request) => {
      const { id } = parseRequest(idParams, request.params);
      const { reason } = parseRequest(actionBody, request.body ?? {});
      return deps.engine[action](id, actorOf(request), reason);
    });
  }

  app.put('/v1/stores/:store/opening-hours', {
    schema: routeSchema({ tags, summary: 'Set a store\'s opening hours (its devices\' time zone); rollouts update it only while closed', params: storeParams, body: openingHoursSchema, responses: { 200: z.object({ devices: z.array(deviceSchema) }) } }),
  }, async (request) => ({ devices: deps.fleet.setStoreHours(parseRequest(storeParams, request.params).store, request.body) }));
}
