import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../bundle/canonical-json.js';
import { keyIdOf, type TrustedKeys } from '../../bundle/keys.js';

/**
 * An ed25519 signature by the controller's own key (issue #11) over the canonical JSON of a
 * statement. Agents trust controller keys separately from bundle signers (`controllerKeys` in
 * agent.json), so a bundle signing key can never authorize a downgrade or rotate keys, and the
 * controller cannot sign models.
 */
export const controllerSignatureSchema = z.object({
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** base64 of the raw 64-byte ed25519 signature. */
  value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});
export type ControllerSignature = z.infer<typeof controllerSignatureSchema>;

/** Signs `statement` (its canonical JSON) with the controller's private key. */
export function signStatement(statement: unknown, privateKey: KeyObject): ControllerSignature {
  const value = sign(null, Buffer.from(canonicalJson(statement), 'utf8'), privateKey).toString('base64');
  return { keyId: keyIdOf(createPublicKey(privateKey)), value };
}

/** True when `signature` is a valid signature of `statement` by one of `keys`. */
export function statementSignedBy(statement: unknown, signature: ControllerSignature, keys: TrustedKeys): boolean {
  const key = keys.get(signature.keyId);
  if (!key) return false;
  try {
    return verify(null, Buffer.from(canonicalJson(statement), 'utf8'), key, Buffer.from(signature.value, 'base64'));
  } catch {
    return false;
  }
}
