import { CLOUD_ROOT } from '../../../protocols/topics.js';
import { DEVICE_PUBLISH_CHANNELS, DEVICE_SUBSCRIBE_CHANNELS } from '../device-acl.js';

/** Resource ARN prefix; region and account are wildcards so one document works in any account. */
const ARN = 'arn:aws:iot:*:*';

/** The policy variable AWS IoT substitutes with the connected thing's name (client id = thing name). */
export const THING_NAME_VARIABLE = '${iot:Connection.Thing.ThingName}';

/**
 * The device policy: the AWS IoT equivalent of the aedes hooks and the Mosquitto `pattern`
 * lines. A device connects only as its own thing (client id = thing name, certificate attached
 * to the thing), publishes on its device→controller topics, subscribes to and receives its
 * controller→device topics — all under `fc/v1/d/${iot:Connection.Thing.ThingName}/…`.
 */
export function devicePolicyDocument(): string {
  const own = `${CLOUD_ROOT}/${THING_NAME_VARIABLE}`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: `${ARN}:client/${THING_NAME_VARIABLE}`,
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: DEVICE_PUBLISH_CHANNELS.map((channel) => `${ARN}:topic/${own}/${channel}`) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: DEVICE_SUBSCRIBE_CHANNELS.map((channel) => `${ARN}:topicfilter/${own}/${channel}`) },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: DEVICE_SUBSCRIBE_CHANNELS.map((channel) => `${ARN}:topic/${own}/${channel}`) },
    ],
  });
}

/** The controller's policy: connect as its own client id, full access to the cloud-link tree only. */
export function controllerPolicyDocument(controllerClientId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/${controllerClientId}` },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: `${ARN}:topic/${CLOUD_ROOT}/*` },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/${CLOUD_ROOT}/*` },
    ],
  });
}
