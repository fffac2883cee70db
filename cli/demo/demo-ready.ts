import type { ActualRow } from '../../protocols/messages/pos/actuals.js';
import { posTopics } from '../../protocols/topics.js';

/** What `demo --keep` prints once everything runs (issue #14): where to look and what to try. */
export interface DemoReady {
  event: 'demo-ready';
  dashboard: string;
  api: string;
  operatorToken: string;
  viewerToken: string;
  metrics: { controller: string; agents: Record<string, string | null> };
  stores: Array<{ deviceId: string; store: string; posUrl: string; posBackend: 'aedes' | 'mosquitto'; username: string; password: string }>;
  simulation: { secondsPerDay: number; driftStore: string | null; driftAfterDays: number };
  nextSteps: string[];
}

/** Shell-quotes one argument for the copy-paste lines. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The copy-paste next steps: a forecast over MQTT, the REST API with the token, `fleetcast status`. */
export function nextSteps(ready: Omit<DemoReady, 'nextSteps'>, sample: Pick<ActualRow, 'store' | 'item' | 'date'>): string[] {
  const store = ready.stores[0];
  const port = new URL(store.posUrl).port;
  const request = JSON.stringify({ v: 1, id: 'try-1', ts: '2026-01-01T00:00:00Z', sender: { role: 'pos', id: 'till-1' }, type: 'score', rows: [sample] });
  const login = `-h 127.0.0.1 -p ${port} -u ${quote(store.username)} -P ${quote(store.password)}`;
  // A till reads replies only below its own client id (edge-agent/pos/pos-acl.ts), hence `-i`.
  // MQTT 5 tills get the reply on their response topic (Mosquitto backend); 3.1.1 tills name `replyTo`.
  const forecast = store.posBackend === 'mosquitto'
    ? `mosquitto_rr ${login} -i till-1 -t ${posTopics.scoreRequest} -e ${posTopics.replyPrefix}/till-1 -m ${quote(request)}`
    : `mosquitto_sub ${login} -i till-1 -t ${posTopics.replyPrefix}/till-1 -C 1 & sleep 1; mosquitto_pub ${login} -i till-1-pub -t ${posTopics.scoreRequest} -m ${quote(JSON.stringify({ ...JSON.parse(request), replyTo: `${posTopics.replyPrefix}/till-1` }))}; wait`;
  return [
    forecast,
    `curl -s -H ${quote(`authorization: Bearer ${ready.operatorToken}`)} ${ready.api}/v1/fleet/status`,
    `FLEETCAST_API_URL=${ready.api} FLEETCAST_API_TOKEN=${ready.operatorToken} npx fleetcast status`,
    `curl -s ${ready.metrics.controller} | grep ^fleetcast_`,
  ];
}

export function renderReady(ready: DemoReady): string {
  const lines = [
    '',
    'fleetcast demo is running — Ctrl-C stops everything',
    `  dashboard at ${ready.dashboard}  (sign in with a token below)`,
    `  operator token  ${ready.operatorToken}`,
    `  viewer token    ${ready.viewerToken}`,
    `  Prometheus      ${ready.metrics.controller}`,
    '  stores:',
    ...ready.stores.map((store) => `    ${store.deviceId}  store ${store.store}  POS ${store.posUrl} (${store.posBackend})  login ${store.username} / ${store.password}  metrics ${ready.metrics.agents[store.deviceId] ?? 'off'}`),
    `  simulated sales day every ${ready.simulation.secondsPerDay} s${ready.simulation.driftStore ? `; store ${ready.simulation.driftStore}'s prices and promotions drift after ${ready.simulation.driftAfterDays} days` : ''}`,
    '  next steps:',
    ...ready.nextSteps.map((step) => `    ${step}`),
    '',
  ];
  return lines.join('\n');
}
