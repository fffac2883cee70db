import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { exitCodeFor } from '../../protocols/errors/catalog.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { PROTOCOL_VERSION } from '../../protocols/version.js';
import { roleAllows } from '../auth/roles.js';
import type { TokenStore } from '../auth/tokens.js';
import type { AuditLog } from '../auth/audit-log.js';
import type { Registry } from '../registry/registry.js';
import type { Fleet } from '../fleet/fleet.js';
import type { Predictor } from '../predict/predictor.js';
import type { Deployments } from '../deployments/desired-state.js';
import type { TelemetryQueries } from '../telemetry/queries.js';
import { httpStatusFor } from './http-status.js';
import { apiErrorBody } from './error-body.js';
import { registerRegistryRoutes } from './routes/registry-routes.js';
import { registerDeviceRoutes } from './routes/device-routes.js';
import { registerPredictRoutes } from './routes/predict-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerDeploymentRoutes } from './routes/deployment-routes.js';
import { registerTelemetryRoutes } from './routes/telemetry-routes.js';
import { registerDriftRoutes } from './routes/drift-routes.js';
import type { DriftMonitor } from '../monitoring/drift/drift-monitor.js';
import { registerOperatorRoutes } from './routes/operator-routes.js';
import './fastify-augment.js';

/**
 * Routes contributed by another part of the controller (e.g. bundle range downloads).
 * `public` routes skip token auth because they authenticate by other means (device credentials);
 * the OpenAPI document lists them under the `deviceBasic` security scheme.
 */
export interface RoutePlugin {
  register: (app: FastifyInstance) => void | Promise<void>;
  public?: boolean;
}

/** What the REST API serves. */
export interface ApiDependencies {
  registry: Registry;
  fleet: Fleet;
  tokens: TokenStore;
  audit: AuditLog;
  predictor: Predictor;
  /** Desired-state deployments (broker half); routes are served when present. */
  deployments?: Deployments;
  /** Telemetry queries (broker half); routes are served when present. */
  telemetry?: TelemetryQueries;
  /** Merged drift per store, region and fleet (issue #12); the route is served when present. */
  drift?: DriftMonitor;
  /** Most rows one predict call may score. */
  maxPredictRows?: number;
  /** Predict calls one token may run at once (default 2); more get 429 FC_ERR_PREDICT_BUSY. */
  maxConcurrentPredictsPerCaller?: number;
  /** Routes of the broker half (deployments, telemetry queries, bundle range downloads). */
  plugins?: RoutePlugin[];
  /** Largest request body in bytes (bundle uploads, predict batches). */
  bodyLimitBytes?: number;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match ? match[1] : null;
}

/**
 * Builds the REST API (fastify + @fastify/swagger; OpenAPI at `/docs/json`). Every `/v1/`
 * route needs a bearer token whose role covers the route (401 without a valid token, 403 with a
 * weaker role), and every mutating call — allowed or refused — lands in the audit log.
 */
export async function buildApiServer(deps: ApiDependencies): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: deps.bodyLimitBytes ?? 8 * 1024 * 1024 });
  await app.register(swagger, {
    openapi: {
      info: { title: 'fleetcast controller API', version: PROTOCOL_VERSION.agentVersion },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Token from `fleetcast controller token create`; its role must cover the route' },
          deviceBasic: { type: 'http', scheme: 'basic', description: 'Device credentials `deviceId:secret` (the secret from enrolment, as on MQTT)' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // Route schemas are generated from the zod schemas the handlers validate with and serve as
  // documentation only: zod stays the one validator (coded FC_ERR_* errors, z.coerce for query
  // strings) and responses are sent as the modules return them, never filtered by a schema.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (!request.url.startsWith('/v1/') || config.public) return;
    const token = bearerToken(request.headers.authorization);
    const principal = token ? deps.tokens.authenticate(token) : null;
    if (!principal) throw new FleetcastError('FC_ERR_UNAUTHENTICATED');
    request.principal = principal;
    const needed = config.role ?? (READ_METHODS.has(request.method) ? 'viewer' : 'operator');
    if (!roleAllows(principal.role, needed)) throw new FleetcastError('FC_ERR_FORBIDDEN', `${principal.role} < ${needed}`, { role: principal.role, needed });
  });

  app.addHook('onResponse', async (request, reply) => {
    const config = request.routeOptions.config;
    const audited = config.audit ?? !READ_METHODS.has(request.method);
    if (!audited || !request.url.startsWith('/v1/')) return;
    deps.audit.record({
      actor: request.principal?.name ?? 'anonymous',
      role: request.principal?.role ?? null,
      action: `${request.method} ${request.url.split('?')[0]}`,
      detail: JSON.stringify({ params: request.params, query: request.query }),
      status: reply.statusCode,
      result: request.errorCode ?? 'ok',
    });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Fastify's own 4xx errors (malformed JSON, unsupported content type) are bad input too.
    const coded = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? new FleetcastError('FC_ERR_PAYLOAD_TOO_LARGE', error.message)
      : error.code?.startsWith('FST_ERR_') && error.statusCode !== undefined && error.statusCode < 500
        ? new FleetcastError('FC_ERR_INVALID_REQUEST', error.message)
        : toFleetcastError(error);
    request.errorCode = coded.code;
    void reply.status(httpStatusFor(coded.code, exitCodeFor(coded.code))).send(apiErrorBody(coded));
  });
  app.setNotFoundHandler((request, reply) => {
    request.errorCode = 'FC_ERR_ROUTE_NOT_FOUND';
    void reply.status(404).send(apiErrorBody(new FleetcastError('FC_ERR_ROUTE_NOT_FOUND', `${request.method} ${request.url}`)));
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  registerRegistryRoutes(app, deps.registry);
  registerDeviceRoutes(app, deps.fleet);
  registerPredictRoutes(app, deps.predictor, { maxRowsPerRequest: deps.maxPredictRows ?? 10_000, maxConcurrentPerCaller: deps.maxConcurrentPredictsPerCaller ?? 2 });
  registerAuditRoutes(app, deps.audit);
  if (deps.deployments) {
    registerDeploymentRoutes(app, { deployments: deps.deployments, registry: deps.registry, fleet: deps.fleet });
    registerOperatorRoutes(app, { deployments: deps.deployments, registry: deps.registry, fleet: deps.fleet, telemetry: deps.telemetry });
  }
  if (deps.telemetry) registerTelemetryRoutes(app, { telemetry: deps.telemetry, fleet: deps.fleet });
  if (deps.drift) registerDriftRoutes(app, deps.drift);
  for (const plugin of deps.plugins ?? []) {
    await app.register(async (scope) => {
      // Marks every route of a public plugin so the auth hook lets it authenticate by itself.
      // Its only authentication is device HTTP Basic, so that is what the OpenAPI document says.
      if (plugin.public) scope.addHook('onRoute', (route) => {
        route.config = { ...route.config, public: true };
        route.schema = { ...route.schema, security: [{ deviceBasic: [] }] };
      });
      await plugin.register(scope);
    });
  }
  return app;
}
