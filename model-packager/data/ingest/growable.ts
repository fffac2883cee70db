/** Typed-array columns that grow by doubling while a CSV streams in (1.8M rows stay compact). */
export class GrowableFloat64 {
  private data = new Float64Array(1024);
  length = 0;

  /** Appends one value, doubling the buffer when full. */
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  /** The filled part (a view, no copy). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** Int32 counterpart of GrowableFloat64 (interned ids). */
export class GrowableInt32 {
  private data = new Int32Array(1024);
  length = 0;

  /** Appends one value, doubling the buffer when full. */
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  /** The filled part (a view, no copy). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Uint8 counterpart of GrowableFloat64 (cell status, booleans). */
export class GrowableUint8 {
  private data = new Uint8Array(1024);
  length = 0;

  /** Appends one value, doubling the buffer when full. */
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  /** The filled part (a view, no copy). */
  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
}

/** Assigns dense indices to distinct strings (store, item and raw date values repeat a lot). */
export class StringInterner {
  readonly values: string[] = [];
  private readonly indices = new Map<string, number>();

  /** Index of `value`, assigning the next one on first sight. */
  intern(value: string): number {
    let index = this.indices.get(value);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.indices.set(value, index);
    }
    return index;
  }
}
