import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DescribeEndpointCommand,
  DetachThingPrincipalCommand,
  GetPolicyCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { z } from 'zod';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { deviceChannelNames, deviceTopic } from '../../../protocols/topics.js';
import { RESERVED_IDENTITIES } from '../../../protocols/reserved-ids.js';
import type { EnrolEvent } from '../../fleet/fleet.js';
import { assertDeviceIdentity, type BrokerAdapter, type DeviceEndpoint, type MqttConnectionOptions } from '../adapter.js';
import { assertAwsIotTopic } from './limits.js';
import { controllerPolicyDocument, devicePolicyDocument } from './policy.js';
import { resolveUnder } from '../../../protocols/paths.js';
import { assertValidId } from '../../../protocols/ids.js';

const log = createLogger('broker-aws-iot');

/** Settings for AWS IoT Core as the cloud-link broker. */
export interface AwsIotAdapterOptions {
  /** AWS region of the IoT endpoint, e.g. `eu-west-1`. */
  region: string;
  /** Where device and controller certificates are kept (`<brokerDir>/aws-iot/...`, keys mode 0600). */
  brokerDir: string;
  /** Control-plane endpoint override (VPC endpoint; tests point it at a local HTTP server). */
  endpoint?: string;
  /** Static credentials; omitted, the SDK's default provider chain (env, profile, role) applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Name of the device policy (default `fleetcast-device`). */
  devicePolicyName?: string;
  /** Thing group every device joins (default `fleetcast-fleet`). */
  thingGroupName?: string;
  /** Thing name and MQTT client id of the controller (default `fleetcast-controller`). */
  controllerThingName?: string;
}

/** Certificate and key AWS issued for a thing, as kept on disk. */
const thingCertificateSchema = z.object({
  certificateArn: z.string().min(1),
  certificateId: z.string().min(1),
  certificatePem: z.string().min(1),
  privateKey: z.string().min(1),
});
type ThingCertificate = z.infer<typeof thingCertificateSchema>;

/**
 * AWS IoT Core (DESIGN "Scale path"): provisioning with @aws-sdk/client-iot — a thing per
 * device in a thing group, a certificate created and activated by AWS, the device policy
 * (`${iot:Connection.Thing.ThingName}` confinement) attached to it. Devices and the controller
 * authenticate with X.509 client certificates on the `iot:Data-ATS` endpoint, port 8883.
 */
export class AwsIotAdapter implements BrokerAdapter {
  readonly kind = 'aws-iot' as const;
  private readonly client: IoTClient;
  private dataEndpoint: string | undefined;
  private readonly devicePolicyName: string;
  private readonly thingGroupName: string;
  private readonly controllerThingName: string;

  constructor(private readonly options: AwsIotAdapterOptions) {
    this.client = new IoTClient({ region: options.region, endpoint: options.endpoint, credentials: options.credentials, maxAttempts: 2 });
    this.devicePolicyName = options.devicePolicyName ?? 'fleetcast-device';
    this.thingGroupName = options.thingGroupName ?? 'fleetcast-fleet';
    this.controllerThingName = options.controllerThingName ?? RESERVED_IDENTITIES.controller;
  }

  /** Finds the data endpoint, ensures both policies, the thing group and the controller's certificate. */
  async start(): Promise<void> {
    try {
      const endpoint = await this.client.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
      if (!endpoint.endpointAddress) throw new FleetcastError('FC_ERR_BROKER_START', 'DescribeEndpoint returned no address');
      this.dataEndpoint = endpoint.endpointAddress;
      await this.ensurePolicy(this.devicePolicyName, devicePolicyDocument());
      const controllerPolicy = `${this.controllerThingName}-policy`;
      await this.ensurePolicy(controllerPolicy, controllerPolicyDocument(this.controllerThingName));
      await this.ensureThingGroup();
      if (!this.storedCertificate(this.controllerThingName)) {
        await this.createThingWithCertificate(this.controllerThingName, controllerPolicy, { role: 'controller' });
      }
    } catch (error) {
      if (error instanceof FleetcastError) throw error;
      throw new FleetcastError('FC_ERR_BROKER_START', (error as Error).message, { region: this.options.region }, { cause: error });
    }
    log.info({ endpoint: this.dataEndpoint }, 'AWS IoT Core ready');
  }

  async stop(): Promise<void> {
    this.client.destroy();
  }

  controllerConnection(): MqttConnectionOptions {
    const certificate = this.storedCertificate(this.controllerThingName);
    if (!certificate) throw new FleetcastError('FC_ERR_BROKER_START', 'controller certificate missing; start the adapter first');
    return { url: this.deviceEndpoint().url, clientId: this.controllerThingName, cert: certificate.certificatePem, key: certificate.privateKey };
  }

  /** AWS's endpoint uses a public CA (Amazon Root CA 1), which Node trusts, so no CA PEM is handed out. */
  deviceEndpoint(): DeviceEndpoint {
    if (!this.dataEndpoint) throw new FleetcastError('FC_ERR_BROKER_START', 'AWS IoT endpoint unknown; start the adapter first');
    return { url: `mqtts://${this.dataEndpoint}:8883` };
  }

  /** Creates the thing in the fleet group with an active certificate and the device policy attached. */
  async provisionDevice(event: EnrolEvent): Promise<void> {
    const deviceId = event.device.id;
    assertDeviceIdentity(deviceId, this.controllerThingName);
    for (const channel of deviceChannelNames) assertAwsIotTopic(deviceTopic(deviceId, channel));
    try {
      await this.createThingWithCertificate(deviceId, this.devicePolicyName, { store: event.device.store, region: event.device.region, profile: event.device.profile });
      await this.client.send(new AddThingToThingGroupCommand({ thingGroupName: this.thingGroupName, thingName: deviceId }));
    } catch (error) {
      throw new FleetcastError('FC_ERR_BROKER_PROVISIONING', (error as Error).message, { deviceId }, { cause: error });
    }
  }

  /** Detaches and deactivates every certificate of the thing, so AWS refuses its next connection. */
  async deprovisionDevice(deviceId: string): Promise<void> {
    assertDeviceIdentity(deviceId, this.controllerThingName);
    try {
      const { principals = [] } = await this.client.send(new ListThingPrincipalsCommand({ thingName: deviceId }));
      for (const principal of principals) {
        await this.client.send(new DetachThingPrincipalCommand({ thingName: deviceId, principal }));
        const certificateId = principal.split('/').pop();
        if (certificateId) await this.client.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
      }
    } catch (error) {
      throw new FleetcastError('FC_ERR_BROKER_PROVISIONING', (error as Error).message, { deviceId }, { cause: error });
    }
  }

  /** The certificate and key issued to a device, to hand over with its enrolment (AWS shows the key only once). */
  deviceCertificate(deviceId: string): { certificatePem: string; privateKey: string } | undefined {
    const stored = this.storedCertificate(deviceId);
    return stored ? { certificatePem: stored.certificatePem, privateKey: stored.privateKey } : undefined;
  }

  private async ensurePolicy(policyName: string, policyDocument: string): Promise<void> {
    try {
      await this.client.send(new GetPolicyCommand({ policyName }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
      await this.client.send(new CreatePolicyCommand({ policyName, policyDocument }));
    }
  }

  private async ensureThingGroup(): Promise<void> {
    try {
      await this.client.send(new CreateThingGroupCommand({ thingGroupName: this.thingGroupName, thingGroupProperties: { thingGroupDescription: 'fleetcast edge agents' } }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceAlreadyExistsException') throw error;
    }
  }

  private async createThingWithCertificate(thingName: string, policyName: string, attributes: Record<string, string>): Promise<void> {
    await this.client.send(new CreateThingCommand({ thingName, attributePayload: { attributes } }));
    const issued = await this.client.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    if (!issued.certificateArn || !issued.certificateId || !issued.certificatePem || !issued.keyPair?.PrivateKey) {
      throw new FleetcastError('FC_ERR_BROKER_PROVISIONING', 'CreateKeysAndCertificate returned an incomplete answer', { thingName });
    }
    this.storeCertificate(thingName, {
      certificateArn: issued.certificateArn,
      certificateId: issued.certificateId,
      certificatePem: issued.certificatePem,
      privateKey: issued.keyPair.PrivateKey,
    });
    await this.client.send(new AttachPolicyCommand({ policyName, target: issued.certificateArn }));
    await this.client.send(new AttachThingPrincipalCommand({ thingName, principal: issued.certificateArn }));
  }

  private certificateFile(thingName: string): string {
    // Thing names are device ids; protocols/paths.ts proves the file stays in things/ (issue #9).
    return resolveUnder(join(this.options.brokerDir, 'aws-iot', 'things'), `${assertValidId(thingName, 'thing name')}.json`);
  }

  private storeCertificate(thingName: string, certificate: ThingCertificate): void {
    const file = this.certificateFile(thingName);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(certificate, null, 2)}\n`, { mode: 0o600 });
  }

  private storedCertificate(thingName: string): ThingCertificate | undefined {
    const file = this.certificateFile(thingName);
    if (!existsSync(file)) return undefined;
    const parsed = thingCertificateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new FleetcastError('FC_ERR_BROKER_CONFIG', `${file}: ${parsed.error.issues[0].message}`, { path: file });
    return parsed.data;
  }
}
