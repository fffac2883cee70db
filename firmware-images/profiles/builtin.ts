import type { z } from 'zod';
import type { hardwareProfileSchema } from '../../protocols/images/profile.js';

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

/**
 * The store boards fleetcast ships images for (issue #16). Thread counts leave cores to the POS
 * broker and the uplink on the same board: scoring batches are small, and one intra-op thread
 * was fastest at batch 1 on x86 (docs/benchmarks/score.md). int8 serves where its kernels are
 * fast (VNNI/dot-product CPUs); the 2 GB board keeps fp32 and a small outbox.
 */
export const BUILTIN_PROFILES: ReadonlyArray<z.input<typeof hardwareProfileSchema>> = [
  {
    id: 'x86-64-mini-pc',
    description: 'x86_64 mini PC (4 cores, 8 GB RAM, 64 GB SSD) beside the tills',
    arch: 'x64',
    platform: 'linux',
    cores: 4,
    memoryBytes: 8 * GiB,
    diskBudgetBytes: 16 * GiB,
    outboxBudgetBytes: 1 * GiB,
    runtime: { onnxruntime: { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' }, precision: 'int8' },
    posBroker: 'mosquitto',
    healthWindowSec: 120,
  },
  {
    id: 'arm64-pi',
    description: 'arm64 Raspberry Pi 4/5 class board (4 Cortex-A72/A76 cores, 4–8 GB RAM, SD card or SSD)',
    arch: 'arm64',
    platform: 'linux',
    cores: 4,
    memoryBytes: 4 * GiB,
    diskBudgetBytes: 8 * GiB,
    outboxBudgetBytes: 512 * MiB,
    runtime: { onnxruntime: { intraOpNumThreads: 2, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' }, precision: 'int8' },
    posBroker: 'mosquitto',
    healthWindowSec: 180,
  },
  {
    id: 'arm64-2gb',
    description: 'arm64 board with 2 GB RAM and a small eMMC (4 Cortex-A53 cores)',
    arch: 'arm64',
    platform: 'linux',
    cores: 4,
    memoryBytes: 2 * GiB,
    diskBudgetBytes: 2 * GiB,
    outboxBudgetBytes: 128 * MiB,
    runtime: { onnxruntime: { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'extended' }, precision: 'fp32' },
    posBroker: 'aedes',
    healthWindowSec: 240,
  },
];
