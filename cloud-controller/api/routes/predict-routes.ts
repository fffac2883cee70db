import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Predictor } from '../../predict/predictor.js';
import { predictRequestSchema } from '../../predict/schema.js';
import { parseRequest } from '../parse.js';

/**
 * `POST /v1/models/{name}/predict[?alias=champion]`: scores with the Production version unless
 * `alias` (an alias, stage or version number) says otherwise. Read-only, so viewers may call it
 * and it is not audited.
 */
export function registerPredictRoutes(app: FastifyInstance, predictor: Predictor, maxRowsPerRequest: number): void {
  const bodySchema = predictRequestSchema(maxRowsPerRequest);
  app.post('/v1/models/:name/predict', {
    config: { role: 'viewer', audit: false },
    schema: {
      tags: ['predict'],
      summary: 'Forecast rows with the Production (or ?alias=) version; body {rows:[{store,item,date,price?,promo?,tempC?,precipMm?}], history:[{store,item,date,units,price?}]}',
      params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    },
  }, async (request) => {
    const { name } = parseRequest(z.object({ name: z.string() }), request.params);
    const { alias } = parseRequest(z.object({ alias: z.string().min(1).default('Production') }), request.query);
    const body = parseRequest(bodySchema, request.body);
    return predictor.predict(name, alias, body.rows, body.history);
  });
}
