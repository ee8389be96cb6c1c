import type { Logger } from '../../core/logger.ts';
import { componentCounters, type Telemetry } from '../../core/telemetry.ts';
import type { IngestBatch } from '../../model/index.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { MarkStore, type AnomalyMark, type MarkQuery } from './anomaly/marks.ts';
import { ModelCache } from './anomaly/model-cache.ts';
import type { AlertingConfig } from './config.ts';
import { step } from './lifecycle.ts';
import type { Alert, AlertState } from './model.ts';
import type { Notifier, SendResult } from './notifiers/notifier.ts';
import { createNotifier } from './notifiers/registry.ts';
import { Dispatcher } from './pipeline/dispatcher.ts';
import { relatedEvents } from './related-events.ts';
import { evaluateRule, type AnomalyContext } from './rules/evaluate.ts';
import { NudgeScheduler } from './rules/nudge.ts';
import type { Rule } from './rules/rule-schema.ts';
import { ruleSet } from './rules/rule-set.ts';
import { AlertStore, type HistoryEntry } from './state/alert-store.ts';
import { PipelineStore, type Silence } from './state/pipeline-store.ts';
import { openAlertDatabase } from './state/schema.ts';
import { testNotification } from './test-notification.ts';

export interface AlertEngine {
  readonly rules: readonly Rule[];
  alerts(tenant: string, states: readonly AlertState[]): Alert[];
  history(
    tenant: string,
    q: { from: number; to: number; limit: number; fingerprint?: string | undefined },
  ): HistoryEntry[];
  silences(tenant: string): Silence[];
  /** Stretches the anomaly detector flagged, overlapping [from, to]. */
  anomalies(tenant: string, q: MarkQuery): AnomalyMark[];
  /** Ingest stored a batch: rules that read what it holds are evaluated soon, not at the next tick. */
  nudge(tenant: string, batch: IngestBatch): void;
  addSilence(silence: Omit<Silence, 'id' | 'created_at'>): Silence;
  expireSilence(tenant: string, id: string): boolean;
  channels(): Array<{ name: string; type: string }>;
  /** One attempt, no retry: the operator wants to see what the receiver says now. */
  testChannel(tenant: string, name: string): Promise<SendResult | undefined>;
  /** Runs one evaluation of every rule now (tests, and the first run at start). */
  evaluate(): Promise<void>;
  /** Safe to call more than once. */
  close(): Promise<void>;
}

export interface AlertingDeps {
  readonly config: AlertingConfig;
  readonly storage: StorageBackend;
  readonly dataDir: string;
  readonly telemetry: Telemetry;
  readonly logger: Logger;
  /** Tests drive `evaluate()` themselves instead of the interval timer. */
  readonly manual?: boolean;
  /** Replaces the channels of the config (tests use MemoryNotifier). */
  readonly notifiers?: ReadonlyMap<string, Notifier>;
  /** Nodes registered in etcd, for absence rules. */
  readonly expectedHosts?: () => ReadonlyArray<{ host: string; since: number }>;
}

const PRUNE_EVERY_MS = 3_600_000;

export function startAlerting(deps: AlertingDeps): AlertEngine {
  const { config, logger } = deps;
  const db = openAlertDatabase(deps.dataDir);
  const store = new AlertStore(db);
  const pipeline = new PipelineStore(db);
  const marks = new MarkStore(db);
  const anomaly: AnomalyContext = {
    models: new ModelCache(),
    mark: (tenant, ruleId, metric, labels, points) => marks.record(tenant, ruleId, metric, labels, points),
  };
  const rules = config.enabled ? ruleSet(config).filter((r) => r.enabled) : [];
  const notifiers = new Map<string, Notifier>(
    deps.notifiers ??
      Object.entries(config.channels).map(([name, channel]) => [name, createNotifier(name, channel)]),
  );
  const dispatcher = new Dispatcher({
    config,
    alerts: store,
    pipeline,
    notifiers,
    telemetry: deps.telemetry,
    logger,
  });
  const counters = componentCounters(deps.telemetry, 'alerting', 'engine');
  const byRule = new Map<string, Map<string, Alert>>(rules.map((r) => [r.id, new Map()]));

  // Resume: alerts that fired before a restart are handed back to the pipeline, whose
  // notification log knows what was sent; alerts of a rule that no longer exists resolve.
  for (const alert of store.active()) {
    const own = byRule.get(alert.rule_id);
    if (own) {
      own.set(alert.fingerprint, alert);
      dispatcher.update(alert);
    } else {
      const now = Date.now();
      const resolved: Alert = { ...alert, state: 'resolved', resolved_at: now, updated_at: now };
      store.save(resolved);
      store.record({
        ts: now,
        tenant: alert.tenant,
        kind: 'resolved',
        fingerprint: alert.fingerprint,
        rule_id: alert.rule_id,
        detail: 'rule removed',
      });
      if (alert.state === 'firing') dispatcher.update(resolved);
    }
  }

  deps.telemetry.gauge('alerts_active', 'Alerts by state (pending, firing).', () => {
    const counts = { pending: 0, firing: 0 };
    for (const own of byRule.values())
      for (const a of own.values()) if (a.state !== 'resolved') counts[a.state] += 1;
    return Object.entries(counts).map(([state, value]) => ({ labels: { state }, value }));
  });

  async function evaluateOne(rule: Rule, now: number): Promise<void> {
    const own = byRule.get(rule.id)!;
    let observations;
    try {
      observations = await evaluateRule(rule, {
        storage: deps.storage,
        now,
        interval_ms: config.interval_ms,
        ...(deps.expectedHosts ? { expectedHosts: deps.expectedHosts } : {}),
        anomaly,
      });
    } catch (error) {
      // A failed evaluation changes nothing: resolving on an error would page "resolved" falsely.
      counters.error('evaluate', rule.id);
      logger.warn({ err: error, rule: rule.id }, 'alert rule evaluation failed');
      return;
    }
    counters.received(observations.length);
    for (const transition of step(rule, own, observations, now)) {
      const { change } = transition;
      let { alert } = transition;
      if (change === 'firing') {
        const events = await relatedEvents(deps.storage, alert, now, logger);
        if (events.length > 0) alert = { ...alert, context: { ...alert.context, events } };
      }
      if (change === 'dropped') {
        own.delete(alert.fingerprint);
        store.delete(alert.fingerprint);
        continue;
      }
      store.save(alert);
      if (change === 'resolved') own.delete(alert.fingerprint);
      else own.set(alert.fingerprint, alert);
      if (change !== 'updated') {
        const entry = {
          ts: now,
          tenant: alert.tenant,
          kind: change,
          fingerprint: alert.fingerprint,
          rule_id: rule.id,
        };
        store.record({ ...entry, alertname: alert.labels.alertname ?? null, detail: alert.summary });
      }
      dispatcher.update(alert);
    }
  }

  let lastPrune = 0;
  // Two evaluations of one rule never overlap (the interval tick and ingest nudges queue per
  // rule), but a slow rule (an anomaly rule refitting its models) does not hold up the others.
  const ruleQueues = new Map<string, Promise<void>>();
  function evaluateQueued(rule: Rule): Promise<void> {
    const next = (ruleQueues.get(rule.id) ?? Promise.resolve()).then(() => evaluateOne(rule, Date.now()));
    ruleQueues.set(rule.id, next);
    return next;
  }
  async function evaluateRules(list: readonly Rule[]): Promise<void> {
    for (const rule of list) await evaluateQueued(rule);
    const now = Date.now();
    if (now - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now;
      store.prune(now - config.history_days * 86_400_000);
      marks.prune(now - config.history_days * 86_400_000);
    }
  }
  const evaluate = (): Promise<void> => evaluateRules(rules);
  const nudges = new NudgeScheduler(rules, (list) =>
    evaluateRules(list).catch((error: unknown) => logger.error({ err: error }, 'alert evaluation failed')),
  );

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  const loop = (): void => {
    const started = Date.now();
    running = evaluate()
      .catch((error: unknown) => logger.error({ err: error }, 'alert evaluation failed'))
      .finally(() => {
        running = undefined;
        if (!closed) timer = setTimeout(loop, Math.max(0, config.interval_ms - (Date.now() - started)));
      });
  };
  if (rules.length > 0 && !deps.manual) timer = setTimeout(loop, 0);

  let closing: Promise<void> | undefined;
  return {
    rules,
    alerts: (tenant, states) => store.list(tenant, states),
    history: (tenant, q) => store.history(tenant, q),
    silences: (tenant) => pipeline.silences(tenant),
    anomalies: (tenant, q) => marks.list(tenant, q),
    nudge(tenant, batch) {
      if (!closed && !deps.manual && config.evaluate_on_ingest) nudges.nudge(tenant, batch);
    },
    addSilence: (silence) => pipeline.addSilence(silence),
    expireSilence: (tenant, id) => pipeline.expireSilence(tenant, id),
    channels: () => [...notifiers.values()].map((n) => ({ name: n.name, type: n.type })),
    async testChannel(tenant, name) {
      const notifier = notifiers.get(name);
      if (!notifier) return undefined;
      const result = await notifier.send(testNotification(tenant, name, config.external_url));
      const detail = result.outcome === 'ok' ? 'test notification' : result.reason;
      const outcome = result.outcome === 'ok' ? 'delivered' : result.outcome;
      store.record({ ts: Date.now(), tenant, kind: 'test', channel: name, outcome, attempt: 1, detail });
      return result;
    },
    evaluate,
    close() {
      closing ??= (async () => {
        closed = true;
        clearTimeout(timer);
        nudges.close();
        await running;
        await Promise.allSettled([...ruleQueues.values()]);
        await dispatcher.close();
        await Promise.all([...notifiers.values()].map((n) => n.close()));
        db.close();
      })();
      return closing;
    },
  };
}
