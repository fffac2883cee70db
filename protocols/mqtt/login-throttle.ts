/** Addresses remembered at most, so a scan from many addresses cannot grow the table without bound. */
const MAX_TRACKED_ADDRESSES = 10_000;

interface Failures {
  count: number;
  windowStart: number;
}

/**
 * Per-address failed-login counter (issue #9 "per-address failed-login throttling"): after
 * `maxFailures` failures within `windowMs`, the address is refused without checking its
 * password until the window ends, so password guessing costs the broker no hashing.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True while `address` has used up its failures for the current window. */
  blocked(address: string): boolean {
    const entry = this.current(address);
    return entry !== undefined && entry.count >= this.maxFailures;
  }

  /** Counts one failed login of `address`. */
  failed(address: string): void {
    const entry = this.current(address);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= MAX_TRACKED_ADDRESSES) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(address, { count: 1, windowStart: this.now() });
  }

  /** Forgets `address` after a successful login. */
  succeeded(address: string): void {
    this.failures.delete(address);
  }

  private current(address: string): Failures | undefined {
    const entry = this.failures.get(address);
    if (entry && this.now() - entry.windowStart >= this.windowMs) {
      this.failures.delete(address);
      return undefined;
    }
    return entry;
  }
}
