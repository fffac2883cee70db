/**
 * A number as a person reads it (issue #11: batch predictions and `runs compare` printed
 * 17-digit floats): integers stay whole, other values keep `significant` digits and lose the
 * float noise. Human output only — `--json` keeps full precision.
 */
export function readableNumber(value: number, significant = 4): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 10 ** significant) return value.toFixed(0);
  return String(Number(value.toPrecision(significant)));
}

/** JSON text with every number made readable (for metric objects in human output). */
export function readableJson(value: unknown, significant = 4): string {
  return JSON.stringify(value, (_key, entry: unknown) => (typeof entry === 'number' ? Number(readableNumber(entry, significant)) : entry));
}
