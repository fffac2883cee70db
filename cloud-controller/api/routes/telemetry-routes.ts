import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '../../../protocols/ids.js';
import { isoDateSchema, timestampSchema } from '../../../protocols/envelope.js';
import type { Fleet } from '../../fleet/fleet.js';
import { recordQuerySchema, type TelemetryQueries } from '../../telemetry/queries.js';
import { parseRequest } from '../parse.js';

const modelVersionQuery = z.object({ model: idSchema, version: z.coerce.number().int().positive() });

/** Read-only telemetry queries (the broker half's TelemetryQueries over ingested outbox batches). */
export function registerTelemetryRoutes(app: FastifyInstance, deps: { telemetry: TelemetryQueries; fleet: Fleet }): void {
  const tags = ['telemetry'];
  app.get('/v1/telemetry/records', { schema: { tags, summary: 'Ingested records newest first (?deviceId=&kind=&since=&limit=)' } }, async (request) => {
    const query = parseRequest(recordQuerySchema.extend({ limit: z.coerce.number().int().positive().max(10_000).default(1_000) }), request.query);
    return { records: deps.telemetry.listRecords(query) };
  });

  app.get('/v1/telemetry/accuracy', { schema: { tags, summary: 'Fleet accuracy of model@version (?model=&version=&role=&fromDay=&toDay=&selector=)' } }, async (request) => {
    const query = parseRequest(modelVersionQuery.extend({
      role: z.enum(['active', 'shadow']).optional(),
      fromDay: isoDateSchema.optional(),
      toDay: isoDateSchema.optional(),
      selector: z.string().min(1).optional(),
    }), request.query);
    const deviceIds = query.selector ? deps.fleet.selectDeviceIds(query.selector) : undefined;
    return deps.telemetry.accuracySummary({ model: query.model, version: query.version, role: query.role, fromDay: query.fromDay, toDay: query.toDay, deviceIds });
  });

  app.get('/v1/telemetry/drift', { schema: { tags, summary: 'Drift reports of model@version, newest first (?model=&version=&deviceId=&limit=)' } }, async (request) => {
    const query = parseRequest(modelVersionQuery.extend({ deviceId: idSchema.optional(), limit: z.coerce.number().int().positive().max(1000).optional() }), request.query);
    return { reports: deps.telemetry.driftReports(query) };
  });

  app.get('/v1/telemetry/scoring', { schema: { tags, summary: 'Scoring requests and errors by code (?deviceId=&since=)' } }, async (request) => {
    const query = parseRequest(z.object({ deviceId: idSchema.optional(), since: timestampSchema.optional() }), request.query);
    return deps.telemetry.scoringTotals(query);
  });

  app.get('/v1/telemetry/dropped', { schema: { tags, summary: 'Records each device’s outbox dropped' } }, async () => ({ devices: deps.telemetry.droppedTotals() }));

  app.get('/v1/devices/:id/heartbeat', { schema: { tags, summary: 'Latest heartbeat of a device', params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } }, async (request) => {
    const { id } = parseRequest(z.object({ id: idSchema }), request.params);
    deps.fleet.getDevice(id);
    return { deviceId: id, heartbeat: deps.telemetry.latestHeartbeat(id) };
  });
}
