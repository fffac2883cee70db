import type { FastifyInstance } from 'fastify';
import type { ControllerMetrics } from './controller-metrics.js';

/**
 * `GET /metrics` (outside `/v1/`, so Prometheus scrapes it without a token, like every
 * exporter; it carries counts, never ids or secrets) and the hook timing every request. The
 * hook goes on the root instance, so it sees every route (issue #14).
 */
export function instrumentApi(app: FastifyInstance, metrics: ControllerMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    metrics.apiLatency.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1_000);
    if (route === '/v1/bundles/:sha256' && (reply.statusCode === 200 || reply.statusCode === 206)) {
      metrics.httpTransferBytes.inc(Number(reply.getHeader('content-length') ?? 0));
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('content-type', contentType).send(body);
  });
}
