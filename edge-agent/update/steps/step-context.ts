import type { TrustedKeys } from '../../../protocols/bundle/keys.js';
import type { Sender } from '../../../protocols/envelope.js';
import type { Logger } from '../../../protocols/runtime/logger.js';
import type { ModelStore } from '../../model-store/model-store.js';
import type { SwapModelHook, UplinkPort } from '../../ports.js';
import type { BlobTransferOptions } from '../blob-download.js';
import type { DeploymentRecord } from '../deployment-record.js';
import type { HttpTransferOptions } from '../http-download.js';
import type { UpdateState } from '../states.js';

/**
 * What each step module of the update engine works with (issue #11 split of update-manager.ts:
 * one module per state's side effect, the engine keeps only the transitions and their order).
 */
export interface StepContext {
  store: ModelStore;
  /** Bundle signers trusted right now (a live map: key rotation changes it between deployments). */
  trustedKeys: TrustedKeys;
  /** Controller keys that may sign downgrade authorizations. */
  controllerKeys: TrustedKeys;
  deviceId: string;
  sender: Sender;
  uplink: UplinkPort | null;
  swapModel?: SwapModelHook;
  logger: Logger;
  agentVersion: string;
  blob: BlobTransferOptions;
  http: HttpTransferOptions;
  /** The persisted state the step runs in. */
  state(): UpdateState;
  /** Persists the record's progress (download offset) without a transition. */
  persistProgress(record: DeploymentRecord): void;
}
