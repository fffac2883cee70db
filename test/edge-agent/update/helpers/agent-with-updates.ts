/**
 * Child-process entry for update crash tests: the REAL agent daemon (`startAgent`) wired with
 * the real model store and update engine (`prepareAgentUpdates`), exactly as
 * `fleetcast agent --config` does once it passes the update extensions. Argument 1 is the
 * config path, argument 2 the blob chunk size (small, so a test bundle spans several chunks).
 * Prints `{"event":"ready"}` on stdout when serving; SIGTERM stops it cleanly.
 */
import { loadAgentConfig } from '../../../../edge-agent/config/load-config.js';
import { startAgent } from '../../../../edge-agent/daemon.js';
import { prepareAgentUpdates } from '../../../../edge-agent/update/agent-updates.js';

const [configPath, chunkBytes] = process.argv.slice(2);
const config = await loadAgentConfig(configPath);
const parts = await prepareAgentUpdates(config, { keepVersions: 3, blob: { chunkBytes: Number(chunkBytes ?? 4096), chunkTimeoutMs: 5_000 } });
const agent = await startAgent(config, parts);
process.stdout.write(`${JSON.stringify({ event: 'ready', posPort: agent.posPort })}\n`);
process.once('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
