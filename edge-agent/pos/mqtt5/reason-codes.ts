/**
 * The MQTT 5 reason codes the POS front sends (MQTT 5.0 §2.4, tables in §3.2.2.2, §3.4.2.1,
 * §3.9.3, §3.11.3, §3.14.2.1). Named so handlers read as the spec does.
 */
export const reasonCodes = {
  success: 0x00,
  grantedQos0: 0x00,
  noSubscriptionExisted: 0x11,
  malformedPacket: 0x81,
  protocolError: 0x82,
  clientIdentifierNotValid: 0x85,
  badUserNameOrPassword: 0x86,
  notAuthorized: 0x87,
  serverShuttingDown: 0x8b,
  badAuthenticationMethod: 0x8c,
  keepAliveTimeout: 0x8d,
  sessionTakenOver: 0x8e,
  topicAliasInvalid: 0x94,
  packetTooLarge: 0x95,
  retainNotSupported: 0x9a,
  qosNotSupported: 0x9b,
  sharedSubscriptionsNotSupported: 0x9e,
} as const;
