import { writeFile } from 'node:fs/promises';
import { canonicalColumns, type SalesRow } from '../../../protocols/data/sales-row.js';
import { fromEpochDay, toEpochDay } from '../../../protocols/features/index.js';
import { createRandom } from '../../../model-packager/learners/random.js';

/**
 * Small seeded sales data with known structure for training tests (until the packager's
 * `data generate` lands): store × item base level, weekly profile, yearly wave, promotions
 * (+60%), price elasticity, occasional stockouts, Poisson noise.
 */
export function syntheticSales(options: { stores: number; items: number; days: number; seed: number; start?: string }): SalesRow[] {
  const uniform = createRandom(options.seed);
  const start = toEpochDay(options.start ?? '2023-01-02');
  const weekly = [0.8, 0.85, 0.9, 1.0, 1.2, 1.5, 0.75];
  const rows: SalesRow[] = [];
  for (let s = 0; s < options.stores; s += 1) {
    const storeLevel = 0.6 + uniform() * 0.8;
    for (let i = 0; i < options.items; i += 1) {
      const itemLevel = 4 + uniform() * 16;
      const basePrice = 1 + uniform() * 9;
      let promoLeft = 0;
      for (let d = 0; d < options.days; d += 1) {
        if (promoLeft === 0 && uniform() < 0.04) promoLeft = 3 + Math.floor(uniform() * 5);
        const promo = promoLeft > 0;
        if (promoLeft > 0) promoLeft -= 1;
        const price = Math.round(basePrice * (promo ? 0.8 : 1) * (0.95 + uniform() * 0.1) * 100) / 100;
        const mean = storeLevel * itemLevel * weekly[d % 7] * (1 + 0.2 * Math.sin((2 * Math.PI * d) / 365)) * (promo ? 1.6 : 1) * (basePrice / price) ** 1.5;
        const stockout = uniform() < 0.03;
        const units = stockout ? Math.floor(poisson(mean, uniform) * 0.3) : poisson(mean, uniform);
        rows.push({ date: fromEpochDay(start + d), store: `s${s + 1}`, item: `i${i + 1}`, units, price, promo, tempC: Math.round(10 + 10 * Math.sin((2 * Math.PI * d) / 365) + uniform() * 4), stockout });
      }
    }
  }
  return rows;
}

function poisson(mean: number, uniform: () => number): number {
  // Knuth for small means, normal approximation above 30 (tests only need the shape).
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = uniform();
  while (p > limit) {
    k += 1;
    p *= uniform();
  }
  return k;
}

/** Writes rows as a canonical CSV (header = canonical column names). */
export async function writeSalesCsv(path: string, rows: readonly SalesRow[]): Promise<void> {
  const lines = [canonicalColumns.join(',')];
  for (const row of rows) lines.push(canonicalColumns.map((column) => (row[column] === undefined ? '' : String(row[column]))).join(','));
  await writeFile(path, `${lines.join('\n')}\n`);
}
