import { readFile } from 'node:fs/promises';
import { isAbsolute, dirname, resolve } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { agentConfigSchema, type AgentConfig } from './schema.js';

/**
 * Reads and validates `agent.json`. Relative paths in it resolve against the file's own
 * directory, so a config can travel with its data directory. Failures are coded:
 * FC_ERR_FILE_NOT_FOUND, FC_ERR_MALFORMED_JSON, FC_ERR_INVALID_CONFIG (with the zod path).
 */
export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', path, { path }, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FleetcastError('FC_ERR_MALFORMED_JSON', `${path}: ${(error as Error).message}`, { path });
  }
  return parseAgentConfig(raw, dirname(resolve(path)));
}

/** Validates an already-parsed config; `baseDir` anchors relative paths. */
export function parseAgentConfig(raw: unknown, baseDir: string): AgentConfig {
  const result = agentConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FleetcastError('FC_ERR_INVALID_CONFIG', `${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      path: issue.path,
      issues: result.error.issues.slice(0, 10).map((i) => ({ path: i.path, message: i.message })),
    });
  }
  const config = result.data;
  const anchor = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...config,
    dataDir: anchor(config.dataDir),
    modelDir: config.modelDir === undefined ? undefined : anchor(config.modelDir),
    pos: { ...config.pos, tls: config.pos.tls && { certFile: anchor(config.pos.tls.certFile), keyFile: anchor(config.pos.tls.keyFile) } },
    image: config.image && { installDir: anchor(config.image.installDir) },
    uplink: config.uplink && { ...config.uplink, caFile: config.uplink.caFile === undefined ? undefined : anchor(config.uplink.caFile) },
  };
}
