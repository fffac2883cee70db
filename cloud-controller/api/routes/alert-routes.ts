import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AlertManager } from '../../alerts/alert-manager.js';
import { alertStateSchema, alertViewSchema, levelSchema } from '../../alerts/schema.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';
import { actorOf } from './operator-routes.js';

const listQuery = z.object({
  /** `unresolved` = open or acknowledged. */
  state: z.union([alertStateSchema, z.literal('unresolved')]).optional(),
  level: levelSchema.optional(),
  subject: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(5_000).default(500),
});
const idParams = z.object({ id: z.string().regex(/^alert-[0-9a-f]{12}$/, 'an alert id such as alert-0123456789ab') });
const listResponse = z.object({ alerts: z.array(alertViewSchema) });

/**
 * Alerts (issue #12): `GET /v1/alerts` for viewers; acknowledging and resolving need the
 * operator role (the server's default for POST) and land in the audit log.
 */
export function registerAlertRoutes(app: FastifyInstance, alerts: AlertManager): void {
  const tags = ['alerts'];
  app.get('/v1/alerts', { schema: routeSchema({ tags, summary: 'Alerts, newest first', querystring: listQuery, responses: { 200: listResponse } }) }, async (request) => {
    const query = parseRequest(listQuery, request.query);
    return { alerts: alerts.list(query) };
  });
  app.post('/v1/alerts/:id/ack', { schema: routeSchema({ tags, summary: 'Acknowledge an alert (stops its escalation)', params: idParams, responses: { 200: alertViewSchema } }) }, async (request) => {
    const { id } = parseRequest(idParams, request.params);
    return alerts.acknowledge(id, actorOf(request));
  });
  app.post('/v1/alerts/:id/resolve', { schema: routeSchema({ tags, summary: 'Resolve an alert', params: idParams, responses: { 200: alertViewSchema } }) }, async (request) => {
    const { id } = parseRequest(idParams, request.params);
    return alerts.resolve(id, actorOf(request));
  });
}
