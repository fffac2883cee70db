import { open } from 'node:fs/promises';

/** Delimiters seen in sales exports: comma, semicolon (European spreadsheets, where "," is the decimal mark), tab. */
const CANDIDATES = [',', ';', '\t'] as const;
export type Delimiter = (typeof CANDIDATES)[number];

/** Bytes read to find the header line. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Picks the delimiter from the header line: the candidate occurring most often outside
 * quotes; comma when none occurs (a one-column file). Reading the header alone is enough
 * because every row must have the header's field count (ragged rows are refused).
 */
export async function sniffDelimiter(path: string): Promise<Delimiter> {
  const handle = await open(path, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    text = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  const header = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const counts = new Map<Delimiter, number>(CANDIDATES.map((candidate) => [candidate, 0]));
  let quoted = false;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char as Delimiter)) counts.set(char as Delimiter, (counts.get(char as Delimiter) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  for (const candidate of CANDIDATES) if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  return best;
}
