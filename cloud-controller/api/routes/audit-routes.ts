import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { auditEntrySchema, type AuditLog } from '../../auth/audit-log.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';

const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** Audit log reading, admins only (it names every operator's actions). */
export function registerAuditRoutes(app: FastifyInstance, audit: AuditLog): void {
  app.get('/v1/audit', {
    config: { role: 'admin' },
    schema: routeSchema({ tags: ['audit'], summary: 'Newest audit entries first (?limit=)', querystring: limitQuery, responses: { 200: z.object({ entries: z.array(auditEntrySchema) }) } }),
  }, async (request) => {
    const { limit } = parseRequest(limitQuery, request.query);
    return { entries: audit.list(limit) };
  });
}
