import { z } from 'zod';
import { deployCommandSchema } from './deploy.js';
import { rollbackCommandSchema } from './rollback.js';
import { configureCommandSchema } from './configure.js';
import { shadowCommandSchema } from './shadow.js';
import { imageUpdateCommandSchema } from './image-update.js';
import { pingCommandSchema } from './ping.js';
import { signingKeysCommandSchema } from './signing-keys.js';

export * from './deploy.js';
export * from './rollback.js';
export * from './configure.js';
export * from './shadow.js';
export * from './image-update.js';
export * from './ping.js';
export * from './signing-keys.js';
export * from './controller-signature.js';
export * from './downgrade-authorization.js';

/** Payloads of `fc/v1/d/{deviceId}/cmd`. */
export const commandSchema = z.discriminatedUnion('type', [
  deployCommandSchema,
  rollbackCommandSchema,
  configureCommandSchema,
  shadowCommandSchema,
  imageUpdateCommandSchema,
  pingCommandSchema,
  signingKeysCommandSchema,
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandType = Command['type'];
