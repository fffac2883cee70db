import wabtInit from 'wabt';

/**
 * Assembles WebAssembly text with SIMD and threads enabled (wabt, a dev dependency). wabt's
 * own validator rejects shared memories whatever the features, so validation is left to
 * `WebAssembly.compile`.
 */
export async function compileWat(name: string, source: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(name, source, { simd: true, threads: true });
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
