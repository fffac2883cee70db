import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../../auth/audit-log.js';
import { parseRequest } from '../parse.js';

/** Audit log reading, admins only (it names every operator's actions). */
export function registerAuditRoutes(app: FastifyInstance, audit: AuditLog): void {
  app.get('/v1/audit', { config: { role: 'admin' }, schema: { tags: ['audit'], summary: 'Newest audit entries first (?limit=)' } }, async (request) => {
    const { limit } = parseRequest(z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }), request.query);
    return { entries: audit.list(limit) };
  });
}
