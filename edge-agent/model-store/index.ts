/**
 * The agent's model store (issue #5 part B): retained verified versions, staging, the atomic
 * active pointer. The daemon reads `active()` and subscribes with `onChange` to swap models
 * between requests (see edge-agent/ports.ts `ActiveModelSource`).
 */
export { ModelStore, sameRef, type ModelStoreOptions } from './model-store.js';
export { activePointerSchema, readActivePointer, type ActivePointer } from './active-pointer.js';
export { readInstalledModel, verifyInstalledModel } from './installed-model.js';
export { runGoldenCheck, type GoldenCheckResult } from './golden-check.js';
export { storeLayout, versionDirName, type StoreLayout } from './layout.js';
