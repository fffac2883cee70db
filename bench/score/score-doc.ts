import type { EchoResult, ModelResult } from './run.js';

/** Everything one bench/score run measured. */
export interface ScoreRun {
  requests: number;
  models: ModelResult[];
  echo: EchoResult;
  echoGuarded: EchoResult;
  machine: { cpus: number; model: string; loadavgStart: number[]; loadavgEnd: number[]; node: string };
  measuredAt: Date;
}

const ms = (value: number): string => value.toFixed(3);
const us = (value: number): string => value.toFixed(1);
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const load = (values: number[]): string => values.map((l) => l.toFixed(2)).join(' / ');
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');

/** docs/benchmarks/score.md from one run: tables, ratios against the baselines, targets. */
export function scoreDoc(run: ScoreRun): string {
  const { models, echo, echoGuarded, machine } = run;
  const latencyRows = models.map((m) => `| ${m.label}: POS request → response through the agent | ${ms(m.agent.p50)} | ${ms(m.agent.p99)} | ${ms(m.agent.mean)} | ${m.agent.rps32.toFixed(0)} | ${us(m.agent.cpuUsPerRequest)} |`);
  const qos1Rows = models.map((m) => `| ${m.label}: the same at QoS 1 (PUBACK + reply) | ${ms(m.agentQos1.p50)} | ${ms(m.agentQos1.p99)} | ${ms(m.agentQos1.mean)} | — | — |`);
  const runRows = models.map((m) => `| ${m.label}: raw \`session.run\` (batch 1, the agent's session options) | ${ms(m.sessionRun.p50)} | ${ms(m.sessionRun.p99)} | ${ms(m.sessionRun.mean)} | — | — |`);
  const ratioRows = models.map((m) => {
    const p50Ratio = m.agent.p50 / (echo.p50 + m.sessionRun.p50);
    const rpsRatio = m.agent.rps32 / echo.rps32;
    return `| ${m.label} | ${p50Ratio.toFixed(2)}× ${verdict(p50Ratio <= 2)} | ${ms(m.agent.p99)} ms ${verdict(m.agent.p99 <= 2)} | ${rpsRatio.toFixed(2)}× ${verdict(rpsRatio >= 0.5)} | ${(m.agent.cpuUsPerRequest / echo.cpuUsPerRequest).toFixed(2)}× | ${(m.agentQos1.p50 / m.agent.p50).toFixed(2)}× ${verdict(m.agentQos1.p50 <= 2 * m.agent.p50)} |`;
  });
  const partRows = models.map((m) => {
    const p = m.parts;
    return `| ${m.label} | ${us(p.decodeUs)} (zod: ${us(p.zodDecodeUs)}) | ${us(p.featuresUs)} | ${us(p.historyCompletenessUs)} | ${us(p.driftUs)} | ${us(p.sessionRunUs)} | ${us(p.replyJsonUs)} | ${us(p.bookkeepingUs)} | ${us(p.sqlitePerRowUs)} | ${p.logLinesPerRequest} | ${us(p.handlerUs)} |`;
  });
  const rssRows = models.map((m) => `| ${m.label} | ${mb(m.idleRssBytes)} | ${mb(m.rssAfterLoadBytes)} | ${m.startToServingMs} |`);
  return `# bench/score — POS scoring through the agent

Command (after \`npx tsc -p .\`): \`node dist/bench/score/run.js ${run.requests}\`

Measured ${run.measuredAt.toISOString()} on ${machine.cpus} × ${machine.model}, Node ${machine.node}.
Load average (1 / 5 / 15 min) at the start ${load(machine.loadavgStart)}, at the end ${load(machine.loadavgEnd)}:
the 2-core box is shared with other work, and a loaded machine inflates every wall-clock figure,
baselines included. The CPU-time column (µs of the server process's CPU per request, read from
/proc during the 32-in-flight run) depends far less on the load than the latencies do.

Models, built in the same run (bench/score/bench-models.ts):
${models.map((m) => `- **${m.label}**: ${m.description}.`).join('\n')}

One row per request, features built from the agent's local history (the generated chain's last
400 days, sent as POS actuals before measuring). Client: mqtt.js (MQTT 3.1.1) on loopback, QoS 0
unless the row says QoS 1; the agent's default POS backend (embedded aedes behind the broker guard).
${run.requests} requests one in flight after ${500} warm-up requests; throughput with 32 in flight over ${run.requests * 4} requests.

| what | p50 (ms) | p99 (ms) | mean (ms) | req/s, 32 in flight | server CPU µs / request |
|---|---|---|---|---|---|
${[...latencyRows, ...qos1Rows, ...runRows].join('\n')}
| baseline: raw broker echo (the same aedes, no guard, no scoring) | ${ms(echo.p50)} | ${ms(echo.p99)} | ${ms(echo.mean)} | ${echo.rps32.toFixed(0)} | ${us(echo.cpuUsPerRequest)} |
| baseline: the same echo behind the broker guard | ${ms(echoGuarded.p50)} | ${ms(echoGuarded.p99)} | ${ms(echoGuarded.mean)} | ${echoGuarded.rps32.toFixed(0)} | ${us(echoGuarded.cpuUsPerRequest)} |

## Against the goals of issue #15 (and issue #9's QoS 1 point)

| model | p50 ÷ (echo p50 + run p50), goal ≤ 2× | p99, goal ≤ 2 ms idle | req/s ÷ echo req/s, goal ≥ 0.5× | CPU ÷ echo CPU | QoS 1 p50 ÷ QoS 0 p50, goal ≤ 2× |
|---|---|---|---|---|---|
${ratioRows.join('\n')}

The broker guard's own cost is the difference between the two echo rows (same run).

## Where a request's time goes (µs, median, measured in-process with the agent's own modules)

Each step below is what the agent's score handler does for one request, timed apart on real
SQLite and onnxruntime (bench/score/request-parts.ts); "handler" is the whole handler with no
broker. The rest of the round trip is the broker (the echo rows) and the event loop.

| model | validate (JSON + check) | features | history completeness | drift counters | \`session.run\` | reply + JSON | served/stats bookkeeping | SQLite per served row (one transaction per flush tick) | log lines / request (info) | handler |
|---|---|---|---|---|---|---|---|---|---|---|
${partRows.join('\n')}

SQLite is not written per request: served forecasts are buffered and committed in one
transaction per flush tick (\`schedules.flushIntervalSec\`); the column shows that commit's cost
per row. Nothing is logged per request at the default level.

## Memory and start (agent process, per model)

| model | idle RSS with the model loaded (MB) | RSS after the load run (MB) | Node start to serving (ms) |
|---|---|---|---|
${rssRows.join('\n')}

See bench/footprint for the footprint targets of issue #15.
`;
}
