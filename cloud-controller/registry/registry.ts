import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { assertValidId } from '../../protocols/ids.js';
import { bundleManifestSchema, type BundleManifest } from '../../protocols/bundle/manifest.js';
import { verifyBundle } from '../../protocols/bundle/verify-bundle.js';
import type { TrustedKeys } from '../../protocols/bundle/keys.js';
import type { ControllerDb } from '../storage/db.js';
import { artifactPath, putArtifact } from '../storage/artifacts.js';
import { createRegistryTables } from './tables.js';
import {
  aliasNameSchema, stageNamed, stageSchema, tagKeySchema,
  type ApprovalRequest, type HistoryEntry, type ModelVersion, type PromotionResult, type ResolvedModelVersion, type Stage,
} from './schema.js';

/** Registry behaviour switches (from the controller config). */
export interface RegistryOptions {
  /** Controller data dir; bundles live in its content-addressed artifact store. */
  dataDir: string;
  /** Public keys a pushed bundle must be signed with (issue #6: "verify the bundle on push"). */
  trustedKeys: TrustedKeys;
  /** When true, promotion to Production needs approval by a second operator (four-eyes rule). */
  requireProductionApproval: boolean;
  /** Clock, injectable so tests can ask "which version was in Production at time T". */
  now?: () => Date;
}

interface VersionRow {
  name: string;
  version: number;
  stage: Stage;
  sha256: string;
  size: number;
  run_id: string | null;
  kind: string;
  manifest: string;
  registered_at: string;
  registered_by: string;
}

interface HistoryRow {
  id: number;
  name: string;
  version: number | null;
  kind: HistoryEntry['kind'];
  from_value: string | null;
  to_value: string | null;
  actor: string;
  reason: string | null;
  at: string;
}

interface ApprovalRow {
  id: number;
  name: string;
  version: number;
  requested_by: string;
  reason: string | null;
  requested_at: string;
  status: ApprovalRequest['status'];
  decided_by: string | null;
  decided_at: string | null;
}

function toApproval(row: ApprovalRow): ApprovalRequest {
  return { id: row.id, name: row.name, version: row.version, requestedBy: row.requested_by, reason: row.reason, requestedAt: row.requested_at, status: row.status, decidedBy: row.decided_by, decidedAt: row.decided_at };
}

function toHistory(row: HistoryRow): HistoryEntry {
  return { id: row.id, name: row.name, version: row.version, kind: row.kind, from: row.from_value, to: row.to_value, actor: row.actor, reason: row.reason, at: row.at };
}

function invalid(detail: string): FleetcastError {
  return new FleetcastError('FC_ERR_INVALID_REQUEST', detail);
}

/**
 * Model registry (issue #6 "Registry"): versions linked to their run and bundle, stages plus
 * aliases and tags, atomic promotion, append-only history, optional second-operator approval.
 * All mutations run in one SQLite transaction together with their history rows.
 */
export class Registry {
  private readonly now: () => Date;

  constructor(private readonly db: ControllerDb, private readonly options: RegistryOptions) {
    this.now = options.now ?? (() => new Date());
    createRegistryTables(db);
  }

  /**
   * Verifies a bundle against the trusted keys, stores it by sha256 and registers
   * `manifest.model.name`/`version` in Development. Pushing the identical bundle again is a
   * no-op; a different bundle under an existing version is FC_ERR_MODEL_VERSION_EXISTS.
   * `reason` lands in the history entry (a retrained version names the alert behind it, issue #12).
   */
  async push(bundlePath: string, actor: string, reason: string | null = null): Promise<ModelVersion> {
    const verified = await verifyBundle(bundlePath, { trustedKeys: this.options.trustedKeys }).catch((error: unknown) => {
      // Issue #11: an operator who meets an untrusted signer learns the one command that fixes it.
      if (error instanceof FleetcastError && error.code === 'FC_ERR_BUNDLE_UNTRUSTED_SIGNER') {
        throw new FleetcastError('FC_ERR_BUNDLE_UNTRUSTED_SIGNER', `${error.message}; trust its public key with \`fleetcast keys trust <pub.pem>\` (the controller and, with the daemon running, every enrolled store)`, error.details);
      }
      throw error;
    });
    const stored = await putArtifact(this.options.dataDir, bundlePath);
    const manifest = verified.manifest;
    const { name, version } = manifest.model;
    const existing = this.findVersionRow(name, version);
    if (existing) {
      if (existing.sha256 === stored.sha256) return this.toVersion(existing);
      throw new FleetcastError('FC_ERR_MODEL_VERSION_EXISTS', `${name}@${version}`, { name, version, sha256: existing.sha256 });
    }
    const at = this.now().toISOString();
    this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)').run(name, at);
      this.db
        .prepare('INSERT INTO model_versions (name, version, stage, sha256, size, run_id, kind, manifest, registered_at, registered_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(name, version, 'Development', stored.sha256, stored.size, manifest.runId, manifest.model.kind, JSON.stringify(manifest), at, actor);
      this.appendHistory(name, version, 'registered', null, 'Development', actor, reason, at);
    })();
    return this.toVersion(this.requireVersionRow(name, version));
  }

  /** Model names with their version count and current Production version. */
  listModels(): Array<{ name: string; versions: number; production: number | null }> {
    return this.db
      .prepare(`SELECT m.name, COUNT(v.version) AS versions, MAX(CASE WHEN v.stage = 'Production' THEN v.version END) AS production
                FROM models m LEFT JOIN model_versions v ON v.name = m.name GROUP BY m.name ORDER BY m.name`)
      .all() as Array<{ name: string; versions: number; production: number | null }>;
  }

  /** Versions of one model (or of all models), newest first. */
  listVersions(name?: string): ModelVersion[] {
    const rows = (name === undefined
      ? this.db.prepare('SELECT * FROM model_versions ORDER BY name, version DESC').all()
      : this.db.prepare('SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC').all(name)) as VersionRow[];
    return rows.map((row) => this.toVersion(row));
  }

  /**
   * Resolves `name@ref` where ref is a version number, a stage (`Production`, `Staging`) or an
   * alias (`champion`), to the version and its stored bundle. The broker engineer's
   * distribution and deployments use this; FC_ERR_MODEL_NOT_FOUND when nothing matches.
   */
  getModelVersion(name: string, ref: number | string): ResolvedModelVersion {
    const row = this.requireVersionRow(name, this.resolveRef(name, ref));
    const manifest: BundleManifest = bundleManifestSchema.parse(JSON.parse(row.manifest));
    return { ...this.toVersion(row), bundlePath: artifactPath(this.options.dataDir, row.sha256), manifest };
  }

  /** The version number `ref` names (see `getModelVersion`). */
  resolveRef(name: string, ref: number | string): number {
    assertValidId(name, 'model name');
    if (typeof ref === 'number' || /^\d+$/.test(ref)) return Number(ref);
    const stage = stageSchema.safeParse(stageNamed(ref) ?? ref);
    if (stage.success) {
      const row = this.db.prepare('SELECT MAX(version) AS version FROM model_versions WHERE name = ? AND stage = ?').get(name, stage.data) as { version: number | null };
      if (row.version === null) throw new FleetcastError('FC_ERR_MODEL_NOT_FOUND', `${name}@${ref}`, { name, ref });
      return row.version;
    }
    const alias = this.db.prepare('SELECT version FROM model_aliases WHERE name = ? AND alias = ?').get(name, ref) as { version: number } | undefined;
    if (!alias) throw new FleetcastError('FC_ERR_MODEL_NOT_FOUND', `${name}@${ref}`, { name, ref });
    return alias.version;
  }

  /**
   * Moves a version to `stage`. Promotion to Production archives the previous Production
   * version in the same transaction (never two, never zero in between). With
   * `requireProductionApproval`, a Production promotion only opens an approval request.
   */
  promote(name: string, version: number, stageInput: string, actor: string, reason: string | null = null): PromotionResult {
    const stage = stageSchema.safeParse(stageNamed(stageInput) ?? stageInput);
    if (!stage.success) throw invalid(`unknown stage ${stageInput}; the stages are ${stageSchema.options.join(', ')} (any case)`);
    const row = this.requireVersionRow(name, version);
    if (row.stage === stage.data) throw new FleetcastError('FC_ERR_INVALID_STAGE_CHANGE', `${name}@${version} is already ${stage.data}`, { name, version, stage: stage.data });
    if (stage.data === 'Production' && this.options.requireProductionApproval) {
      const at = this.now().toISOString();
      const id = this.db.transaction(() => {
        const inserted = this.db
          .prepare("INSERT INTO registry_approvals (name, version, requested_by, reason, requested_at, status) VALUES (?, ?, ?, ?, ?, 'pending')")
          .run(name, version, actor, reason, at);
        this.appendHistory(name, version, 'approval-requested', row.stage, 'Production', actor, reason, at);
        return Number(inserted.lastInsertRowid);
      })();
      return { status: 'pending', approval: this.getApproval(id) };
    }
    const archived = this.db.transaction(() => this.applyStage(row, stage.data, actor, reason, this.now().toISOString()))();
    return { status: 'applied', version: this.toVersion(this.requireVersionRow(name, version)), archived };
  }

  /** A second operator approves a pending Production promotion; the requester cannot approve their own. */
  approve(approvalId: number, actor: string, reason: string | null = null): PromotionResult {
    const approval = this.getApproval(approvalId);
    if (approval.status !== 'pending') throw new FleetcastError('FC_ERR_APPROVAL_NOT_FOUND', `request ${approvalId} is ${approval.status}`, { approvalId });
    if (approval.requestedBy === actor) throw new FleetcastError('FC_ERR_SELF_APPROVAL', `${actor} requested ${approval.name}@${approval.version}`, { approvalId, actor });
    const at = this.now().toISOString();
    const archived = this.db.transaction(() => {
      const row = this.requireVersionRow(approval.name, approval.version);
      if (row.stage === 'Production') throw new FleetcastError('FC_ERR_INVALID_STAGE_CHANGE', `${row.name}@${row.version} is already Production`);
      this.db.prepare("UPDATE registry_approvals SET status = 'approved', decided_by = ?, decided_at = ? WHERE id = ?").run(actor, at, approvalId);
      this.appendHistory(row.name, row.version, 'approval-granted', row.stage, 'Production', actor, reason, at);
      return this.applyStage(row, 'Production', `${approval.requestedBy}+${actor}`, approval.reason ?? reason, at);
    })();
    return { status: 'applied', version: this.toVersion(this.requireVersionRow(approval.name, approval.version)), archived };
  }

  /** Pending (or all) approval requests. */
  listApprovals(onlyPending = true): ApprovalRequest[] {
    const rows = (onlyPending
      ? this.db.prepare("SELECT * FROM registry_approvals WHERE status = 'pending' ORDER BY id").all()
      : this.db.prepare('SELECT * FROM registry_approvals ORDER BY id').all()) as ApprovalRow[];
    return rows.map(toApproval);
  }

  /** Points `alias` at a version (moving it if set elsewhere), recorded in the history. */
  setAlias(name: string, alias: string, version: number, actor: string, reason: string | null = null): ModelVersion {
    const parsed = aliasNameSchema.safeParse(alias);
    if (!parsed.success) throw invalid(`alias ${alias}: ${parsed.error.issues[0].message}`);
    this.requireVersionRow(name, version);
    const at = this.now().toISOString();
    this.db.transaction(() => {
      const previous = this.db.prepare('SELECT version FROM model_aliases WHERE name = ? AND alias = ?').get(name, alias) as { version: number } | undefined;
      if (previous?.version === version) return;
      this.db.prepare('INSERT INTO model_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT(name, alias) DO UPDATE SET version = excluded.version').run(name, alias, version);
      this.appendHistory(name, version, 'alias-set', previous ? String(previous.version) : null, alias, actor, reason, at);
    })();
    return this.toVersion(this.requireVersionRow(name, version));
  }

  /** Removes an alias; FC_ERR_MODEL_NOT_FOUND if it is not set. */
  removeAlias(name: string, alias: string, actor: string, reason: string | null = null): void {
    const version = this.resolveRef(name, alias);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM model_aliases WHERE name = ? AND alias = ?').run(name, alias);
      this.appendHistory(name, version, 'alias-removed', alias, null, actor, reason, this.now().toISOString());
    })();
  }

  /** Sets a free-form tag on a version (tags are labels, not history-tracked like stages). */
  setTag(name: string, version: number, key: string, value: string): ModelVersion {
    if (!tagKeySchema.safeParse(key).success) throw invalid(`tag key ${key}`);
    this.requireVersionRow(name, version);
    this.db.prepare('INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?) ON CONFLICT(name, version, key) DO UPDATE SET value = excluded.value').run(name, version, key, value);
    return this.toVersion(this.requireVersionRow(name, version));
  }

  /**
   * Records an operator's rollback of stores from one version to another (issue #11) in the
   * append-only history, beside the deployment that carries it out.
   */
  recordRollback(name: string, from: number | null, to: number, actor: string, reason: string | null): HistoryEntry {
    this.requireVersionRow(name, to);
    const at = this.now().toISOString();
    this.appendHistory(name, to, 'rollback', from === null ? null : `v${from}`, `v${to}`, actor, reason, at);
    const entries = this.history(name);
    return entries[entries.length - 1];
  }

  /** The append-only history of one model, oldest first. */
  history(name: string): HistoryEntry[] {
    return (this.db.prepare('SELECT * FROM registry_history WHERE name = ? ORDER BY id').all(name) as HistoryRow[]).map(toHistory);
  }

  /**
   * Which version was in Production at time `at` (null if none), answered from the history by
   * replaying stage changes up to that instant — not from the current table, which only knows now.
   */
  productionAt(name: string, at: Date): number | null {
    const rows = this.db
      .prepare("SELECT * FROM registry_history WHERE name = ? AND kind = 'stage' AND at <= ? ORDER BY at, id")
      .all(name, at.toISOString()) as HistoryRow[];
    let production: number | null = null;
    for (const row of rows) {
      if (row.to_value === 'Production') production = row.version;
      else if (row.from_value === 'Production' && row.version === production) production = null;
    }
    return production;
  }

  /** Which version `alias` pointed at, at time `at` (null if unset then). */
  aliasAt(name: string, alias: string, at: Date): number | null {
    const rows = this.db
      .prepare("SELECT * FROM registry_history WHERE name = ? AND kind IN ('alias-set', 'alias-removed') AND at <= ? ORDER BY at, id")
      .all(name, at.toISOString()) as HistoryRow[];
    let version: number | null = null;
    for (const row of rows) {
      if (row.kind === 'alias-set' && row.to_value === alias) version = row.version;
      else if (row.kind === 'alias-removed' && row.from_value === alias) version = null;
    }
    return version;
  }

  private applyStage(row: VersionRow, stage: Stage, actor: string, reason: string | null, at: string): number[] {
    const archived: number[] = [];
    if (stage === 'Production') {
      const current = this.db.prepare("SELECT version FROM model_versions WHERE name = ? AND stage = 'Production'").all(row.name) as Array<{ version: number }>;
      for (const { version } of current) {
        this.db.prepare("UPDATE model_versions SET stage = 'Archived' WHERE name = ? AND version = ?").run(row.name, version);
        this.appendHistory(row.name, version, 'stage', 'Production', 'Archived', actor, `superseded by version ${row.version}`, at);
        archived.push(version);
      }
    }
    this.db.prepare('UPDATE model_versions SET stage = ? WHERE name = ? AND version = ?').run(stage, row.name, row.version);
    this.appendHistory(row.name, row.version, 'stage', row.stage, stage, actor, reason, at);
    return archived;
  }

  private appendHistory(name: string, version: number | null, kind: HistoryEntry['kind'], from: string | null, to: string | null, actor: string, reason: string | null, at: string): void {
    this.db.prepare('INSERT INTO registry_history (name, version, kind, from_value, to_value, actor, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(name, version, kind, from, to, actor, reason, at);
  }

  private getApproval(id: number): ApprovalRequest {
    const row = this.db.prepare('SELECT * FROM registry_approvals WHERE id = ?').get(id) as ApprovalRow | undefined;
    if (!row) throw new FleetcastError('FC_ERR_APPROVAL_NOT_FOUND', `request ${id}`, { approvalId: id });
    return toApproval(row);
  }

  private findVersionRow(name: string, version: number): VersionRow | undefined {
    return this.db.prepare('SELECT * FROM model_versions WHERE name = ? AND version = ?').get(name, version) as VersionRow | undefined;
  }

  private requireVersionRow(name: string, version: number): VersionRow {
    const row = this.findVersionRow(name, version);
    if (!row) throw new FleetcastError('FC_ERR_MODEL_NOT_FOUND', `${name}@${version}`, { name, version });
    return row;
  }

  private toVersion(row: VersionRow): ModelVersion {
    const manifest = JSON.parse(row.manifest) as BundleManifest;
    const aliases = (this.db.prepare('SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias').all(row.name, row.version) as Array<{ alias: string }>).map((a) => a.alias);
    const tags = Object.fromEntries((this.db.prepare('SELECT key, value FROM model_version_tags WHERE name = ? AND version = ? ORDER BY key').all(row.name, row.version) as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]));
    return {
      name: row.name, version: row.version, stage: row.stage, aliases, tags, sha256: row.sha256, size: row.size, runId: row.run_id, kind: row.kind,
      metrics: manifest.metrics, quantization: manifest.quantization, registeredAt: row.registered_at, registeredBy: row.registered_by,
    };
  }
}
