import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '../../../protocols/ids.js';
import type { Fleet } from '../../fleet/fleet.js';
import { FLEET_SUBJECT } from '../../monitoring/accuracy/counter-rows.js';
import { accuracySeriesBySubject } from '../../monitoring/accuracy/series.js';
import { alarmParametersResolver, type AccuracyMonitoringConfig } from '../../monitoring/accuracy/thresholds.js';
import type { ControllerDb } from '../../storage/db.js';
import { levelSchema } from '../../alerts/schema.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';

const seriesQuery = z
  .object({
    level: levelSchema,
    /** Store id or region; not used for the fleet. */
    subject: idSchema.optional(),
    model: idSchema.optional(),
    /** First day included (YYYY-MM-DD). */
    since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').optional(),
  })
  .refine((query) => query.level === 'fleet' || query.subject !== undefined, { message: 'store and region levels need a subject', path: ['subject'] });

const pointSchema = z.object({
  windowStart: z.string(),
  windowEnd: z.string(),
  n: z.number(),
  wape: z.number().nullable(),
  bias: z.number().nullable(),
  rmse: z.number().nullable(),
  mase: z.number().nullable(),
  alarm: z.enum(['ok', 'warning', 'alarm']),
  statistic: z.number(),
});
const seriesResponse = z.object({ level: levelSchema, subject: z.string(), points: z.array(pointSchema) });

/**
 * The accuracy series of a store, region or the fleet (issue #12) for viewers — merged counters
 * and the sequential alarm with the controller's configured parameters for that model and store
 * group — the same series alert rules read and `fleetcast drift report` charts.
 */
export function registerAccuracyRoutes(app: FastifyInstance, deps: { db: ControllerDb; fleet: Fleet; config: AccuracyMonitoringConfig }): void {
  app.get('/v1/accuracy/series', { schema: routeSchema({ tags: ['monitoring'], summary: 'Accuracy windows and the alarm of a store, region or the fleet', querystring: seriesQuery, responses: { 200: seriesResponse } }) }, async (request) => {
    const query = parseRequest(seriesQuery, request.query);
    const subject = query.level === 'fleet' ? FLEET_SUBJECT : (query.subject as string);
    const resolve = alarmParametersResolver(deps.config, deps.fleet.listDevices(), query.model, query.level);
    const points = accuracySeriesBySubject(deps.db, { level: query.level, model: query.model, since: query.since }, resolve).get(subject) ?? [];
    return { level: query.level, subject, points };
  });
}
