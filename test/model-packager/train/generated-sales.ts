import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSalesData } from '../../../model-packager/data/generator/generate-sales.js';
import { loadSalesData, type LoadedSalesData } from '../../../model-packager/data/index.js';
import type { StoreLocalesFile } from '../../../model-packager/data/generator/store-locales.js';

/** Sales from the packager's real generator, loaded through the real CSV path (as `fleetcast train` does). */
export async function generatedSales(options: { stores: number; items: number; days: number; seed: number }): Promise<LoadedSalesData & { locales: StoreLocalesFile; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fc-train-data-'));
  const generated = await generateSalesData({ ...options, out: join(dir, 'sales.csv') });
  return { ...(await loadSalesData(generated.path)), locales: generated.storeLocales, dir };
}
