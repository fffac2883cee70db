import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { idSchema } from '../../../protocols/ids.js';
import { timestampSchema } from '../../../protocols/envelope.js';
import { salesDateSchema } from '../../../protocols/data/sales-date.js';
import type { Fleet } from '../../fleet/fleet.js';
import { accuracySummarySchema, droppedTotalSchema, recordQuerySchema, storedRecordSchema, type TelemetryQueries } from '../../telemetry/queries.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';
import { latestHeartbeatSchema, scoringTotalsSchema } from '../response-schemas.js';

const modelVersionQuery = z.object({ model: idSchema, version: z.coerce.number().int().positive() });
const recordsQuery = recordQuerySchema.extend({ limit: z.coerce.number().int().positive().max(10_000).default(1_000) });
// Without model the fleet-wide figure over every model; with model but no version, all its versions (issue #11).
const accuracyQuery = modelVersionQuery.partial().extend({
  role: z.enum(['active', 'shadow']).optional(),
  fromDay: salesDateSchema.optional(),
  toDay: salesDateSchema.optional(),
  selector: z.string().min(1).optional(),
});
const driftQuery = modelVersionQuery.extend({ deviceId: idSchema.optional(), limit: z.coerce.number().int().positive().max(1000).optional() });
const scoringQuery = z.object({ deviceId: idSchema.optional(), since: timestampSchema.optional() });
const idParams = z.object({ id: idSchema });

/** Read-only telemetry queries (the broker half's TelemetryQueries over ingested outbox batches). */
export function registerTelemetryRoutes(app: FastifyInstance, deps: { telemetry: TelemetryQueries; fleet: Fleet }): void {
  const tags = ['telemetry'];
  app.get('/v1/telemetry/records', {
    schema: routeSchema({ tags, summary: 'Ingested records newest first', querystring: recordsQuery, responses: { 200: z.object({ records: z.array(storedRecordSchema) }) } }),
  }, async (request) => {
    const query = parseRequest(recordsQuery, request.query);
    return { records: deps.telemetry.listRecords(query) };
  });

  app.get('/v1/telemetry/accuracy', {
    schema: routeSchema({ tags, summary: 'Fleet accuracy: of every model, of one model, or of model@version (selector narrows the devices)', querystring: accuracyQuery, responses: { 200: accuracySummarySchema } }),
  }, async (request) => {
    const query = parseRequest(accuracyQuery, request.query);
    if (query.version !== undefined && query.model === undefined) throw new FleetcastError('FC_ERR_INVALID_REQUEST', 'version needs model');
    const deviceIds = query.selector ? deps.fleet.selectDeviceIds(query.selector) : undefined;
    return deps.telemetry.accuracySummary({ model: query.model, version: query.version, role: query.role, fromDay: query.fromDay, toDay: query.toDay, deviceIds });
  });

  app.get('/v1/telemetry/drift', {
    schema: routeSchema({ tags, summary: 'Drift reports of model@version, newest first', querystring: driftQuery, responses: { 200: z.object({ reports: z.array(storedRecordSchema) }) } }),
  }, async (request) => {
    const query = parseRequest(driftQuery, request.query);
    return { reports: deps.telemetry.driftReports(query) };
  });

  app.get('/v1/telemetry/scoring', {
    schema: routeSchema({ tags, summary: 'Scoring requests and errors by code', querystring: scoringQuery, responses: { 200: scoringTotalsSchema } }),
  }, async (request) => {
    const query = parseRequest(scoringQuery, request.query);
    return deps.telemetry.scoringTotals(query);
  });

  app.get('/v1/telemetry/dropped', {
    schema: routeSchema({ tags, summary: 'Records each device’s outbox dropped', responses: { 200: z.object({ devices: z.array(droppedTotalSchema) }) } }),
  }, async () => ({ devices: deps.telemetry.droppedTotals() }));

  app.get('/v1/devices/:id/heartbeat', {
    schema: routeSchema({ tags, summary: 'Latest heartbeat of a device', params: idParams, responses: { 200: latestHeartbeatSchema } }),
  }, async (request) => {
    const { id } = parseRequest(idParams, request.params);
    deps.fleet.getDevice(id);
    return { deviceId: id, heartbeat: deps.telemetry.latestHeartbeat(id) };
  });
}
