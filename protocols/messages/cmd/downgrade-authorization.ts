import type { KeyObject } from 'node:crypto';
import type { ModelRef } from '../../envelope.js';
import type { TrustedKeys } from '../../bundle/keys.js';
import { signStatement, statementSignedBy, type ControllerSignature } from './controller-signature.js';

/** What a downgrade authorization is bound to: one device, one deployment, one bundle (issue #11). */
export interface DowngradeGrant {
  deviceId: string;
  deploymentId: string;
  model: ModelRef;
  sha256: string;
}

/**
 * The signed statement. The purpose string keeps a signature made for another statement type
 * (e.g. a signing-key set) from ever verifying as a downgrade authorization.
 */
function statement(grant: DowngradeGrant): unknown {
  return { purpose: 'fleetcast/downgrade/v1', deviceId: grant.deviceId, deploymentId: grant.deploymentId, model: { name: grant.model.name, version: grant.model.version }, sha256: grant.sha256 };
}

/** The controller signs an operator's rollback (or deploy of an older version) for one device. */
export function authorizeDowngrade(grant: DowngradeGrant, privateKey: KeyObject): ControllerSignature {
  return signStatement(statement(grant), privateKey);
}

/**
 * True when `signature` authorizes exactly this device, deployment, model version and bundle.
 * A captured command replayed to another device, or reused with another bundle, fails here.
 */
export function downgradeAuthorized(grant: DowngradeGrant, signature: ControllerSignature, controllerKeys: TrustedKeys): boolean {
  return statementSignedBy(statement(grant), signature, controllerKeys);
}
