import type { Health } from '../../protocols/messages/state.js';

/** Disk free below which the agent reports `disk_low` (SQLite needs room for WAL and checkpoints). */
export const DISK_LOW_BYTES = 100 * 1024 * 1024;
/** Outbox fill above which the agent reports `outbox_near_budget` (drops are imminent). */
export const OUTBOX_HIGH_WATER = 0.9;

/** What the health verdict is derived from. */
export interface HealthInputs {
  modelServing: boolean;
  outboxBytes: number;
  outboxBudgetBytes: number;
  diskFreeBytes: number | null;
}

/**
 * healthy/degraded with reasons (protocols `healthSchema`), as both the birth message and the
 * retained `pos/v1/status` carry it: no model, outbox near its budget, or little disk left.
 */
export function assessHealth(inputs: HealthInputs): Health {
  const reasons: string[] = [];
  if (!inputs.modelServing) reasons.push('no_model');
  if (inputs.outboxBytes > OUTBOX_HIGH_WATER * inputs.outboxBudgetBytes) reasons.push('outbox_near_budget');
  if (inputs.diskFreeBytes !== null && inputs.diskFreeBytes < DISK_LOW_BYTES) reasons.push('disk_low');
  return { status: reasons.length === 0 ? 'healthy' : 'degraded', reasons };
}
