/**
 * Canonical JSON of a manifest: object keys sorted by code unit, no whitespace, arrays in
 * order. The signature covers these bytes, so any reader that re-serialises the manifest
 * (pretty printing, key reordering) still verifies (DESIGN "Model bundle").
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
