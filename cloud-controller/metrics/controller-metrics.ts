import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Device } from '../fleet/schema.js';
import type { DeploymentSummary } from '../deployments/schema.js';

/** Where the controller's gauges read their values at scrape time (issue #14). */
export interface ControllerMetricSources {
  devices(): Device[];
  /** Recent deployments (the newest 1,000) with their per-status device counts. */
  deployments(): DeploymentSummary[];
  /** Seconds between a record's own timestamp and its arrival, over the last 5 minutes of ingest. */
  ingestLag(): { maxSeconds: number; meanSeconds: number; records: number };
  /** Bundle bytes sent as MQTT blob chunks since start. */
  mqttBlobBytes(): number;
}

/** A deployment's overall state from its devices' statuses. */
export function deploymentState(counts: DeploymentSummary['counts']): 'failed' | 'complete' | 'in_progress' {
  if ((counts.failed ?? 0) > 0) return 'failed';
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return total > 0 && (counts.committed ?? 0) === total ? 'complete' : 'in_progress';
}

/**
 * The controller's Prometheus metrics. Gauges are computed from the database when scraped, so
 * they cannot drift from what the API shows; counters and histograms are fed by the REST API
 * hook. Metric names are the Grafana dashboard's contract (docs/grafana/fleetcast.json).
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  /** REST request latency by route pattern (never the raw URL: ids would explode cardinality). */
  readonly apiLatency: Histogram<'method' | 'route' | 'status'>;
  /** Bundle bytes sent over HTTP range downloads. */
  readonly httpTransferBytes: Counter;

  constructor(sources: ControllerMetricSources) {
    const registers = [this.registry];
    this.apiLatency = new Histogram({ name: 'fleetcast_controller_api_request_seconds', help: 'REST API request latency by route pattern', labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers });
    this.httpTransferBytes = new Counter({ name: 'fleetcast_controller_bundle_http_bytes_total', help: 'Bundle bytes sent as HTTP downloads', registers });
    new Gauge({
      name: 'fleetcast_controller_devices', help: 'Enrolled devices by connection state (online, offline, revoked)', labelNames: ['state'], registers,
      collect() {
        const counts = { online: 0, offline: 0, revoked: 0 };
        for (const device of sources.devices()) counts[device.revokedAt ? 'revoked' : device.online ? 'online' : 'offline'] += 1;
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'fleetcast_controller_devices_by_update_state', help: 'Unrevoked devices by reported update state', labelNames: ['state'], registers,
      collect() {
        this.reset();
        for (const device of sources.devices()) if (!device.revokedAt) this.inc({ state: device.reported.updateState ?? 'unknown' });
      },
    });
    new Gauge({
      name: 'fleetcast_controller_devices_by_health', help: 'Unrevoked devices by reported health', labelNames: ['status'], registers,
      collect() {
        this.reset();
        for (const device of sources.devices()) if (!device.revokedAt) this.inc({ status: device.reported.health?.status ?? 'unknown' });
      },
    });
    new Gauge({
      name: 'fleetcast_controller_deployments', help: 'Deployments by state (complete, in_progress, failed)', labelNames: ['state'], registers,
      collect() {
        const counts = { complete: 0, in_progress: 0, failed: 0 };
        for (const deployment of sources.deployments()) counts[deploymentState(deployment.counts)] += 1;
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'fleetcast_controller_deployment_devices', help: 'Device rows of recent deployments by status', labelNames: ['status'], registers,
      collect() {
        this.reset();
        for (const deployment of sources.deployments()) for (const [status, count] of Object.entries(deployment.counts)) this.inc({ status }, count);
      },
    });
    new Gauge({
      name: 'fleetcast_controller_ingest_lag_seconds', help: 'Record timestamp to ingest, over records received in the last 5 minutes', labelNames: ['stat'], registers,
      collect() {
        const lag = sources.ingestLag();
        this.set({ stat: 'max' }, lag.maxSeconds);
        this.set({ stat: 'mean' }, lag.meanSeconds);
      },
    });
    new Gauge({
      name: 'fleetcast_controller_bundle_mqtt_bytes', help: 'Bundle bytes sent as MQTT blob chunks since start', registers,
      collect() { this.set(sources.mqttBlobBytes()); },
    });
  }

  /** The text exposition format. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
