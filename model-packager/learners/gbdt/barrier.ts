/** Int32 slots a barrier needs in its shared control array. */
export const BARRIER_SLOTS = 2;

/**
 * A reusable barrier for the histogram workers of one fit (generation counting over
 * `Atomics.wait`/`notify`): partitioning rows of a level must finish in every worker before
 * any worker histograms the children. With one participant it never waits.
 */
export class Barrier {
  constructor(
    private readonly control: Int32Array,
    private readonly offset: number,
    private readonly participants: number,
  ) {}

  /** Blocks until all participants have arrived. */
  arrive(): void {
    if (this.participants === 1) return;
    const generationSlot = this.offset + 1;
    const generation = Atomics.load(this.control, generationSlot);
    if (Atomics.add(this.control, this.offset, 1) === this.participants - 1) {
      Atomics.store(this.control, this.offset, 0);
      Atomics.add(this.control, generationSlot, 1);
      Atomics.notify(this.control, generationSlot);
      return;
    }
    while (Atomics.load(this.control, generationSlot) === generation) Atomics.wait(this.control, generationSlot, generation);
  }
}
