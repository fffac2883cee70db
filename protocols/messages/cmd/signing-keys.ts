import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { envelopeFields } from '../../envelope.js';
import type { TrustedKeys } from '../../bundle/keys.js';
import { controllerSignatureSchema, signStatement, statementSignedBy, type ControllerSignature } from './controller-signature.js';

const keyIdSchema = z.string().regex(/^[0-9a-f]{16}$/);

/**
 * The fleet's bundle signing keys (issue #11): keys to trust in addition to the agent's own
 * config, and keys to stop trusting even when the config names them. `version` only grows, so a
 * replayed older set (e.g. one that still trusted a since-retired key) is refused.
 */
export const signingKeySetSchema = z.object({
  version: z.number().int().positive(),
  trusted: z.array(z.object({ keyId: keyIdSchema, publicKeyPem: z.string().min(1).max(1_000) })).max(32),
  retired: z.array(keyIdSchema).max(64),
});
export type SigningKeySet = z.infer<typeof signingKeySetSchema>;

/** Replace the distributed signing-key set; signed by the controller key, persisted by the agent. */
export const signingKeysCommandSchema = z.object({
  ...envelopeFields,
  type: z.literal('signing-keys'),
  keySet: signingKeySetSchema,
  signature: controllerSignatureSchema,
});
export type SigningKeysCommand = z.infer<typeof signingKeysCommandSchema>;

function statement(keySet: SigningKeySet): unknown {
  return { purpose: 'fleetcast/signing-keys/v1', ...keySet };
}

/** The controller's signature over a key set. */
export function signKeySet(keySet: SigningKeySet, privateKey: KeyObject): ControllerSignature {
  return signStatement(statement(keySet), privateKey);
}

/** True when a controller key signed exactly this key set. */
export function keySetSignedBy(keySet: SigningKeySet, signature: ControllerSignature, controllerKeys: TrustedKeys): boolean {
  return statementSignedBy(statement(keySet), signature, controllerKeys);
}
