import { readFile } from 'node:fs/promises';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { storeLocalesFileSchema, type StoreLocalesFile } from './store-locales.js';

/**
 * Reads the `<csv>.stores.json` written beside a generated CSV, so training can fill the
 * feature spec's holiday locales. Undefined when the file does not exist (real data).
 */
export async function readStoreLocales(csvPath: string): Promise<StoreLocalesFile | undefined> {
  let text: string;
  try {
    text = await readFile(`${csvPath}.stores.json`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FleetcastError('FC_ERR_DATA_READ_FAILED', `${csvPath}.stores.json`, undefined, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FleetcastError('FC_ERR_INVALID_CONFIG', `${csvPath}.stores.json is not JSON`, undefined, { cause: error });
  }
  const parsed = storeLocalesFileSchema.safeParse(json);
  if (!parsed.success) throw new FleetcastError('FC_ERR_INVALID_CONFIG', `${csvPath}.stores.json does not match the store locales schema`);
  return parsed.data;
}
