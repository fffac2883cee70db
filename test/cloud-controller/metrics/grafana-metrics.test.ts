import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { repoRoot } from '../../helpers/paths.js';
import { spawnController, type Started } from '../controller-process.js';
import { POS_USER, makeModelDir, startAgentProcess, writeAgentConfig, type AgentProcess } from '../../edge-agent/helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, waitFor } from '../../edge-agent/helpers/pos-client.js';

let agent: AgentProcess;
let controller: { child: ChildProcess; info: Started };

test.before(async () => {
  const { root } = await makeModelDir('gbdt');
  agent = await startAgentProcess(await writeAgentConfig(root, { metrics: { host: '127.0.0.1', port: 0 } }));
  const cwd = await mkdtemp(join(tmpdir(), 'fc-metrics-'));
  controller = await spawnController(cwd, { FLEETCAST_API_PORT: '0', FLEETCAST_BROKER_PORT: '0' });
});

test.after.always(async () => {
  await agent?.stop();
  controller?.child.kill('SIGTERM');
});

/** Scrapes and parses an exposition (the parser throws on any line it cannot read). */
async function scrape(url: string): Promise<{ text: string; families: MetricFamily[] }> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  if (!response.headers.get('content-type')?.startsWith('text/plain')) throw new Error(`${url}: ${response.headers.get('content-type')}`);
  const text = await response.text();
  return { text, families: parsePrometheusTextFormat(text) };
}

/**
 * One sample of a labelled histogram series (`…_count`). parse-prometheus-text-format folds a
 * histogram's label sets into one (its flattenMetrics), so those are read from the text lines.
 */
function sample(text: string, series: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:][a-z0-9_:]*)\{(.*)\} (\S+)$/i.exec(line);
    if (!match || match[1] !== series) continue;
    const present = Object.fromEntries([...match[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/** Names a PromQL expression may use for a family: histograms also by their _bucket/_sum/_count series. */
function exportedNames(families: MetricFamily[]): Set<string> {
  const names = new Set<string>();
  for (const family of families) {
    names.add(family.name);
    if (family.type === 'HISTOGRAM') for (const suffix of ['_bucket', '_sum', '_count']) names.add(family.name + suffix);
  }
  return names;
}

function family(families: MetricFamily[], name: string): MetricFamily {
  const found = families.find((entry) => entry.name === name);
  if (!found) throw new Error(`${name} not exported`);
  return found;
}

test.serial('the agent serves /metrics on its own port: a POS request shows up as latency, result and ONNX run time, with the serving model', async (t) => {
  t.true(agent.metricsPort !== null && agent.metricsPort > 0);
  const pos = await connectPos(agent.posPort, 'till-metrics', POS_USER);
  const received = collect(pos);
  await pos.subscribeAsync('pos/v1/score/res/till-metrics', { qos: 1 });
  pos.publish('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i1', date: '2026-11-27' }], { requestId: 'm-1', replyTo: 'pos/v1/score/res/till-metrics' })), { qos: 1 });
  pos.publish('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i1', date: '2026-13-40' }], { requestId: 'm-2', replyTo: 'pos/v1/score/res/till-metrics' })), { qos: 1 });
  await waitFor(() => received.length === 2, 10_000, 'two replies');
  await pos.endAsync();

  const { text, families } = await scrape(`http://127.0.0.1:${agent.metricsPort}/metrics`);
  const requests = family(families, 'fleetcast_agent_score_requests_total').metrics;
  const byResult = Object.fromEntries(requests.map((metric) => [metric.labels?.result, Number(metric.value)]));
  t.is(byResult.ok, 1);
  const errorCode = received.map((entry) => entry.message).find((message) => message.type === 'error')?.code as string;
  t.regex(errorCode, /^FC_ERR_/);
  t.is(byResult[errorCode], 1);
  t.is(family(families, 'fleetcast_agent_score_latency_seconds').type, 'HISTOGRAM');
  t.is(sample(text, 'fleetcast_agent_score_latency_seconds_count', { result: 'ok' }), 1);
  t.is(family(families, 'fleetcast_agent_onnx_run_seconds').type, 'HISTOGRAM');
  t.is(sample(text, 'fleetcast_agent_onnx_run_seconds_count', { device: 'store-1' }), 1);
  t.deepEqual(family(families, 'fleetcast_agent_model_info').metrics.map((metric) => metric.labels), [{ device: 'store-1', name: 'demand', version: '3', serving: 'fp32' }]);
  t.true(Number(family(families, 'fleetcast_agent_outbox_records').metrics[0].value) >= 0);
});

test.serial('the controller serves /metrics without a token, with API latency by route pattern', async (t) => {
  const base = controller.info.api;
  t.is((await fetch(`${base}/v1/devices/some-device`)).status, 401);
  const { text, families } = await scrape(`${base}/metrics`);
  t.is(family(families, 'fleetcast_controller_api_request_seconds').type, 'HISTOGRAM');
  t.is(sample(text, 'fleetcast_controller_api_request_seconds_count', { method: 'GET', route: '/v1/devices/:id', status: '401' }), 1);
  t.deepEqual(family(families, 'fleetcast_controller_devices').metrics.map((metric) => [metric.labels?.state, metric.value]).sort(), [['offline', '0'], ['online', '0'], ['revoked', '0']]);
});

test.serial('every metric the Grafana dashboard queries is exported by the controller or the agent', async (t) => {
  const dashboard = JSON.parse(readFileSync(join(repoRoot, 'docs/grafana/fleetcast.json'), 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
  const queried = new Set(dashboard.panels.flatMap((panel) => panel.targets ?? []).flatMap((target) => target.expr.match(/\bfleetcast_[a-z0-9_]+/g) ?? []));
  t.true(queried.size >= 15);
  const exported = exportedNames([...(await scrape(`${controller.info.api}/metrics`)).families, ...(await scrape(`http://127.0.0.1:${agent.metricsPort}/metrics`)).families]);
  t.deepEqual([...queried].filter((name) => !exported.has(name)), []);
});
