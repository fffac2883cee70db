import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { DriftSeries } from '../monitoring/drift/schema.js';
import type { AccuracyPoint } from '../monitoring/accuracy/series.js';
import type { AlertView } from '../alerts/schema.js';
import { connectApi, withApiOptions, type ApiOptions } from './api-options.js';
import { withDataDirOptions } from './cli-context.js';

interface DriftFlags extends ApiOptions {
  store?: string;
  region?: string;
  fleet?: boolean;
  model: string;
  version?: string;
  from?: string;
  to?: string;
  bucketSec: string;
  limit: string;
  threshold: string[];
}

interface ReportFlags extends DriftFlags {
  out: string;
  accuracy?: string;
  alerts?: string;
}

/** `?level=…` of `GET /v1/drift` from exactly one of --store, --region, --fleet. */
export function driftQueryString(flags: DriftFlags): string {
  const levels = [flags.store !== undefined, flags.region !== undefined, flags.fleet === true].filter(Boolean).length;
  if (levels !== 1) throw new FleetcastError('FC_ERR_USAGE', 'give exactly one of --store <id>, --region <id>, --fleet');
  const params = new URLSearchParams({ model: flags.model, bucketSec: flags.bucketSec, limit: flags.limit });
  const [level, subject] = flags.store !== undefined ? ['store', flags.store] : flags.region !== undefined ? ['region', flags.region] : ['fleet', undefined];
  params.set('level', level);
  if (subject !== undefined) params.set('subject', subject);
  for (const key of ['version', 'from', 'to'] as const) if (flags[key] !== undefined) params.set(key, flags[key]);
  for (const entry of flags.threshold) {
    const match = /^([a-zA-Z]+)=(.+)$/.exec(entry);
    if (!match) throw new FleetcastError('FC_ERR_USAGE', `--threshold ${entry}: expected name=value (docs/monitoring.md)`);
    params.set(match[1], match[2]);
  }
  return params.toString();
}

function withDriftOptions(command: Command): Command {
  return withApiOptions(withDataDirOptions(command))
    .option('--store <id>', 'one store: its devices\' windows merged')
    .option('--region <id>', 'one region (the devices\' enrolled region)')
    .option('--fleet', 'the whole fleet')
    .requiredOption('--model <name>', 'model name')
    .option('--version <n>', 'model version (default: the newest with drift windows)')
    .option('--from <iso>', 'first window end to include (ISO timestamp)')
    .option('--to <iso>', 'last window end to include (ISO timestamp)')
    .option('--bucket-sec <seconds>', 'merge device windows into buckets this wide', '3600')
    .option('--limit <n>', 'newest buckets to show', '168')
    .option('--threshold <name=value>', 'try another threshold on the stored windows, e.g. psi=0.1 or minSamples=500 (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[]);
}

async function fetchSeries(flags: DriftFlags): Promise<DriftSeries> {
  const query = driftQueryString(flags);
  return (await connectApi(flags)).call<DriftSeries>('GET', `/v1/drift?${query}`);
}

/** The accuracy trend and the alerts of the report's subject, read from the controller (issue #12). */
async function fetchAccuracyAndAlerts(flags: DriftFlags, series: DriftSeries): Promise<{ accuracy: AccuracyPoint[]; alerts: AlertView[] }> {
  const api = await connectApi(flags);
  const subject = new URLSearchParams({ level: series.level, ...(series.subject ? { subject: series.subject } : {}) });
  const accuracy = await api.call<{ points: AccuracyPoint[] }>('GET', `/v1/accuracy/series?${subject.toString()}&model=${encodeURIComponent(series.model)}`);
  const alerts = await api.call<{ alerts: AlertView[] }>('GET', `/v1/alerts?${subject.toString()}`);
  return { accuracy: accuracy.points, alerts: alerts.alerts };
}

/** `fleetcast drift show|report` (issue #12): merged drift of a store, region or the fleet. */
export function registerDriftCommands(program: Command): void {
  const drift = program.command('drift').description('Data drift of a store, region or the fleet, merged from the devices\' window counts');
  withDriftOptions(drift.command('show').description('Per-window drift share and the latest window\'s statistics'))
    .action((flags: DriftFlags) => runCommand(flags, () => fetchSeries(flags), (series) => renderSeriesText(series)));
  withDriftOptions(drift.command('report').description('Write one self-contained HTML report (charts inlined, no network needed)'))
    .requiredOption('--out <file>', 'HTML file to write')
    .option('--accuracy <json>', 'accuracy trend to include (JSON array of AccuracyPoint; default: the controller\'s series for the same subject)')
    .option('--alerts <json>', 'alerts to include (JSON array of AlertView; default: the controller\'s alerts for the same subject)')
    .action((flags: ReportFlags) =>
      runCommand(flags, async () => {
        const series = await fetchSeries(flags);
        const { writeDriftReport } = await import('../monitoring/drift/report/write-report.js');
        const fromController = flags.accuracy === undefined || flags.alerts === undefined ? await fetchAccuracyAndAlerts(flags, series) : {};
        return writeDriftReport({ series, out: flags.out, accuracyPath: flags.accuracy, alertsPath: flags.alerts, ...fromController });
      }, (result) => `wrote ${result.out} (${result.bytes} bytes, ${result.charts} charts, ${result.windows} windows)`));
}

function renderSeriesText(series: DriftSeries): string {
  const header = `${series.level}${series.subject ? ` ${series.subject}` : ''} · ${series.model}@${series.version ?? '-'} · ${series.devices.length} device(s)`;
  if (series.windows.length === 0) return `${header}\nno drift windows`;
  const latest = series.windows[series.windows.length - 1];
  const trend = series.windows.map((w) => `${w.windowEnd.slice(0, 16)}  n=${w.n}  share=${w.driftShare.toFixed(3)}${w.drifted ? '  DRIFT' : ''}`);
  const stat = (f: DriftSeries['windows'][number]['features'][number], name: 'psi' | 'js' | 'wasserstein' | 'ks'): string => {
    const s = f.statistics[name];
    return s ? `${s.value.toFixed(3)}±${s.bound.toFixed(3)}${s.exceeded ? '*' : ''}` : '-';
  };
  const rows = latest.features.map((f) => [f.name, String(f.n), stat(f, 'psi'), stat(f, 'js'), stat(f, 'wasserstein'), stat(f, 'ks'), f.statistics.missingShare?.value.toFixed(3) ?? '-', f.statistics.unseenShare?.value.toFixed(3) ?? '-', f.drifted ? 'DRIFT' : 'ok']);
  const head = ['FEATURE', 'N', 'PSI', 'JS', 'W/σ', 'KS', 'ΔMISSING', 'UNSEEN', ''];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const table = [head, ...rows].map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  return [header, '', ...trend, '', `latest window (* = above threshold by more than the bound):`, ...table].join('\n');
}
