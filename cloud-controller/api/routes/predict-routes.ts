import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Predictor } from '../../predict/predictor.js';
import { predictRequestSchema, predictResponseSchema } from '../../predict/schema.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';

const nameParams = z.object({ name: z.string() });
const aliasQuery = z.object({ alias: z.string().min(1).default('Production') });

/**
 * `POST /v1/models/{name}/predict[?alias=champion]`: scores with the Production version unless
 * `alias` (an alias, stage or version number) says otherwise. Read-only, so viewers may call it
 * and it is not audited.
 */
export function registerPredictRoutes(app: FastifyInstance, predictor: Predictor, maxRowsPerRequest: number): void {
  const bodySchema = predictRequestSchema(maxRowsPerRequest);
  app.post('/v1/models/:name/predict', {
    config: { role: 'viewer', audit: false },
    schema: routeSchema({
      tags: ['predict'],
      summary: 'Forecast rows with the Production (or ?alias=) version; history carries the recent actuals the lag features need',
      params: nameParams,
      querystring: aliasQuery,
      body: bodySchema,
      responses: { 200: predictResponseSchema },
    }),
  }, async (request) => {
    const { name } = parseRequest(nameParams, request.params);
    const { alias } = parseRequest(aliasQuery, request.query);
    const body = parseRequest(bodySchema, request.body);
    return predictor.predict(name, alias, body.rows, body.history);
  });
}
