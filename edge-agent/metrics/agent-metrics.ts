import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ModelRef } from '../../protocols/envelope.js';
import type { ServingPrecision } from '../../protocols/bundle/serving-precision.js';
import type { OutboxEntry } from '../storage/outbox.js';

/** Where the agent's gauges read their current values at scrape time. */
export interface AgentMetricSources {
  /** Records and bytes waiting in the outbox. */
  outbox(): { records: number; bytes: number; droppedPending: number };
  /** The model that serves now and how (fp32/int8), or null. */
  model(): { ref: ModelRef; serving: ServingPrecision } | null;
}

/**
 * The agent's Prometheus metrics (issue #14), on a registry of its own so two agents in one
 * process (tests) never share series. Metric names are part of the Grafana dashboard's contract
 * (docs/grafana/fleetcast.json; a test checks every queried name is exported).
 */
export class AgentMetrics {
  readonly registry = new Registry();
  /** POS request latency (request received → reply sent), seconds. */
  readonly scoreLatency: Histogram<'result'>;
  /** POS score requests by outcome: `ok` or the FC_ERR_* code answered. */
  readonly scoreRequests: Counter<'result'>;
  /** onnxruntime `session.run` time per request, seconds (inline or on the scoring worker). */
  readonly onnxRun: Histogram;
  /** PSI of each feature (and `prediction`) in the latest closed drift window. */
  readonly driftPsi: Gauge<'model' | 'feature'>;

  constructor(deviceId: string, sources: AgentMetricSources) {
    this.registry.setDefaultLabels({ device: deviceId });
    const registers = [this.registry];
    this.scoreLatency = new Histogram({ name: 'fleetcast_agent_score_latency_seconds', help: 'POS score request latency, request received to reply', labelNames: ['result'], buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
    this.scoreRequests = new Counter({ name: 'fleetcast_agent_score_requests_total', help: 'POS score requests by result (ok or FC_ERR_* code)', labelNames: ['result'], registers });
    this.onnxRun = new Histogram({ name: 'fleetcast_agent_onnx_run_seconds', help: 'onnxruntime session.run time per scored request', buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5], registers });
    this.driftPsi = new Gauge({ name: 'fleetcast_agent_drift_psi', help: 'Population stability index per feature in the latest closed drift window', labelNames: ['model', 'feature'], registers });
    new Gauge({
      name: 'fleetcast_agent_outbox_records', help: 'Records waiting in the outbox for an ack', registers,
      collect() { this.set(sources.outbox().records); },
    });
    new Gauge({
      name: 'fleetcast_agent_outbox_bytes', help: 'Bytes of the outbox counted against its disk budget', registers,
      collect() { this.set(sources.outbox().bytes); },
    });
    new Gauge({
      name: 'fleetcast_agent_outbox_dropped_records', help: 'Records dropped under the outbox budget and not yet acknowledged by the controller', registers,
      collect() { this.set(sources.outbox().droppedPending); },
    });
    new Gauge({
      name: 'fleetcast_agent_model_info', help: 'The serving model (value 1; labels name, version, serving)', labelNames: ['name', 'version', 'serving'], registers,
      collect() {
        this.reset();
        const model = sources.model();
        if (model) this.set({ name: model.ref.name, version: String(model.ref.version), serving: model.serving.precision }, 1);
      },
    });
  }

  /** Counts one answered request with its latency in milliseconds. */
  observeScore(result: string, latencyMs: number | null): void {
    this.scoreRequests.inc({ result });
    if (latencyMs !== null) this.scoreLatency.observe({ result }, latencyMs / 1_000);
  }

  /** Takes the PSI of freshly closed drift windows (records about to enter the outbox). */
  observeRecords(entries: ReadonlyArray<OutboxEntry | null>): void {
    for (const entry of entries) {
      if (entry?.kind !== 'drift') continue;
      const model = `${entry.model.name}@${entry.model.version}`;
      for (const feature of entry.features) this.driftPsi.set({ model, feature: feature.name }, feature.psi);
      this.driftPsi.set({ model, feature: 'prediction' }, entry.prediction.psi);
    }
  }

  /** The text exposition format. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
