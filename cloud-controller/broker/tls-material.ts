import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** PEM files of the broker's private CA and its server certificate. */
export interface BrokerTlsMaterial {
  caPath: string;
  certPath: string;
  keyPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Validity of generated certificates; devices in stores are replaced long before 10 years. */
const VALIDITY_YEARS = 10;

function newCertificate(publicKey: forge.pki.PublicKey, serial: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date();
  cert.validity.notAfter.setFullYear(cert.validity.notBefore.getFullYear() + VALIDITY_YEARS);
  return cert;
}

/** Random positive serial (RFC 5280 §4.1.2.2: positive, ≤ 20 octets). */
function randomSerial(): string {
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}

/**
 * Returns the CA and server certificate in `dir`, generating them with node-forge on first use
 * (issue #6: "generate a CA and server certificate, stored in the data dir"). The server
 * certificate names `localhost`, 127.0.0.1 and `hostnames`, so devices verify the broker
 * against the CA rather than turning verification off. Existing files are reused unchanged,
 * because devices already trust that CA.
 */
export function ensureBrokerTls(dir: string, hostnames: string[] = []): BrokerTlsMaterial {
  const caPath = join(dir, 'ca.pem');
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server-key.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  if (!(existsSync(caPath) && existsSync(certPath) && existsSync(keyPath))) {
    mkdirSync(dir, { recursive: true });
    // forge delegates to node's native generateKeyPairSync when available, so this takes milliseconds.
    const caKeys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
    const caCert = newCertificate(caKeys.publicKey, randomSerial());
    const caSubject = [{ name: 'commonName', value: 'fleetcast broker CA' }];
    caCert.setSubject(caSubject);
    caCert.setIssuer(caSubject);
    caCert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    caCert.sign(caKeys.privateKey, forge.md.sha256.create());

    const serverKeys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
    const serverCert = newCertificate(serverKeys.publicKey, randomSerial());
    serverCert.setSubject([{ name: 'commonName', value: hostnames[0] ?? 'localhost' }]);
    serverCert.setIssuer(caSubject);
    const names = [...new Set(['localhost', '127.0.0.1', ...hostnames])];
    serverCert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
    ]);
    serverCert.sign(caKeys.privateKey, forge.md.sha256.create());

    writeFileSync(caKeyPath, forge.pki.privateKeyToPem(caKeys.privateKey), { mode: 0o600 });
    writeFileSync(keyPath, forge.pki.privateKeyToPem(serverKeys.privateKey), { mode: 0o600 });
    writeFileSync(certPath, forge.pki.certificateToPem(serverCert));
    writeFileSync(caPath, forge.pki.certificateToPem(caCert));
  }
  return {
    caPath,
    certPath,
    keyPath,
    caPem: readFileSync(caPath, 'utf8'),
    certPem: readFileSync(certPath, 'utf8'),
    keyPem: readFileSync(keyPath, 'utf8'),
  };
}
