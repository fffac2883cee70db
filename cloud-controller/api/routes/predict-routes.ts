import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Predictor } from '../../predict/predictor.js';
import { CallerLimit } from '../../predict/caller-limit.js';
import { predictRequestSchema, predictResponseSchema } from '../../predict/schema.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';

const nameParams = z.object({ name: z.string() });
const aliasQuery = z.object({ alias: z.string().min(1).default('Production') });

/**
 * `POST /v1/models/{name}/predict[?alias=champion]`: scores with the Production version unless
 * `alias` (an alias, stage or version number) says otherwise. Read-only, so viewers may call it
 * and it is not audited. Each token may run `maxConcurrentPerCaller` at once (429 past it).
 */
export function registerPredictRoutes(app: FastifyInstance, predictor: Predictor, limits: { maxRowsPerRequest: number; maxConcurrentPerCaller: number }): void {
  const bodySchema = predictRequestSchema(limits.maxRowsPerRequest);
  const callers = new CallerLimit(limits.maxConcurrentPerCaller);
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
    return callers.run(request.principal?.tokenId ?? 'anonymous', () => predictor.predict(name, alias, body.rows, body.history));
  });
}
