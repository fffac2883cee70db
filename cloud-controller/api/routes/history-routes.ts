import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { finiteNumber } from '../../../protocols/envelope.js';
import { salesDateSchema } from '../../../protocols/data/sales-date.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { idSchema } from '../../../protocols/ids.js';
import { storeHistorySourceSchema } from '../../../protocols/features/store-history-file.js';
import type { StoreHistory } from '../../history/store-history.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';

const storeParams = z.object({ store: z.string() });
/** Rows one request may carry (the API body limit bounds it too; larger stores use the CLI). */
const MAX_ROWS_PER_REQUEST = 100_000;
const historyBodySchema = z.object({
  rows: z.array(z.object({ item: idSchema, date: salesDateSchema, units: finiteNumber.nonnegative(), price: finiteNumber.nonnegative().optional() })).min(1).max(MAX_ROWS_PER_REQUEST),
});

/**
 * Store history (issue #10): `PUT /v1/stores/{store}/history` replaces the recent daily sales
 * the controller sends with every deployment to that store's devices; `GET` shows what it holds.
 */
export function registerHistoryRoutes(app: FastifyInstance, history: StoreHistory): void {
  const tags = ['history'];
  app.put('/v1/stores/:store/history', {
    schema: routeSchema({ tags, summary: 'Replace a store’s recent daily sales (sent with deployments so the store starts with history)', params: storeParams, body: historyBodySchema, responses: { 200: storeHistorySourceSchema } }),
  }, async (request) => {
    const { store } = parseRequest(storeParams, request.params);
    const body = parseRequest(historyBodySchema, request.body);
    return history.put(store, body.rows.map((row) => ({ ...row, store })));
  });
  app.get('/v1/stores/:store/history', {
    schema: routeSchema({ tags, summary: 'The history the controller holds for a store', params: storeParams, responses: { 200: storeHistorySourceSchema } }),
  }, async (request) => {
    const { store } = parseRequest(storeParams, request.params);
    const source = history.source(store);
    if (!source) throw new FleetcastError('FC_ERR_HISTORY_NOT_FOUND', `no history for store ${store}`, { store });
    return source;
  });
}
