import { z } from 'zod';
import { idSchema } from '../../protocols/ids.js';
import { modelRefSchema, timestampSchema } from '../../protocols/envelope.js';
import { healthSchema } from '../../protocols/messages/state.js';
import { updateStateSchema } from '../../protocols/update-states.js';
import { openingHoursSchema } from './opening-hours.js';

/** An IANA time zone name that this Node's ICU knows (stores schedule nightly work in local time). */
export const timeZoneSchema = z.string().min(1).max(64).refine((value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin');

/** A tag used by target selectors (`tag:pilot`): lowercase, no selector syntax characters. */
export const tagSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'tags are lowercase letters, digits, ., _ and -');

/** What an operator supplies to enrol a device (`fleetcast devices add`, `POST /v1/devices`). */
export const deviceEnrolmentSchema = z.object({
  id: idSchema,
  store: idSchema,
  region: idSchema,
  timezone: timeZoneSchema,
  tags: z.array(tagSchema).max(32).default([]),
  /** Hardware profile the device is expected to run (firmware-images profiles). */
  profile: idSchema,
  /** The store's opening hours in `timezone`; rollouts update it only while it is closed (issue #13). Empty: always. */
  openingHours: openingHoursSchema.default([]),
});
export type DeviceEnrolment = z.infer<typeof deviceEnrolmentSchema>;

/** Inventory as reported by the device's birth/offline messages (absent until the first birth). */
export const deviceReportedSchema = z.object({
  agentVersion: z.string().nullable(),
  hardwareProfile: z.string().nullable(),
  activeModel: modelRefSchema.nullable(),
  shadowModel: modelRefSchema.nullable(),
  retainedModels: z.array(modelRefSchema),
  updateState: updateStateSchema.nullable(),
  deploymentId: z.string().nullable(),
  health: healthSchema.nullable(),
});

/** One device as the registry of the fleet shows it (`devices show`, `GET /v1/devices/{id}`). */
export const deviceSchema = deviceEnrolmentSchema.extend({
  enrolledAt: timestampSchema,
  revokedAt: timestampSchema.nullable(),
  online: z.boolean(),
  /** Last time any message from the device reached the controller. */
  lastSeenAt: timestampSchema.nullable(),
  /** Why the device went offline (last will `lost` or clean `shutdown`). */
  offlineReason: z.enum(['lost', 'shutdown']).nullable(),
  reported: deviceReportedSchema,
});
export type Device = z.infer<typeof deviceSchema>;
