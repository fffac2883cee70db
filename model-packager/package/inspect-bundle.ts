import { bundleManifestSchema, type BundleManifest } from '../../protocols/bundle/manifest.js';
import { readBundle } from '../../protocols/bundle/read-bundle.js';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../../protocols/bundle/signature.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** What `fleetcast bundle inspect` reports (signature NOT verified; use `bundle verify`). */
export interface BundleInspection {
  sizeBytes: number;
  signed: boolean;
  signerKeyId: string;
  model: BundleManifest['model'];
  runId: string | null;
  createdAt: string;
  minAgentVersion: string;
  files: BundleManifest['files'];
  features: string[];
  /** Each model metric beside the seasonal-naive baseline's value for the same metric. */
  metrics: Array<{ metric: string; model: number; seasonalNaive: number | null }>;
  quantization: BundleManifest['quantization'];
}

/** Reads a bundle's manifest for display; a schema-invalid manifest is FC_ERR_BUNDLE_MANIFEST_INVALID. */
export async function inspectBundle(path: string): Promise<BundleInspection> {
  const { files, sizeBytes } = await readBundle(path);
  const raw = files.get(MANIFEST_FILE);
  let parsed: ReturnType<typeof bundleManifestSchema.safeParse>;
  try {
    parsed = bundleManifestSchema.safeParse(raw ? JSON.parse(raw.toString('utf8')) : undefined);
  } catch (error) {
    throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', 'not JSON', undefined, { cause: error });
  }
  if (!parsed.success) throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', parsed.error.issues[0]?.message ?? 'missing');
  const manifest = parsed.data;
  const baseline = manifest.metrics.seasonalNaive;
  return {
    sizeBytes,
    signed: files.has(SIGNATURE_FILE),
    signerKeyId: manifest.signer.keyId,
    model: manifest.model,
    runId: manifest.runId,
    createdAt: manifest.createdAt,
    minAgentVersion: manifest.minAgentVersion,
    files: manifest.files,
    features: manifest.input.features.map((feature) => feature.name),
    metrics: Object.entries(manifest.metrics.model).map(([metric, value]) => ({ metric, model: value, seasonalNaive: baseline?.[metric] ?? null })),
    quantization: manifest.quantization,
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const fmt = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4));

/** Human rendering of an inspection. */
export function renderInspection(report: BundleInspection): string {
  const lines = [
    `${report.model.name} v${report.model.version}  ${report.model.kind} ${report.model.task} (${report.model.objective})`,
    `run ${report.runId ?? '—'}  created ${report.createdAt}  min agent ${report.minAgentVersion}`,
    `signer ${report.signerKeyId}${report.signed ? '' : '  (NO SIGNATURE)'}  (not verified; use "fleetcast bundle verify")`,
    `size ${kib(report.sizeBytes)}  features ${report.features.length}: ${report.features.join(', ')}`,
    'files:',
    ...report.files.map((file) => `  ${file.path.padEnd(18)} ${file.role.padEnd(11)} ${kib(file.size).padStart(10)}  ${file.sha256.slice(0, 16)}…`),
    'metrics (model vs seasonal naive):',
    ...report.metrics.map((m) => `  ${m.metric.padEnd(10)} ${fmt(m.model).padStart(10)}  ${m.seasonalNaive === null ? '—' : fmt(m.seasonalNaive)}`),
  ];
  const q = report.quantization;
  if (!q) lines.push('quantization: none (fp32 only)');
  else {
    lines.push(
      `quantization: ${q.scheme} ${q.shipped ? 'SHIPPED' : 'NOT shipped'} (gate: WAPE at most +${(q.gate.maxRelativeIncrease * 100).toFixed(1)}% relative)`,
      `  fp32  wape ${fmt(q.fp32.wape)}  size ${kib(q.fp32.sizeBytes)}  ${fmt(q.fp32.latencyUsBatch1)} µs/row @1  ${fmt(q.fp32.latencyUsBatch256)} µs/row @256`,
      `  int8  wape ${fmt(q.int8.wape)}  size ${kib(q.int8.sizeBytes)}  ${fmt(q.int8.latencyUsBatch1)} µs/row @1  ${fmt(q.int8.latencyUsBatch256)} µs/row @256`,
      `  calibration ${q.calibrationRows} rows sha256 ${q.calibrationDataSha256.slice(0, 16)}…`,
    );
  }
  return lines.join('\n');
}
