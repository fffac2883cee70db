import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { DeviceCredentialVerifier } from '../broker/adapter.js';
import type { BundleLocator } from './bundle-locator.js';
import { parseByteRange } from './byte-range.js';
import { binaryResponse, routeSchema } from '../api/openapi-schema.js';
import { sha256Schema } from '../../protocols/envelope.js';
import { z } from 'zod';

/** What the bundle route needs. */
export interface BundleRouteOptions {
  locate: BundleLocator;
  /** Devices authenticate with HTTP Basic `deviceId:secret`, the same credential as on MQTT. */
  verifier: DeviceCredentialVerifier;
}

/** The device a Basic credential proves, checked with scrypt on the thread pool (issue #9: never on the event loop). */
async function deviceFromBasicAuth(header: string | undefined, verifier: DeviceCredentialVerifier): Promise<string | undefined> {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const deviceId = decoded.slice(0, colon);
  try {
    return (await verifier.verifyDeviceCredentialsAsync(deviceId, decoded.slice(colon + 1))) ? deviceId : undefined;
  } catch {
    return undefined;
  }
}

function errorBody(error: FleetcastError): { ok: false; error: ReturnType<FleetcastError['toJSON']> } {
  return { ok: false, error: error.toJSON() };
}

/**
 * GET /v1/bundles/:sha256 — the HTTP alternative to chunked MQTT transfer (a deploy command
 * carries its `url`). Supports single `Range` requests (206 + Content-Range, 416 outside the
 * file) so an interrupted download resumes where it stopped. Device-authenticated: 401 with a
 * coded body for unknown or revoked devices.
 */
export function registerBundleRoutes(app: FastifyInstance, options: BundleRouteOptions): void {
  const schema = routeSchema({
    tags: ['bundles'],
    summary: 'Download a bundle by sha256 (HTTP Basic deviceId:secret; single Range requests resume a transfer)',
    params: z.object({ sha256: sha256Schema }),
    responses: { 200: binaryResponse, 206: binaryResponse },
  });
  app.get<{ Params: { sha256: string } }>('/v1/bundles/:sha256', { schema }, async (request, reply) => {
    const deviceId = await deviceFromBasicAuth(request.headers.authorization, options.verifier);
    if (!deviceId) {
      return reply.code(401).header('www-authenticate', 'Basic realm="fleetcast devices"').send(errorBody(new FleetcastError('FC_ERR_UNAUTHENTICATED', 'device credentials required')));
    }
    const bundle = options.locate(request.params.sha256);
    if (!bundle) return reply.code(404).send(errorBody(new FleetcastError('FC_ERR_BLOB_NOT_FOUND', request.params.sha256)));
    const range = parseByteRange(request.headers.range, bundle.size);
    reply.header('accept-ranges', 'bytes').header('etag', `"${request.params.sha256}"`);
    if (range === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${bundle.size}`).send(errorBody(new FleetcastError('FC_ERR_BLOB_RANGE', String(request.headers.range))));
    }
    reply.header('content-type', 'application/octet-stream');
    if (!range) return reply.code(200).header('content-length', bundle.size).send(createReadStream(bundle.path));
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${bundle.size}`)
      .header('content-length', range.end - range.start + 1)
      .send(createReadStream(bundle.path, { start: range.start, end: range.end }));
  });
}
