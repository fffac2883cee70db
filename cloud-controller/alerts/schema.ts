import { z } from 'zod';

/** Alert severities (issue #12); only `critical` escalates. */
export const severitySchema = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

/** Monitoring levels a rule watches. */
export const levelSchema = z.enum(['store', 'region', 'fleet']);

/** Lifecycle of an alert: open → acknowledged → resolved (or open → resolved). */
export const alertStateSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof alertStateSchema>;

/**
 * Metrics a rule can watch. `accuracy.*` come from the merged accuracy counters
 * (cloud-controller/monitoring/accuracy); `accuracy.cusum` is the sequential alarm's statistic
 * divided by its threshold (≥ 1 = alarm). `drift.psi` is the largest feature PSI of a window.
 */
export const alertMetricSchema = z.enum(['accuracy.wape', 'accuracy.bias', 'accuracy.rmse', 'accuracy.mase', 'accuracy.cusum', 'drift.psi']);
export type AlertMetric = z.infer<typeof alertMetricSchema>;

const nameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, ., _ and -');

/** One alert rule: when `metric` at `level` breaches `threshold` in `windows` consecutive qualifying windows, an alert opens per subject. */
export const alertRuleSchema = z.object({
  /** Unique rule name (shown in alerts; part of the deduplication key). */
  name: nameSchema,
  /** What is watched. */
  metric: alertMetricSchema,
  /** Store, region or fleet: one alert per subject of this level. */
  level: levelSchema,
  /** Model name; default every model. */
  model: z.string().min(1).max(128).optional(),
  /** Breach when the value is at or above (`above`) or at or below (`below`) this. */
  threshold: z.number().finite(),
  /** Direction of a breach. */
  comparison: z.enum(['above', 'below']).default('above'),
  /** Consecutive qualifying windows that must all breach (1 = the latest window alone). */
  windows: z.number().int().min(1).max(100).default(1),
  /** Windows with fewer samples than this do not count (neither breach nor clear). */
  minSamples: z.number().int().min(0).max(100_000_000).default(1),
  /** How far back the rule looks, in days. */
  lookbackDays: z.number().int().min(1).max(366).default(14),
  severity: severitySchema.default('warning'),
  /** Names of channels (from `alerts.channels`) notified when the alert opens, is acknowledged and resolves. */
  channels: z.array(nameSchema).max(20).default([]),
  /** Resolve the alert by itself once the latest qualifying windows no longer breach. */
  autoResolve: z.boolean().default(true),
  /** An open alert of this rule asks the retraining job for a candidate (never a promotion). */
  retrain: z.boolean().default(false),
});
export type AlertRule = z.output<typeof alertRuleSchema>;

const httpUrl = z.string().url().refine((url) => /^https?:\/\//.test(url), 'http or https URL');
const headersSchema = z.record(z.string().min(1).max(128), z.string().max(4096)).default({});

/** Where notifications go; every kind is one small class behind `AlertChannel`. */
export const channelConfigSchema = z.discriminatedUnion('kind', [
  z.object({
    name: nameSchema,
    /** Writes each notification to the controller's log (pino, stderr). */
    kind: z.literal('log'),
  }),
  z.object({
    name: nameSchema,
    /** POSTs `{ event, alert }` as JSON. */
    kind: z.literal('webhook'),
    url: httpUrl,
    /** Extra request headers (e.g. an authorization header the receiver expects). */
    headers: headersSchema,
  }),
  z.object({
    name: nameSchema,
    /** POSTs Slack's incoming-webhook body `{ text }` (Mattermost and others accept it too). */
    kind: z.literal('slack'),
    url: httpUrl,
  }),
  z.object({
    name: nameSchema,
    /** PagerDuty Events API v2: trigger / acknowledge / resolve with `dedup_key` = alert id. */
    kind: z.literal('pagerduty'),
    /** Events endpoint; PagerDuty's own by default, any compatible receiver otherwise. */
    url: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
    /** Integration (routing) key of the PagerDuty service. */
    routingKey: z.string().min(1).max(128),
  }),
  z.object({
    name: nameSchema,
    /** E-mail over SMTP (nodemailer). */
    kind: z.literal('email'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(587),
    /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    /** SMTP login, when the server needs one. */
    auth: z.object({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
    /** Refuse servers whose certificate does not verify (turn off only for a lab relay). */
    rejectUnauthorized: z.boolean().default(true),
    from: z.string().min(3).max(256),
    to: z.array(z.string().min(3).max(256)).min(1).max(50),
  }),
]);
export type ChannelConfig = z.output<typeof channelConfigSchema>;

/** Alerting in the controller config (issue #12). */
export const alertsConfigSchema = z
  .object({
    /** Seconds between rule evaluations (escalations and due deliveries are checked on the same tick). */
    evaluateEverySeconds: z.number().int().min(1).max(86_400).default(60),
    rules: z.array(alertRuleSchema).max(500).default([]),
    channels: z.array(channelConfigSchema).max(50).default([]),
    escalation: z
      .object({
        /** A critical alert still open (not acknowledged) this long after it opened escalates. */
        afterSeconds: z.number().int().min(1).max(7 * 86_400).default(900),
        /** Channels told about the escalation (e.g. a PagerDuty service of the on-call lead). */
        channels: z.array(nameSchema).max(20).default([]),
      })
      .default({}),
    delivery: z
      .object({
        /** Attempts per notification and channel before it is recorded as failed. */
        maxAttempts: z.number().int().min(1).max(100).default(10),
        /** Wait after the first failure; doubles per attempt up to `maxBackoffSeconds`. */
        initialBackoffSeconds: z.number().min(0.001).max(3_600).default(5),
        maxBackoffSeconds: z.number().min(0.001).max(86_400).default(900),
        /** One attempt's time limit, so a hanging receiver is a failure, not a stall. */
        timeoutSeconds: z.number().min(0.1).max(300).default(10),
      })
      .default({}),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.channels.forEach((channel, index) => {
      if (names.has(channel.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['channels', index, 'name'], message: `duplicate channel ${channel.name}` });
      names.add(channel.name);
    });
    const rules = new Set<string>();
    config.rules.forEach((rule, index) => {
      if (rules.has(rule.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['rules', index, 'name'], message: `duplicate rule ${rule.name}` });
      rules.add(rule.name);
      rule.channels.forEach((channel, c) => {
        if (!names.has(channel)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['rules', index, 'channels', c], message: `unknown channel ${channel}` });
      });
    });
    config.escalation.channels.forEach((channel, c) => {
      if (!names.has(channel)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['escalation', 'channels', c], message: `unknown channel ${channel}` });
    });
  });
export type AlertsConfig = z.output<typeof alertsConfigSchema>;
export type AlertsConfigInput = z.input<typeof alertsConfigSchema>;

/** An alert as the API, CLI and drift report show it. */
export const alertViewSchema = z.object({
  id: z.string(),
  rule: z.string(),
  severity: severitySchema,
  level: levelSchema,
  subject: z.string(),
  model: z.string().nullable(),
  state: alertStateSchema,
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  /** What triggered it: metric, threshold and the breaching windows (latest evaluation). */
  evidence: z.object({
    metric: alertMetricSchema,
    threshold: z.number(),
    comparison: z.enum(['above', 'below']),
    windows: z.array(z.object({ windowStart: z.string(), windowEnd: z.string(), value: z.number(), n: z.number() })),
  }),
});
export type AlertView = z.infer<typeof alertViewSchema>;

/** What a notification is about. */
export type AlertEvent = 'trigger' | 'escalate' | 'acknowledge' | 'resolve';
