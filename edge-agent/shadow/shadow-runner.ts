import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ModelRef } from '../../protocols/envelope.js';
import type { ShadowCommand } from '../../protocols/messages/cmd/shadow.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { UpdateCommands } from '../ports.js';
import type { ShadowAssignments } from './shadow-assignments.js';
import type { ShadowScorer } from './shadow-scorer.js';

/**
 * Runs the `shadow` command (issue #13): the assignment is persisted first (so a restart
 * resumes it), then the challenger is installed beside the active model through the update
 * engine's verified install path (download, signature, hashes, golden samples; never
 * activated), then loaded into the shadow scorer. `model: null` stops the experiment.
 */
export class ShadowRunner {
  constructor(
    private readonly assignments: ShadowAssignments,
    private readonly scorer: ShadowScorer,
    private readonly updates: () => UpdateCommands | null,
    private readonly logger: Logger,
    /** Called after the shadow model changed (the daemon re-publishes its birth, which names it). */
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** The challenger scored now (birth `shadowModel`). */
  current(): ModelRef | null {
    return this.scorer.current();
  }

  async apply(command: ShadowCommand): Promise<void> {
    if (command.model === null) {
      const running = this.assignments.running();
      this.assignments.stop(command.experimentId);
      if (running?.experimentId === command.experimentId) {
        await this.scorer.unload();
        this.onChange();
      }
      this.logger.info({ experimentId: command.experimentId }, 'shadow experiment stopped');
      return;
    }
    this.assignments.start({ experimentId: command.experimentId, model: command.model, bundle: command.bundle ?? null, sampleRate: command.sampleRate });
    await this.install();
  }

  /** Resumes the running experiment after a restart; failures are logged, serving goes on. */
  async resume(): Promise<void> {
    if (!this.assignments.running()) return;
    await this.install().catch((error: Error) => this.logger.error({ err: error.message }, 'shadow experiment not resumed'));
  }

  private async install(): Promise<void> {
    const assignment = this.assignments.running();
    if (!assignment) return;
    const install = this.updates()?.installBeside;
    if (!install) throw new FleetcastError('FC_ERR_AGENT_UPDATE_UNAVAILABLE', 'shadow');
    const model = await install(`shadow-${assignment.experimentId}`, assignment.model, assignment.bundle);
    // A stop or another experiment may have arrived while the bundle downloaded.
    if (this.assignments.running()?.experimentId !== assignment.experimentId) return;
    await this.scorer.load(model, assignment.sampleRate);
    this.onChange();
  }
}
