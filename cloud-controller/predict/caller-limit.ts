import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/**
 * Bounds the cloud predicts one caller (API token) runs at once (issue #9 finding 13: eight
 * parallel 10k-row predicts by one viewer slowed every other API call 300-fold). A call past
 * the bound is refused at once with FC_ERR_PREDICT_BUSY (HTTP 429) instead of queueing, so one
 * caller's burst costs the others nothing; its own calls go through as earlier ones finish.
 */
export class CallerLimit {
  private readonly active = new Map<string, number>();

  constructor(private readonly perCaller: number) {}

  /** Runs `work` for `caller`, or throws FC_ERR_PREDICT_BUSY when the caller is at its bound. */
  async run<T>(caller: string, work: () => Promise<T>): Promise<T> {
    const running = this.active.get(caller) ?? 0;
    if (running >= this.perCaller) throw new FleetcastError('FC_ERR_PREDICT_BUSY', `${running} predicts running for this caller`, { running, max: this.perCaller });
    this.active.set(caller, running + 1);
    try {
      return await work();
    } finally {
      const left = (this.active.get(caller) ?? 1) - 1;
      if (left === 0) this.active.delete(caller);
      else this.active.set(caller, left);
    }
  }
}
