import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ControllerDb } from '../storage/db.js';
import { principalSchema } from '../auth/tokens.js';
import { parseRequest } from '../api/parse.js';
import { routeSchema } from '../api/openapi-schema.js';
import { DashboardQueries, accuracyLevelSchema, accuracySeriesSchema, driftHeatmapSchema } from './dashboard-queries.js';

/**
 * The dashboard's files. tsc compiles only TypeScript, so the page is served from the source
 * tree beside the compiled code (`dist/cloud-controller/dashboard` → `cloud-controller/dashboard/static`);
 * plain ES modules, no build step, nothing fetched from the internet (issue #14).
 */
export const DASHBOARD_STATIC_DIR = fileURLToPath(new URL('../../../cloud-controller/dashboard/static/', import.meta.url));

/** ECharts' prebuilt browser file from the installed package, served at /vendor/echarts.min.js. */
function echartsFile(): string {
  const main = createRequire(import.meta.url).resolve('echarts');
  return join(dirname(main), 'echarts.min.js');
}

const accuracyQuery = z.object({ level: accuracyLevelSchema.default('fleet'), days: z.coerce.number().int().positive().max(366).default(60) });

/**
 * The web dashboard at `/` (issue #14): static page + ECharts from node_modules, plus the read
 * models the page needs that the API lacked (who am I, accuracy by day and level, drift
 * heatmap). Those sit under `/v1/` so the API's token hook and roles cover them; the page itself
 * holds no data and needs no token.
 */
export async function registerDashboard(app: FastifyInstance, deps: { db: ControllerDb }): Promise<void> {
  const queries = new DashboardQueries(deps.db);
  const tags = ['dashboard'];
  // One route per file present at start (wildcard off), so unknown paths keep the API's coded 404.
  await app.register(fastifyStatic, { root: DASHBOARD_STATIC_DIR, prefix: '/', wildcard: false, index: 'index.html', schemaHide: true, cacheControl: false });
  const echarts = echartsFile();
  app.get('/vendor/echarts.min.js', { schema: { hide: true } }, async (_request, reply) => reply.type('application/javascript; charset=utf-8').send(createReadStream(echarts)));

  app.get('/v1/session', {
    schema: routeSchema({ tags, summary: 'Who the token is: name and role (the dashboard enables operator buttons by it)', responses: { 200: principalSchema.omit({ tokenId: true }) } }),
  }, async (request) => {
    if (!request.principal) throw new FleetcastError('FC_ERR_UNAUTHENTICATED');
    return { name: request.principal.name, role: request.principal.role };
  });

  app.get('/v1/dashboard/accuracy', {
    schema: routeSchema({ tags, summary: 'Active-model accuracy (WAPE, MAE) per sales day, fleet-wide or per region or store', querystring: accuracyQuery, responses: { 200: z.object({ level: accuracyLevelSchema, series: z.array(accuracySeriesSchema) }) } }),
  }, async (request) => {
    const { level, days } = parseRequest(accuracyQuery, request.query);
    return { level, series: queries.accuracy(level, days) };
  });

  app.get('/v1/dashboard/drift', {
    schema: routeSchema({ tags, summary: 'Store × feature PSI of each device’s latest drift window', responses: { 200: driftHeatmapSchema } }),
  }, async () => queries.driftHeatmap());
}
