import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { idSchema } from '../../../protocols/ids.js';
import type { Deployments } from '../../deployments/desired-state.js';
import { deploymentResultSchema, deviceDeploymentStatusSchema } from '../../deployments/schema.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { Registry } from '../../registry/registry.js';
import { parseRequest } from '../parse.js';
import { routeSchema } from '../openapi-schema.js';
import { actorOf } from './operator-routes.js';

/**
 * Operator-facing deployment request: a model by `name` + `ref` (version, stage or alias;
 * Production by default) and targets by selector or explicit ids. The registry and fleet turn
 * it into the broker half's `deploy({ model, bundle, deviceIds })`.
 */
export const createDeploymentSchema = z.object({
  deploymentId: idSchema.optional(),
  model: idSchema,
  ref: z.union([z.string().min(1), z.number().int().positive()]).default('Production'),
  selector: z.string().min(1).optional(),
  deviceIds: z.array(idSchema).min(1).optional(),
}).refine((body) => (body.selector === undefined) !== (body.deviceIds === undefined), 'give exactly one of selector or deviceIds');

const idParams = z.object({ id: idSchema });

/** Deployment routes over the desired-state module (cloud-controller/deployments, issue #6 part B). */
export function registerDeploymentRoutes(app: FastifyInstance, deps: { deployments: Deployments; registry: Registry; fleet: Fleet }): void {
  const tags = ['deployments'];
  app.post('/v1/deployments', {
    schema: routeSchema({
      tags,
      summary: 'Deploy a model version (name + ref) to devices by selector or ids (exactly one); idempotent by deploymentId',
      body: createDeploymentSchema,
      responses: { 201: deploymentResultSchema },
    }),
  }, async (request, reply) => {
    const body = parseRequest(createDeploymentSchema, request.body);
    const version = deps.registry.getModelVersion(body.model, body.ref);
    const deviceIds = body.selector !== undefined ? deps.fleet.selectDeviceIds(body.selector) : body.deviceIds ?? [];
    for (const id of deviceIds) {
      if (deps.fleet.isRevoked(id) || !deps.fleet.isEnrolled(id)) throw new FleetcastError('FC_ERR_DEPLOYMENT_NO_TARGETS', `${id} is not an enrolled, unrevoked device`, { deviceId: id });
    }
    if (deviceIds.length === 0) throw new FleetcastError('FC_ERR_DEPLOYMENT_NO_TARGETS', body.selector ?? '');
    // Deploying an older version than the newest registered one is an explicit operator decision
    // (e.g. an older version promoted back to Production): devices get a signed downgrade authorization (issue #11).
    const newest = Math.max(...deps.registry.listVersions(version.name).map((v) => v.version));
    const result = await deps.deployments.deploy({
      deploymentId: body.deploymentId,
      model: { name: version.name, version: version.version },
      bundle: { sha256: version.sha256, size: version.size },
      deviceIds,
      authorizeDowngrade: version.version < newest,
      actor: actorOf(request),
    });
    return reply.status(201).send(result);
  });

  app.get('/v1/deployments/:id', {
    schema: routeSchema({ tags, summary: 'Per-device status of a deployment', params: idParams, responses: { 200: z.object({ deploymentId: idSchema, devices: z.array(deviceDeploymentStatusSchema) }) } }),
  }, async (request) => {
    const { id } = parseRequest(idParams, request.params);
    if (!deps.deployments.exists(id)) throw new FleetcastError('FC_ERR_DEPLOYMENT_NOT_FOUND', id, { deploymentId: id });
    return { deploymentId: id, devices: deps.deployments.status(id) };
  });

  app.get('/v1/devices/:id/deployment', {
    schema: routeSchema({ tags, summary: 'The desired deployment of one device and where it stands', params: idParams, responses: { 200: z.object({ deviceId: idSchema, deployment: deviceDeploymentStatusSchema.nullable() }) } }),
  }, async (request) => {
    const { id } = parseRequest(idParams, request.params);
    deps.fleet.getDevice(id);
    return { deviceId: id, deployment: deps.deployments.deviceStatus(id) ?? null };
  });
}
