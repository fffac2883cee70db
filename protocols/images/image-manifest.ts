import { z } from 'zod';
import { sha256Schema, timestampSchema } from '../envelope.js';
import { hardwareProfileSchema } from './profile.js';

/** Largest number of files an image may hold (the agent, its dependencies, unit and config). */
export const MAX_IMAGE_FILES = 20_000;

/**
 * A relative path inside an image: `/`-separated parts of letters, digits and `@ . _ + -`,
 * none of them `.` or `..` and none starting with a dot, so no entry can name a file outside
 * the slot it is unpacked into (issue #9's path rule, for nested paths).
 */
export const imagePathSchema = z.string().max(400).regex(/^(?!\.)[A-Za-z0-9@_+-][A-Za-z0-9@._+-]*(\/(?!\.)[A-Za-z0-9@_+-][A-Za-z0-9@._+-]*)*$/, 'must be a relative path of plain parts');

export const imageFileSchema = z.object({
  path: imagePathSchema,
  size: z.number().int().nonnegative(),
  sha256: sha256Schema,
}).strict();
export type ImageFile = z.infer<typeof imageFileSchema>;

/** `major.minor.patch`, the agent version an image carries and reports. */
export const agentVersionSchema = z.string().regex(/^\d{1,6}\.\d{1,6}\.\d{1,6}$/);

/**
 * `manifest.json` of an agent image (issue #16). Signed like a model bundle (ed25519 over its
 * canonical JSON, `protocols/bundle/signature.ts`); every other file is bound to it by size and
 * sha256, so one changed byte, an added file or a removed entry is refused.
 */
export const imageManifestSchema = z.object({
  formatVersion: z.literal(1),
  kind: z.literal('agent-image'),
  version: agentVersionSchema,
  profile: hardwareProfileSchema,
  createdAt: timestampSchema,
  /** Relative to the slot: the script the supervisor runs (`node <slot>/<entry> agent --config …`). */
  entry: imagePathSchema,
  /** Node major version the native modules were built for (`process.versions.modules`). */
  nodeAbi: z.string().regex(/^\d{1,4}$/),
  files: z.array(imageFileSchema).min(1).max(MAX_IMAGE_FILES),
  signer: z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/) }),
}).strict();
export type ImageManifest = z.infer<typeof imageManifestSchema>;
