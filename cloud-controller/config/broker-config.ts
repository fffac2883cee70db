import { z } from 'zod';
import { brokerLimitsSchema } from '../../protocols/mqtt/broker-limits.js';

/**
 * Which broker carries the cloud link (DESIGN "Scale path": chosen by configuration alone).
 * The adapters themselves live in cloud-controller/broker/ (broker engineer); this is the
 * controller-config face of them.
 */
export const brokerConfigSchema = z.discriminatedUnion('kind', [
  z.object({
    /** The embedded aedes broker (default). */
    kind: z.literal('aedes'),
    /** Listen address; loopback by default. Env: FLEETCAST_BROKER_HOST. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Plain MQTT port; 0 picks a free one (printed at start). Env: FLEETCAST_BROKER_PORT. */
    port: z.number().int().min(0).max(65535).default(1883),
    /** MQTT over TLS with a private CA generated under `<dataDir>/broker/tls` on first start. */
    tls: z.object({ port: z.number().int().min(0).max(65535), hostnames: z.array(z.string().min(1)).default([]) }).optional(),
    /** Packet size, connection cap, CONNECT deadline and failed-login throttling (issue #9; docs/brokers.md). */
    limits: brokerLimitsSchema.default({}),
  }),
  z.object({
    /** An external MQTT broker (Mosquitto, EMQX, HiveMQ, VerneMQ). */
    kind: z.literal('mqtt'),
    /** URL the controller connects to (`mqtt://` or `mqtts://`). */
    url: z.string().regex(/^mqtts?:\/\//),
    /** URL devices connect to when it differs (public hostname). */
    deviceUrl: z.string().regex(/^mqtts?:\/\//).optional(),
    /** CA file of the broker's certificate (omit for public CAs). */
    caFile: z.string().min(1).optional(),
    /** Mosquitto password/pid files managed on enrol/revoke (`fleetcast broker mosquitto-config`). */
    mosquitto: z.object({ passwordFile: z.string().min(1), pidFile: z.string().min(1) }).optional(),
  }),
  z.object({
    /**
     * AWS IoT Core: things, certificates and policies provisioned with @aws-sdk/client-iot.
     * Credentials come from the SDK's default chain (env, profile, role), never from this file.
     */
    kind: z.literal('aws-iot'),
    /** AWS region of the IoT endpoint, e.g. `eu-west-1`. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    /** Control-plane endpoint override (VPC endpoint). */
    endpoint: z.string().url().optional(),
    /** Device policy name (default `fleetcast-device`). */
    devicePolicyName: z.string().min(1).optional(),
    /** Thing group every device joins (default `fleetcast-fleet`). */
    thingGroupName: z.string().min(1).optional(),
    /** Thing name and client id of the controller (default `fleetcast-controller`). */
    controllerThingName: z.string().min(1).optional(),
  }),
]);
export type BrokerConfig = z.infer<typeof brokerConfigSchema>;

/** Bundle transfer limits of the blob server (cloud-controller/distribution). */
export const distributionConfigSchema = z.object({
  /** Concurrent chunked transfers; more requests get FC_ERR_BLOB_BUSY and retry. */
  maxConcurrentTransfers: z.number().int().positive().default(8),
  /** A transfer with no chunk request for this long frees its slot. */
  transferIdleMs: z.number().int().positive().default(60_000),
});
