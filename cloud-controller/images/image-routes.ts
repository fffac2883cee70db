import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TrustedKeys } from '../../protocols/bundle/keys.js';
import type { Sender } from '../../protocols/envelope.js';
import { sha256Schema } from '../../protocols/envelope.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { idSchema } from '../../protocols/ids.js';
import { verifyImage } from '../../protocols/images/verify-image.js';
import type { ImageUpdateCommand } from '../../protocols/messages/cmd/image-update.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import type { Fleet } from '../fleet/fleet.js';
import { artifactPath } from '../storage/artifacts.js';
import { parseRequest } from '../api/parse.js';
import { routeSchema } from '../api/openapi-schema.js';

/** `POST /v1/images/deployments`: an image already in the artifact store, to devices by selector or ids. */
export const imageDeploymentRequestSchema = z.object({
  deploymentId: idSchema.optional(),
  sha256: sha256Schema,
  selector: z.string().min(1).optional(),
  deviceIds: z.array(idSchema).min(1).max(10_000).optional(),
}).refine((body) => (body.selector === undefined) !== (body.deviceIds === undefined), 'give exactly one of selector or deviceIds');

export const imageDeploymentResultSchema = z.object({
  deploymentId: idSchema,
  version: z.string(),
  profile: idSchema,
  sizeBytes: z.number().int().positive(),
  /** Devices sent the command now. */
  sent: z.array(idSchema),
  /** Targets offline now: they are not sent it later (image deployments are not desired state yet). */
  offline: z.array(idSchema),
  /** Targets reporting another hardware profile: never sent an image built for another board. */
  otherProfile: z.array(idSchema),
});
export type ImageDeploymentResult = z.infer<typeof imageDeploymentResultSchema>;

/** What the image route needs from the controller. */
export interface ImageRouteDeps {
  dataDir: string;
  fleet: Fleet;
  trustedKeys: TrustedKeys;
  sender: Sender;
  sendCommand(deviceId: string, command: ImageUpdateCommand): Promise<void>;
  /** HTTP URL of an artifact when range downloads are offered. */
  bundleUrl?: (sha256: string) => string;
}

/**
 * Agent image deployments (issue #16, `fleetcast deploy --kind image`): the controller verifies
 * the image with the fleet's trusted signers (an image it would not trust is never sent), then
 * sends `image-update` to each enrolled target on the image's profile that is online. The
 * inventory shows each device's `agentVersion` from its birth message, so a device that
 * returned to its previous slot shows the previous version.
 */
export function registerImageRoutes(app: FastifyInstance, deps: ImageRouteDeps): void {
  app.post('/v1/images/deployments', {
    schema: routeSchema({ tags: ['images'], summary: 'Send a signed agent image (already in the artifact store) to devices of its hardware profile', body: imageDeploymentRequestSchema, responses: { 201: imageDeploymentResultSchema } }),
  }, async (request, reply) => {
    const body = parseRequest(imageDeploymentRequestSchema, request.body);
    const path = artifactPath(deps.dataDir, body.sha256);
    if (!existsSync(path)) throw new FleetcastError('FC_ERR_BLOB_NOT_FOUND', body.sha256, { sha256: body.sha256 });
    const { manifest, sizeBytes } = await verifyImage(path, deps.trustedKeys);
    const deviceIds = body.selector !== undefined ? deps.fleet.selectDeviceIds(body.selector) : body.deviceIds ?? [];
    const targets = deviceIds.filter((id) => deps.fleet.isEnrolled(id) && !deps.fleet.isRevoked(id));
    if (targets.length === 0) throw new FleetcastError('FC_ERR_DEPLOYMENT_NO_TARGETS', body.selector ?? '');
    const deploymentId = body.deploymentId ?? `img-${randomUUID()}`;
    const result: ImageDeploymentResult = { deploymentId, version: manifest.version, profile: manifest.profile.id, sizeBytes, sent: [], offline: [], otherProfile: [] };
    for (const deviceId of targets) {
      const device = deps.fleet.getDevice(deviceId);
      // The profile the device reports in its birth wins over the one it was enrolled with.
      if ((device.reported.hardwareProfile ?? device.profile) !== manifest.profile.id) result.otherProfile.push(deviceId);
      else if (!device.online) result.offline.push(deviceId);
      else {
        const url = deps.bundleUrl?.(body.sha256);
        await deps.sendCommand(deviceId, { ...envelope(deps.sender), type: 'image-update', deploymentId, image: { version: manifest.version, hardwareProfile: manifest.profile.id }, bundle: { sha256: body.sha256, size: sizeBytes, ...(url ? { url } : {}) } });
        result.sent.push(deviceId);
      }
    }
    return reply.status(201).send(result);
  });
}
