import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { errorCatalog, type ErrorCode } from '../../protocols/errors/catalog.js';
import { loadControllerConfig } from '../config/load.js';
import type { TokenStore } from '../auth/tokens.js';
import { LOCAL_CLI_TOKEN_NAME } from '../api/routes/operator-routes.js';
import { cliActor } from './cli-context.js';
import type { ApiOptions } from './api-options.js';

/**
 * Where a running daemon tells local CLI commands how to reach it (issue #11): its API URL and
 * a token issued at start for this purpose (mode 0600, inside the data dir, which already holds
 * the database — reading it gives nothing the data dir did not). Revoked and removed on stop.
 */
const endpointFileSchema = z.object({ url: z.string().url(), token: z.string(), tokenId: z.string() });
type EndpointFile = z.infer<typeof endpointFileSchema>;

function endpointPath(dataDir: string): string {
  return join(dataDir, 'run', 'api.json');
}

/** Writes the endpoint file for a started daemon, revoking the token a crashed predecessor left. */
export function publishLocalEndpoint(dataDir: string, url: string, tokens: TokenStore): () => void {
  const path = endpointPath(dataDir);
  const previous = readEndpoint(path);
  if (previous) tokens.revoke(previous.tokenId);
  const { token, info } = tokens.create(LOCAL_CLI_TOKEN_NAME, 'admin');
  mkdirSync(join(dataDir, 'run'), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify({ url, token, tokenId: info.tokenId } satisfies EndpointFile), { mode: 0o600 });
  return () => {
    tokens.revoke(info.tokenId);
    rmSync(path, { force: true });
  };
}

function readEndpoint(path: string): EndpointFile | null {
  if (!existsSync(path)) return null;
  const parsed = endpointFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  return parsed.success ? parsed.data : null;
}

/** A minimal client of the controller's REST API: JSON in, JSON out, coded errors. */
export interface ApiClient {
  call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}

/** Resolves URL and token: flags, then environment, then the local daemon's endpoint file. */
export function apiClient(options: ApiOptions): ApiClient {
  const local = (): EndpointFile | null => readEndpoint(endpointPath(loadControllerConfig({ configPath: options.config, dataDir: options.dataDir }).dataDir));
  const url = options.api ?? process.env.FLEETCAST_API_URL ?? local()?.url;
  const token = options.token ?? process.env.FLEETCAST_API_TOKEN ?? local()?.token;
  if (!url || !token) throw new FleetcastError('FC_ERR_CONTROLLER_UNREACHABLE', 'no running controller found for this data dir');
  return {
    async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        response = await fetch(`${url.replace(/\/$/, '')}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'x-fleetcast-actor': cliActor(options), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        throw new FleetcastError('FC_ERR_CONTROLLER_UNREACHABLE', `${url}: ${(error as Error).message}`, { url }, { cause: error });
      }
      const payload = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null;
      if (!response.ok) {
        const code = payload?.error?.code;
        // The server's code is re-raised as is, so the CLI exits with the catalog's status for it.
        if (code && code in errorCatalog) throw new FleetcastError(code as ErrorCode, payload?.error?.message, payload?.error?.details);
        throw new FleetcastError('FC_ERR_CONTROLLER_UNREACHABLE', `${method} ${path}: HTTP ${response.status}`);
      }
      return payload as T;
    },
  };
}
