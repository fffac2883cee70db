import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSalesData } from '../../../model-packager/data/generator/generate-sales.js';
import type { GeneratorOptionsInput } from '../../../model-packager/data/generator/generator-options.js';
import { loadSalesData, type LoadedSalesData } from '../../../model-packager/data/index.js';
import type { StoreLocalesFile } from '../../../model-packager/data/generator/store-locales.js';

/** Sales from the packager's real generator, loaded through the real CSV path (as `fleetcast train` does, with the file's own granularity). */
export async function generatedSales(options: Omit<GeneratorOptionsInput, 'out'>): Promise<LoadedSalesData & { locales: StoreLocalesFile; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fc-train-data-'));
  const generated = await generateSalesData({ ...options, out: join(dir, 'sales.csv') });
  return { ...(await loadSalesData(generated.path, { granularity: options.granularity ?? 'daily' })), locales: generated.storeLocales, dir };
}
