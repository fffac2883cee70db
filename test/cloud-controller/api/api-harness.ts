import type { FastifyInstance } from 'fastify';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { buildApiServer } from '../../../cloud-controller/api/server.js';
import { Fleet } from '../../../cloud-controller/fleet/fleet.js';
import { TokenStore } from '../../../cloud-controller/auth/tokens.js';
import { AuditLog } from '../../../cloud-controller/auth/audit-log.js';
import { Predictor } from '../../../cloud-controller/predict/predictor.js';
import type { Registry } from '../../../cloud-controller/registry/registry.js';
import { Deployments } from '../../../cloud-controller/deployments/desired-state.js';
import { TelemetryQueries } from '../../../cloud-controller/telemetry/queries.js';
import { TelemetryIngest } from '../../../cloud-controller/telemetry/ingest.js';
import { registerBundleRoutes } from '../../../cloud-controller/distribution/http-routes.js';
import { artifactStoreLocator } from '../../../cloud-controller/distribution/bundle-locator.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { TestSigningKey } from '../../helpers/bundle-fixtures.js';
import { openTestRegistry, tempDir } from '../helpers.js';

/** A live API on 127.0.0.1 with one token per role (two operators for the four-eyes rule). */
export interface TestApi {
  app: FastifyInstance;
  base: string;
  registry: Registry;
  fleet: Fleet;
  /** Present with `brokerHalf`: where the device link would write ingested batches. */
  ingest: TelemetryIngest | null;
  tokens: { viewer: string; operator: string; operator2: string; admin: string };
  audit: AuditLog;
  close(): Promise<void>;
}

/** Starts the real fastify server on a free loopback port over a fresh data dir. */
export async function startTestApi(key: TestSigningKey, options: { requireProductionApproval?: boolean; brokerHalf?: boolean; dataDir?: string } = {}): Promise<TestApi> {
  const dataDir = options.dataDir ?? tempDir();
  const { db, registry } = openTestRegistry(dataDir, key, options);
  const tokenStore = new TokenStore(db);
  const audit = new AuditLog(db);
  const fleet = new Fleet(db);
  const predictor = new Predictor(registry, trustedKeysFromPems([key.publicKeyPem]));
  // The broker half's modules over the same db; no device link runs here, so every device is
  // offline and a deploy only records desired state (a send would fail as not connected).
  const brokerHalf = options.brokerHalf
    ? {
        deployments: new Deployments({
          db,
          sendCommand: async () => {
            throw new FleetcastError('FC_ERR_LINK_NOT_CONNECTED');
          },
          isOnline: (deviceId) => fleet.getDevice(deviceId).online,
          sender: { role: 'controller', id: 'controller' },
        }),
        telemetry: new TelemetryQueries(db),
        plugins: [{ public: true, register: (app: FastifyInstance) => registerBundleRoutes(app, { locate: artifactStoreLocator(dataDir), verifier: fleet }) }],
      }
    : {};
  const app = await buildApiServer({ registry, fleet, tokens: tokenStore, audit, predictor, ...brokerHalf });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    base,
    registry,
    fleet,
    ingest: options.brokerHalf ? new TelemetryIngest(db) : null,
    audit,
    tokens: {
      viewer: tokenStore.create('vera', 'viewer').token,
      operator: tokenStore.create('otto', 'operator').token,
      operator2: tokenStore.create('olga', 'operator').token,
      admin: tokenStore.create('ada', 'admin').token,
    },
    close: async () => {
      await app.close();
      await predictor.close();
      db.close();
    },
  };
}

/** One HTTP call; Buffers go as application/octet-stream, other bodies as JSON. */
export async function call(api: TestApi, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | Buffer | undefined;
  if (Buffer.isBuffer(body)) {
    headers['content-type'] = 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${api.base}${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The FC_ERR_* code of an error response. */
export function errorCode(json: Record<string, unknown>): string | undefined {
  return (json.error as { code?: string } | undefined)?.code;
}
