import { DRIFT_STATISTICS, type DriftStatisticName } from '../../../../protocols/drift/assess.js';
import { toShares } from '../../../../protocols/drift/statistics.js';
import type { DriftSeries, DriftWindowView } from '../schema.js';
import { CHART_SCRIPT } from './chart-script.js';
import type { AccuracyPoint, AlertView } from './report-inputs.js';

/** What one report shows; accuracy and alerts are optional (they come from the accuracy monitor and alerting). */
export interface DriftReportInput {
  series: DriftSeries;
  accuracy?: readonly AccuracyPoint[];
  alerts?: readonly AlertView[];
  /** Source of echarts.min.js, inlined so the file needs no network. */
  echartsSource: string;
  generatedAt: Date;
}

const STATISTIC_TITLES: Record<DriftStatisticName, string> = { psi: 'PSI', js: 'JS distance', wasserstein: 'Wasserstein / σ', ks: 'KS', missingShare: 'Δ missing share', unseenShare: 'unseen share' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const fmt = (value: number): string => (Math.abs(value) >= 1000 || value === 0 ? String(Math.round(value * 1000) / 1000) : value.toPrecision(3));

/** Bin labels: "≤ e0", "e0 … e1", …, "> eN"; categorical: tracked categories, (other), (unseen). */
function slotLabels(feature: { kind: string; edges: number[]; labels: string[] }): string[] {
  if (feature.kind === 'categorical') return [...feature.labels, '(other)', '(unseen)'];
  const { edges } = feature;
  if (edges.length === 0) return ['all'];
  return [`≤ ${fmt(edges[0])}`, ...edges.slice(1).map((edge, i) => `${fmt(edges[i])} … ${fmt(edge)}`), `> ${fmt(edges[edges.length - 1])}`];
}

function windowLabel(window: { windowEnd: string }): string {
  return window.windowEnd.slice(0, 16).replace('T', ' ');
}

/** Consecutive windows in the same non-ok alarm state, for shaded areas. */
function alarmRanges(points: readonly AccuracyPoint[]): Array<{ from: string; to: string; alarm: string }> {
  const ranges: Array<{ from: string; to: string; alarm: string }> = [];
  points.forEach((point, i) => {
    if (point.alarm === 'ok') return;
    const last = ranges[ranges.length - 1];
    if (last && last.alarm === point.alarm && points[i - 1]?.alarm === point.alarm) last.to = windowLabel(point);
    else ranges.push({ from: windowLabel(point), to: windowLabel(point), alarm: point.alarm });
  });
  return ranges;
}

function chartData(input: DriftReportInput, latest: DriftWindowView | undefined): unknown {
  const { series } = input;
  const reference = series.reference;
  const accuracy = input.accuracy ?? [];
  return {
    windowLabels: series.windows.map(windowLabel),
    shares: series.windows.map((window) => window.driftShare),
    datasetThreshold: series.thresholds.datasetShare,
    features: (reference?.features ?? []).map((feature, i) => ({
      labels: slotLabels(feature),
      reference: feature.shares,
      current: latest ? toShares(latest.features[i].counts) : [],
    })),
    prediction: {
      labels: slotLabels({ kind: 'numeric', edges: reference?.prediction.edges ?? [], labels: [] }),
      reference: reference?.prediction.shares ?? [],
      current: latest ? toShares(latest.prediction.counts) : [],
    },
    accuracy: {
      labels: accuracy.map(windowLabel),
      wape: accuracy.map((p) => p.wape),
      bias: accuracy.map((p) => p.bias),
      rmse: accuracy.map((p) => p.rmse),
      mase: accuracy.map((p) => p.mase),
      statistic: accuracy.map((p) => p.statistic),
      alarms: alarmRanges(accuracy),
    },
  };
}

function statisticTable(series: DriftSeries, latest: DriftWindowView): string {
  const head = ['feature', 'kind', 'weight', 'rows', 'missing', ...DRIFT_STATISTICS.map((name) => STATISTIC_TITLES[name]), 'drifted'];
  const rows = latest.features.map((feature) => {
    const cells = DRIFT_STATISTICS.map((name) => {
      const s = feature.statistics[name];
      return s ? `<td class="${s.exceeded ? 'hit' : ''}" title="exceeded when value − bound > threshold">${fmt(s.value)} ± ${fmt(s.bound)} <small>(&gt; ${fmt(s.threshold)})</small></td>` : '<td class="na">–</td>';
    });
    return `<tr class="${feature.drifted ? 'drifted' : ''}"><td>${escapeHtml(feature.name)}</td><td>${feature.kind}</td><td>${fmt(feature.weight)}</td><td>${feature.n}</td><td>${feature.missing}</td>${cells.join('')}<td>${feature.drifted ? 'DRIFT' : 'ok'}</td></tr>`;
  });
  const weighting = series.reference?.weighted ? 'GBDT gain importance' : 'uniform (the bundle carries no gain importance)';
  return `<p>Window ${escapeHtml(latest.windowStart)} – ${escapeHtml(latest.windowEnd)}: ${latest.n} rows from ${latest.devices} device(s); weighted share of drifted features <b>${fmt(latest.driftShare)}</b> (threshold ${fmt(series.thresholds.datasetShare)}, weights: ${weighting}); minimum ${series.thresholds.minSamples} rows per feature.</p>
<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function alertsTable(alerts: readonly AlertView[]): string {
  const rows = alerts.map((alert) => `<tr class="sev-${alert.severity}"><td>${escapeHtml(alert.id)}</td><td>${escapeHtml(alert.rule)}</td><td>${alert.severity}</td><td>${alert.level} ${escapeHtml(alert.subject)}</td><td>${alert.state}</td><td>${escapeHtml(alert.openedAt)}</td><td><pre>${escapeHtml(JSON.stringify(alert.evidence, null, 1))}</pre></td></tr>`);
  return `<table><thead><tr><th>id</th><th>rule</th><th>severity</th><th>subject</th><th>state</th><th>opened</th><th>what triggered it</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2933}h1{font-size:20px}h2{font-size:17px;margin-top:28px}
.chart{width:100%;height:260px}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:12px}
.card{border:1px solid #d9e2ec;border-radius:6px;padding:8px}.card h3{font-size:14px;margin:0 0 4px}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #d9e2ec;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}
td.hit{background:#fde2e2;font-weight:600}tr.drifted td:first-child{color:#b42318;font-weight:600}td.na{color:#9aa5b1}.sev-critical td:nth-child(3){color:#b42318;font-weight:600}
pre{margin:0;text-align:left;font-size:11px;white-space:pre-wrap}small{color:#7b8794}`;

/**
 * One self-contained HTML report (issue #12): echarts inlined, data embedded as JSON, no
 * request leaves the file. Sections: drift share over time, reference vs current histogram per
 * feature and of the predictions, the statistic table with thresholds and bounds, and — when
 * given — the accuracy trend with its alarm state and the alerts with their evidence.
 */
export function renderDriftReport(input: DriftReportInput): string {
  const { series } = input;
  const latest = series.windows[series.windows.length - 1];
  const title = `Drift — ${series.level}${series.subject ? ` ${series.subject}` : ''} · ${series.model}${series.version ? `@${series.version}` : ''}`;
  const features = series.reference?.features ?? [];
  const sections = [
    `<h1>${escapeHtml(title)}</h1><p>Generated ${input.generatedAt.toISOString()} · ${series.devices.length} device(s) · ${series.windows.length} window(s)${series.skippedWindows ? ` · ${series.skippedWindows} stored window(s) skipped (older agents or unreadable)` : ''}.</p>`,
    '<h2>Drift over time</h2><div class="chart" id="chart-share" data-kind="share"></div>',
  ];
  if (latest && series.reference) {
    sections.push('<h2>Statistics of the latest window</h2>', statisticTable(series, latest));
    sections.push('<h2>Reference vs current (latest window)</h2><div class="grid">',
      ...features.map((feature, i) => `<div class="card"><h3>${escapeHtml(feature.name)}${latest.features[i].drifted ? ' — drifted' : ''}</h3><div class="chart" id="chart-feature-${i}" data-kind="feature" data-index="${i}"></div></div>`),
      '<div class="card"><h3>predictions</h3><div class="chart" id="chart-prediction" data-kind="prediction"></div></div></div>');
  } else {
    sections.push('<p>No drift windows in this range.</p>');
  }
  if (input.accuracy) sections.push('<h2>Accuracy trend and alarm state</h2>', input.accuracy.length > 0 ? '<div class="chart" id="chart-accuracy" data-kind="accuracy"></div><p><small>Shaded: windows in warning (orange) or alarm (red).</small></p>' : '<p>No accuracy windows.</p>');
  if (input.alerts) sections.push('<h2>Alerts and what triggered them</h2>', input.alerts.length > 0 ? alertsTable(input.alerts) : '<p>No alerts.</p>');
  const json = JSON.stringify(chartData(input, latest)).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>
${sections.join('\n')}
<script type="application/json" id="report-data">${json}</script>
<script>${input.echartsSource.replace(/<\/script/gi, '<\\/script')}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}
