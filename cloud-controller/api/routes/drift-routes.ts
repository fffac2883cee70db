import type { FastifyInstance } from 'fastify';
import type { DriftMonitor } from '../../monitoring/drift/drift-monitor.js';
import { driftQuerySchema, driftSeriesSchema } from '../../monitoring/drift/schema.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';

/** `GET /v1/drift`: merged drift windows of a store, region or the fleet (issue #12). */
export function registerDriftRoutes(app: FastifyInstance, drift: DriftMonitor): void {
  app.get('/v1/drift', {
    schema: routeSchema({
      tags: ['telemetry'],
      summary: 'Drift of a store, region or the fleet: device window counts merged per time bucket, statistics recomputed from the merged counts',
      querystring: driftQuerySchema,
      responses: { 200: driftSeriesSchema },
    }),
  }, async (request) => drift.series(parseRequest(driftQuerySchema, request.query)));
}
