/** Errors of the wire contract itself: ids, topics, envelopes, messages (issue #2). */
export const protocolErrors = {
  FC_ERR_INTERNAL: { message: 'Internal error', exitCode: 70 },
  FC_ERR_INVALID_ID: { message: 'Invalid identifier (empty, too long, `.`/`..` or a leading dot, or containing /, \\, +, # or a control character)', exitCode: 64 },
  FC_ERR_INVALID_TOPIC: { message: 'Topic does not belong to the fleetcast topic tree', exitCode: 64 },
  FC_ERR_MALFORMED_JSON: { message: 'Payload is not valid JSON', exitCode: 65 },
  FC_ERR_INVALID_MESSAGE: { message: 'Message does not match its schema', exitCode: 65 },
  FC_ERR_UNKNOWN_MESSAGE_TYPE: { message: 'Unknown message type', exitCode: 65 },
  FC_ERR_UNSUPPORTED_VERSION: { message: 'Unsupported protocol version', exitCode: 65 },
  FC_ERR_PAYLOAD_TOO_LARGE: { message: 'Payload exceeds the configured size limit', exitCode: 65 },
  FC_ERR_NOT_AUTHORIZED: { message: 'Not authorized', exitCode: 77 },
  FC_ERR_INVALID_CONFIG: { message: 'Invalid configuration', exitCode: 78 },
  FC_ERR_USAGE: { message: 'Invalid command-line usage', exitCode: 64 },
  FC_ERR_PATH_OUTSIDE_ROOT: { message: 'Path built from an id would leave its root directory', exitCode: 64 },
  FC_ERR_FILE_NOT_FOUND: { message: 'File not found', exitCode: 66 },
} as const;
