import type { ScoreRow } from '../../protocols/messages/pos/score-request.js';
import type { ActualRow } from '../../protocols/messages/pos/actuals.js';
import type { DemoSales } from './demo-sales.js';
import { PosClient } from './pos-client.js';

/** One simulated store: its POS port and login. */
export interface SimulatedStore {
  deviceId: string;
  store: string;
  posPort: number;
  posUser: { username: string; password: string };
}

/** Options of the compressed-clock POS simulation of `demo --keep` (issue #14). */
export interface PosSimulatorOptions {
  /** Wall-clock milliseconds per simulated sales day. */
  dayMs: number;
  /** Simulated days after which the first store's prices and promotions drift (0: never). */
  driftAfterDays: number;
  /** Where a failed request is reported (the demo keeps running). */
  onError(store: string, error: Error): void;
  /** Called after every simulated day with its date. */
  onDay?(day: string, index: number): void;
}

/** The drifted store's inputs: prices up 60 % and every item on promotion — a visible PSI shift. */
function drifted<T extends { price?: number; promo?: boolean }>(row: T): T {
  return { ...row, ...(row.price !== undefined ? { price: Math.round(row.price * 160) / 100 } : {}), promo: true };
}

/**
 * Each store's POS on a compressed clock: every `dayMs` the tills ask their agent for the next
 * day's forecasts (with that day's prices and promotions), then report the day's actual sales at
 * closing, so accuracy and drift build up on the dashboard. After `driftAfterDays` the first
 * store's inputs drift. Days are the generated chain's days after the training cutoff.
 */
export class PosSimulator {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private day = 0;

  private constructor(private readonly clients: Array<{ store: SimulatedStore; pos: PosClient }>, private readonly sales: DemoSales, private readonly options: PosSimulatorOptions) {}

  static async start(stores: SimulatedStore[], sales: DemoSales, options: PosSimulatorOptions): Promise<PosSimulator> {
    const clients = await Promise.all(stores.map(async (store) => ({ store, pos: await PosClient.connect(store.posPort, store.posUser.username, store.posUser.password) })));
    const simulator = new PosSimulator(clients, sales, options);
    simulator.timer = setInterval(() => {
      // A slow day (a store busy with an update) is skipped, never queued behind.
      simulator.running ??= simulator.simulateDay().finally(() => (simulator.running = null));
    }, options.dayMs);
    return simulator;
  }

  /** Simulated days so far. */
  days(): number {
    return this.day;
  }

  private async simulateDay(): Promise<void> {
    const date = this.sales.futureDays[this.day];
    if (date === undefined) return this.stopClock();
    const drift = this.options.driftAfterDays > 0 && this.day >= this.options.driftAfterDays;
    this.day += 1;
    await Promise.all(this.clients.map(async ({ store, pos }, index) => {
      const driftHere = drift && index === 0;
      const actuals: ActualRow[] = this.sales.dayActuals(store.store, date).map((row) => (driftHere ? drifted(row) : row));
      const rows: ScoreRow[] = actuals.map((row) => ({ store: row.store, item: row.item, date: row.date, ...(row.price !== undefined ? { price: row.price } : {}), ...(row.promo !== undefined ? { promo: row.promo } : {}) }));
      try {
        if (rows.length > 0) await pos.score(rows);
        if (actuals.length > 0) await pos.sendActuals(actuals);
      } catch (error) {
        this.options.onError(store.deviceId, error as Error);
      }
    }));
    this.options.onDay?.(date, this.day);
  }

  private stopClock(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops the clock, lets the current day finish and disconnects the tills. */
  async stop(): Promise<void> {
    this.stopClock();
    await this.running;
    await Promise.all(this.clients.map(({ pos }) => pos.close().catch(() => undefined)));
  }
}
