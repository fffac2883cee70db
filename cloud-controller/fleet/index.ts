/**
 * Fleet API for the rest of the controller (broker adapters, device link, deployments):
 * `new Fleet(openControllerDb(dataDir))` then `verifyDeviceCredentials`, `isRevoked`,
 * `onEnrol`/`onRevoke`, `recordDeviceState`, `recordSeen`, `listDevices`, `selectDeviceIds`.
 */
export { Fleet, type EnrolEvent, type Enrolled } from './fleet.js';
export { deviceSchema, deviceEnrolmentSchema, type Device, type DeviceEnrolment } from './schema.js';
export { parseSelector, matchesSelector, targetSelectorSchema, type TargetSelector } from './selector.js';
