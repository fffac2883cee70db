import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { Deployments } from '../../deployments/desired-state.js';
import { rollBackModel, rollbackRequestSchema, rollbackResultSchema } from '../../deployments/rollback.js';
import { deploymentSummarySchema } from '../../deployments/schema.js';
import type { Fleet } from '../../fleet/fleet.js';
import { DEFAULT_OFFLINE_AFTER_SEC, fleetStatus, fleetStatusSchema } from '../../fleet/fleet-status.js';
import type { Registry } from '../../registry/registry.js';
import type { TelemetryQueries } from '../../telemetry/queries.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';

const listQuery = z.object({ limit: z.coerce.number().int().positive().max(1_000).default(100) });
const statusQuery = z.object({ offlineAfterSec: z.coerce.number().int().nonnegative().max(31 * 86_400).default(DEFAULT_OFFLINE_AFTER_SEC) });
const trustBody = z.object({ publicKeyPem: z.string().min(1).max(1_000) });
const keyParams = z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/) });
const keysResponse = z.object({ version: z.number().int().nonnegative(), keys: z.array(z.object({ keyId: z.string(), status: z.enum(['trusted', 'retired']), changedAt: z.string() })), sentTo: z.array(z.string()).optional() });

/** Name of the token a running daemon issues to CLI commands on its own data dir. */
export const LOCAL_CLI_TOKEN_NAME = 'local-cli';

/**
 * Who the registry history names. The daemon's local CLI token (`run/api.json`, readable only
 * with the data dir, which holds the database itself) may name the operator at the terminal,
 * as data-dir CLI commands do; any other token is its own name.
 */
export function actorOf(request: FastifyRequest): string {
  const name = request.principal?.name ?? 'api';
  const header = request.headers['x-fleetcast-actor'];
  return name === LOCAL_CLI_TOKEN_NAME && typeof header === 'string' && /^[\w.:@-]{1,100}$/.test(header) ? header : name;
}

/** The operator's everyday verbs over REST (issue #11): deployments list, rollback, fleet status, signing keys. */
export function registerOperatorRoutes(app: FastifyInstance, deps: { deployments: Deployments; registry: Registry; fleet: Fleet; telemetry?: TelemetryQueries }): void {
  app.get('/v1/deployments', {
    schema: routeSchema({ tags: ['deployments'], summary: 'Deployments newest first, with per-status device counts', querystring: listQuery, responses: { 200: z.object({ deployments: z.array(deploymentSummarySchema) }) } }),
  }, async (request) => ({ deployments: deps.deployments.list(parseRequest(listQuery, request.query).limit) }));

  app.post('/v1/rollbacks', {
    schema: routeSchema({ tags: ['deployments'], summary: 'Return stores to the previous (or a named) version with a controller-signed downgrade authorization; recorded in the registry history', body: rollbackRequestSchema, responses: { 201: rollbackResultSchema } }),
  }, async (request, reply) => {
    const body = parseRequest(rollbackRequestSchema, request.body);
    return reply.status(201).send(await rollBackModel(deps, body, actorOf(request)));
  });

  app.get('/v1/fleet/status', {
    schema: routeSchema({ tags: ['devices'], summary: 'Fleet at a glance: online/offline, serving version, update state, health, accuracy, drift; ok=false when a device failed or is offline too long', querystring: statusQuery, responses: { 200: fleetStatusSchema } }),
  }, async (request) => {
    const { offlineAfterSec } = parseRequest(statusQuery, request.query);
    return fleetStatus({ devices: deps.fleet.listDevices(), deploymentOf: (id) => deps.deployments.deviceStatus(id), telemetry: deps.telemetry, now: new Date(), offlineAfterSec });
  });

  const keys = (): NonNullable<Deployments['keys']> => {
    if (!deps.deployments.keys) throw new FleetcastError('FC_ERR_INTERNAL', 'no controller key');
    return deps.deployments.keys;
  };
  app.get('/v1/signing-keys', {
    schema: routeSchema({ tags: ['signing-keys'], summary: 'The fleet signing-key set distributed to devices', responses: { 200: keysResponse } }),
  }, async () => keys().list());

  app.post('/v1/signing-keys', {
    schema: routeSchema({ tags: ['signing-keys'], summary: 'Trust a bundle signing key fleet-wide: a controller-signed key set goes to every device (online now, the rest on reconnect)', body: trustBody, responses: { 201: keysResponse } }),
  }, async (request, reply) => {
    keys().trust(parseRequest(trustBody, request.body).publicKeyPem);
    const sentTo = await deps.deployments.distributeKeys();
    return reply.status(201).send({ ...keys().list(), sentTo });
  });

  app.post('/v1/signing-keys/:keyId/retire', {
    schema: routeSchema({ tags: ['signing-keys'], summary: 'Retire a signing key fleet-wide (no body)', params: keyParams, responses: { 200: keysResponse } }),
  }, async (request) => {
    keys().retire(parseRequest(keyParams, request.params).keyId);
    const sentTo = await deps.deployments.distributeKeys();
    return { ...keys().list(), sentTo };
  });
}
