import { z } from 'zod';
import { heartbeatRecordSchema } from '../../protocols/messages/up.js';
import { idSchema } from '../../protocols/ids.js';
import { approvalRequestSchema, modelVersionSchema, resolvedModelVersionSchema } from '../registry/schema.js';
import { deviceSchema } from '../fleet/schema.js';

/**
 * Response bodies of the REST API, built from the modules' own zod schemas, for the OpenAPI
 * document only (issue #6); handlers return the modules' values unchanged.
 */

/** `GET /v1/models`: one entry per model (Registry.listModels). */
export const modelListSchema = z.object({
  models: z.array(z.object({ name: idSchema, versions: z.number().int().nonnegative(), production: z.number().int().positive().nullable() })),
});

/** `GET /v1/models/{name}/versions/{ref}`: the version with its manifest, without the server-side bundle path. */
export const modelVersionDetailSchema = resolvedModelVersionSchema.omit({ bundlePath: true });

/** Registry.promote / approve applied now (200). */
export const promotionAppliedSchema = z.object({ status: z.literal('applied'), version: modelVersionSchema, archived: z.array(z.number().int().positive()) });

/** Registry.promote waiting for a second operator (202). */
export const promotionPendingSchema = z.object({ status: z.literal('pending'), approval: approvalRequestSchema });

/** `POST /v1/devices` (201): the secret appears only in this response. */
export const enrolledDeviceSchema = z.object({ device: deviceSchema, secret: z.string() });

/** `GET /v1/telemetry/scoring`: TelemetryQueries.scoringTotals. */
export const scoringTotalsSchema = z.object({ requests: z.number().int().nonnegative(), rows: z.number().int().nonnegative(), errorsByCode: z.record(z.string(), z.number().int().nonnegative()) });

/** `GET /v1/devices/{id}/heartbeat`: null before the device's first heartbeat. */
export const latestHeartbeatSchema = z.object({ deviceId: idSchema, heartbeat: heartbeatRecordSchema.nullable() });
