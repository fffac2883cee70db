/** Edge agent: POS serving, updates, outbox (issue #5). */
export const agentErrors = {
  // serving
  FC_ERR_AGENT_CONFIG_EXISTS: { message: 'Agent config file already exists (pass --force to overwrite)', exitCode: 73 },
  FC_ERR_AGENT_CONFIG_WRITE_FAILED: { message: 'Agent config file could not be written', exitCode: 73 },
  FC_ERR_AGENT_DB_FAILED: { message: 'Agent database could not be opened or written', exitCode: 74 },
  FC_ERR_AGENT_LISTEN_FAILED: { message: 'Agent POS broker could not listen on its port', exitCode: 74 },
  FC_ERR_AGENT_NO_MODEL: { message: 'No model is serving on this agent', exitCode: 75 },
  FC_ERR_AGENT_MODEL_LOAD_FAILED: { message: 'Model could not be loaded for serving', exitCode: 70 },
  FC_ERR_AGENT_SCORING_FAILED: { message: 'Scoring failed', exitCode: 70 },
  FC_ERR_AGENT_OVERLOADED: { message: 'Agent has too many requests in flight', exitCode: 75 },
  FC_ERR_AGENT_NO_REPLY_TOPIC: { message: 'Score request names no reply topic and its client id is not a valid topic level', exitCode: 65 },
  FC_ERR_AGENT_COMMAND_UNSUPPORTED: { message: 'Command type is not handled by this agent', exitCode: 65 },
  FC_ERR_AGENT_UPDATE_UNAVAILABLE: { message: 'Agent has no update manager to run this command', exitCode: 75 },
  // update
  FC_ERR_UPDATE_BUSY: { message: 'Another deployment is in progress on this agent', exitCode: 75 },
  FC_ERR_UPDATE_BAD_TRANSITION: { message: 'Update state machine has no such transition', exitCode: 70 },
  FC_ERR_UPDATE_STATE_CORRUPT: { message: 'Persisted update state is unreadable; rolled back', exitCode: 70 },
  FC_ERR_UPDATE_RESUME_EXHAUSTED: { message: 'Update was interrupted in the same state too many times; rolled back', exitCode: 75 },
  FC_ERR_UPDATE_DOWNLOAD_FAILED: { message: 'Bundle download failed after its retries', exitCode: 75 },
  FC_ERR_UPDATE_BUNDLE_HASH_MISMATCH: { message: 'Downloaded bundle size or sha256 differs from the deploy command', exitCode: 65 },
  FC_ERR_UPDATE_GOLDEN_FAILED: { message: 'Model output left the golden-sample tolerance', exitCode: 65 },
  FC_ERR_UPDATE_MODEL_LOAD_FAILED: { message: 'Staged model could not be loaded in onnxruntime', exitCode: 65 },
  FC_ERR_UPDATE_ACTIVATION_FAILED: { message: 'Activated model could not be made to serve', exitCode: 70 },
  FC_ERR_UPDATE_STORE_IO: { message: 'Model store could not be read or written', exitCode: 74 },
  FC_ERR_UPDATE_VERSION_NOT_RETAINED: { message: 'Requested model version is not kept on this agent', exitCode: 66 },
  FC_ERR_UPDATE_NO_TRUSTED_KEYS: { message: 'No trusted bundle signers are configured', exitCode: 78 },
  // controller-signed statements (issue #11)
  FC_ERR_UPDATE_DOWNGRADE_AUTH_INVALID: { message: 'Downgrade authorization is not a valid controller signature for this device, deployment and bundle', exitCode: 77 },
  FC_ERR_KEYSET_SIGNATURE_INVALID: { message: 'Signing-key set is not signed by a trusted controller key', exitCode: 77 },
  FC_ERR_KEYSET_STALE: { message: 'Signing-key set is older than the one this agent already holds', exitCode: 65 },
} as const;
