import { z } from 'zod';
import { idSchema } from '../ids.js';

/**
 * onnxruntime session options a profile sets (issue #16): thread pools sized to the board's
 * cores, sequential or parallel execution, graph optimisation level. Bounded so a profile can
 * never ask onnxruntime for hundreds of threads on a store box.
 */
export const onnxRuntimeOptionsSchema = z.object({
  /** Threads inside one operator (the agent scores small batches: 1–2 is usually best). */
  intraOpNumThreads: z.number().int().min(1).max(64),
  /** Threads across operators; only used with `executionMode: 'parallel'`. */
  interOpNumThreads: z.number().int().min(1).max(64),
  executionMode: z.enum(['sequential', 'parallel']),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']),
}).strict();
export type OnnxRuntimeOptions = z.infer<typeof onnxRuntimeOptionsSchema>;

/** The part of a profile the running agent applies (on the main thread and in its workers). */
export const profileRuntimeSchema = z.object({
  onnxruntime: onnxRuntimeOptionsSchema,
  /**
   * Which graph to serve when a bundle ships both: `int8` (when its golden samples pass here)
   * or always `fp32` (boards whose int8 kernels are no faster, or where fp32 is preferred).
   */
  precision: z.enum(['int8', 'fp32']),
}).strict();
export type ProfileRuntime = z.infer<typeof profileRuntimeSchema>;

/**
 * A store hardware profile (issue #16, `firmware-images/profiles/*.json`): what an image is
 * built for and how the agent on that board runs. `fleetcast image build --profile` embeds it
 * in the image's default config; the agent applies it (`profile` config option).
 */
export const hardwareProfileSchema = z.object({
  /** Profile id; also the `hardwareProfile` the agent reports in its birth message. */
  id: idSchema,
  description: z.string().min(1).max(200),
  /** Node's `process.arch` of the board; native modules must be built for it. */
  arch: z.enum(['x64', 'arm64']),
  platform: z.literal('linux'),
  cores: z.number().int().min(1).max(256),
  memoryBytes: z.number().int().min(256 * 1024 * 1024).max(1024 * 1024 * 1024 * 1024),
  /** Disk the whole installation may use (both slots, data, outbox); an image must fit half of it. */
  diskBudgetBytes: z.number().int().min(64 * 1024 * 1024),
  /** Outbox byte budget; caps the config's `outboxBudgetBytes` (oldest records dropped beyond it). */
  outboxBudgetBytes: z.number().int().min(4_096).max(64 * 1024 * 1024 * 1024),
  runtime: profileRuntimeSchema,
  /** POS broker the image configures: embedded aedes (MQTT 3.1.1) or a supervised Mosquitto for MQTT 5 tills. */
  posBroker: z.enum(['aedes', 'mosquitto']),
  /** Seconds a new image has to report healthy (birth + heartbeat) before its slot is abandoned. */
  healthWindowSec: z.number().int().min(10).max(3_600),
}).strict().superRefine((profile, context) => {
  const { intraOpNumThreads, interOpNumThreads } = profile.runtime.onnxruntime;
  // More threads than cores only adds contention with the POS broker on the same board.
  if (intraOpNumThreads > profile.cores) context.addIssue({ code: 'custom', path: ['runtime', 'onnxruntime', 'intraOpNumThreads'], message: `exceeds the ${profile.cores} cores` });
  if (interOpNumThreads > profile.cores) context.addIssue({ code: 'custom', path: ['runtime', 'onnxruntime', 'interOpNumThreads'], message: `exceeds the ${profile.cores} cores` });
  if (profile.outboxBudgetBytes > profile.diskBudgetBytes / 4) context.addIssue({ code: 'custom', path: ['outboxBudgetBytes'], message: 'must be at most a quarter of the disk budget' });
});
export type HardwareProfile = z.infer<typeof hardwareProfileSchema>;
