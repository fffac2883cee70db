/** An inclusive byte range, as HTTP `Content-Range` states it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a single-range `Range` header (RFC 9110 §14.1.2: `bytes=a-b`, `bytes=a-`, `bytes=-n`)
 * against a file of `size` bytes. Returns `undefined` when there is no usable Range header
 * (serve the whole file), `'unsatisfiable'` for a range outside the file (416). Multi-range
 * requests are answered with the whole file, which RFC 9110 allows; agents ask for one range.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
