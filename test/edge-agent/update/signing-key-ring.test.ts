import test from 'ava';
import { join } from 'node:path';
import { parsePrivateKeyPem, trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import { signKeySet, type SigningKeySet, type SigningKeysCommand } from '../../../protocols/messages/cmd/signing-keys.js';
import { authorizeDowngrade, downgradeAuthorized } from '../../../protocols/messages/cmd/downgrade-authorization.js';
import { openAgentDb } from '../../../edge-agent/storage/db.js';
import { SigningKeyRing } from '../../../edge-agent/update/trusted-keys.js';
import { makeSigningKey } from '../../helpers/bundle-fixtures.js';
import { tempDir } from '../../cloud-controller/helpers.js';

const controller = makeSigningKey();
const controllerKeys = trustedKeysFromPems([controller.publicKeyPem]);
const sender = { role: 'controller' as const, id: 'controller' };

function command(keySet: SigningKeySet, signer = controller.privateKey): SigningKeysCommand {
  return { ...envelope(sender), type: 'signing-keys', keySet, signature: signKeySet(keySet, signer) };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

test('the fleet set adds and retires signers, is persisted, and only a controller-signed, newer set applies', (t) => {
  const dir = tempDir('fc-keyring-');
  const fromConfig = makeSigningKey();
  const added = makeSigningKey();
  const configKeys = trustedKeysFromPems([fromConfig.publicKeyPem]);
  const db = openAgentDb(join(dir, 'agent.db'));
  const ring = new SigningKeyRing(db, configKeys, controllerKeys);
  t.deepEqual([...ring.keys.keys()], [fromConfig.keyId]);

  const v1 = command({ version: 1, trusted: [{ keyId: added.keyId, publicKeyPem: added.publicKeyPem }], retired: [] });
  t.true(ring.apply(v1));
  t.deepEqual([...ring.keys.keys()].sort(), [fromConfig.keyId, added.keyId].sort());
  t.false(ring.apply(v1), 'the same version again changes nothing');

  // A bundle signer cannot rotate keys, and a tampered set fails the controller signature.
  const forged = command({ version: 2, trusted: [], retired: [added.keyId] }, parsePrivateKeyPem(added.privateKeyPem));
  t.is(codeOf(() => ring.apply(forged)), 'FC_ERR_KEYSET_SIGNATURE_INVALID');
  const tampered = { ...v1, keySet: { ...v1.keySet, version: 5 } };
  t.is(codeOf(() => ring.apply(tampered)), 'FC_ERR_KEYSET_SIGNATURE_INVALID');

  const v2 = command({ version: 2, trusted: [{ keyId: added.keyId, publicKeyPem: added.publicKeyPem }], retired: [fromConfig.keyId] });
  t.true(ring.apply(v2));
  t.deepEqual([...ring.keys.keys()], [added.keyId], 'retiring removes a key the config trusts');
  t.is(codeOf(() => ring.apply(v1)), 'FC_ERR_KEYSET_STALE', 'a replayed older set is refused');
  db.close();

  const reopened = openAgentDb(join(dir, 'agent.db'));
  const restarted = new SigningKeyRing(reopened, configKeys, controllerKeys);
  t.is(restarted.version(), 2);
  t.deepEqual([...restarted.keys.keys()], [added.keyId]);
  // A stored row that no longer parses must not stop a restart: the config keys serve.
  reopened.prepare("UPDATE signing_key_set SET key_set = '{not json'").run();
  t.deepEqual([...new SigningKeyRing(reopened, configKeys, controllerKeys).keys.keys()], [fromConfig.keyId]);
  reopened.close();
});

test('a downgrade authorization holds only for its device, deployment, version and bundle', (t) => {
  const grant = { deviceId: 'store-a', deploymentId: 'rb-1', model: { name: 'demand', version: 1 }, sha256: 'a'.repeat(64) };
  const signature = authorizeDowngrade(grant, controller.privateKey);
  t.true(downgradeAuthorized(grant, signature, controllerKeys));
  t.false(downgradeAuthorized({ ...grant, deviceId: 'store-b' }, signature, controllerKeys));
  t.false(downgradeAuthorized({ ...grant, deploymentId: 'rb-2' }, signature, controllerKeys));
  t.false(downgradeAuthorized({ ...grant, model: { name: 'demand', version: 2 } }, signature, controllerKeys));
  t.false(downgradeAuthorized({ ...grant, sha256: 'b'.repeat(64) }, signature, controllerKeys));
  const bundleSigner = makeSigningKey();
  t.false(downgradeAuthorized(grant, authorizeDowngrade(grant, bundleSigner.privateKey), controllerKeys), 'only controller keys authorize');
});
