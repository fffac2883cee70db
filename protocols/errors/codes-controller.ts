/** Cloud controller: registry, fleet, brokers, API (issue #6). */
export const controllerErrors = {
  // core
  FC_ERR_CONTROLLER_STORAGE: { message: 'Controller data directory cannot be opened or written', exitCode: 73 },
  FC_ERR_DEVICE_EXISTS: { message: 'Device is already enrolled', exitCode: 65 },
  FC_ERR_DEVICE_NOT_FOUND: { message: 'Device is not enrolled', exitCode: 66 },
  FC_ERR_DEVICE_REVOKED: { message: 'Device credentials are revoked', exitCode: 77 },
  FC_ERR_INVALID_SELECTOR: { message: 'Invalid target selector', exitCode: 64 },
  FC_ERR_MODEL_NOT_FOUND: { message: 'Model or model version not found in the registry', exitCode: 66 },
  FC_ERR_MODEL_VERSION_EXISTS: { message: 'Model version is already registered with different contents', exitCode: 65 },
  FC_ERR_INVALID_STAGE_CHANGE: { message: 'Stage change not allowed', exitCode: 65 },
  FC_ERR_APPROVAL_NOT_FOUND: { message: 'Approval request not found or no longer pending', exitCode: 66 },
  FC_ERR_SELF_APPROVAL: { message: 'The operator who requested a promotion cannot approve it', exitCode: 77 },
  FC_ERR_UNAUTHENTICATED: { message: 'Missing or invalid API token', exitCode: 77 },
  FC_ERR_FORBIDDEN: { message: 'API token role does not allow this call', exitCode: 77 },
  FC_ERR_INVALID_REQUEST: { message: 'Request does not match its schema', exitCode: 65 },
  FC_ERR_PREDICT_INPUT: { message: 'Prediction input rows are invalid', exitCode: 65 },
  FC_ERR_BACKUP_INVALID: { message: 'Backup is incomplete or does not match its manifest', exitCode: 65 },
  FC_ERR_RESTORE_TARGET_NOT_EMPTY: { message: 'Restore target data directory is not empty', exitCode: 73 },
  // broker
} as const;
