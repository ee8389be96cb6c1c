import type { IngestBatch } from '../../../model/index.ts';
import { parseMetricQuery, type MetricExpr } from '../../query/metric-query.ts';
import type { Rule } from './rule-schema.ts';

/** A nudged rule is evaluated after this delay, so one burst of batches gives one evaluation. */
export const NUDGE_DELAY_MS = 200;
/** And at most this often: ingest-driven evaluation stays bounded however fast batches arrive. */
export const NUDGE_MIN_GAP_MS = 1_000;

function metricNames(expr: MetricExpr, out = new Set<string>()): Set<string> {
  if (expr.type === 'selector') out.add(expr.name);
  else metricNames(expr.arg, out);
  return out;
}

/**
 * Which rules a stored batch can change now: threshold rules whose metrics it carries, log rules
 * in threshold mode when it has logs, event rules when it has events. Anomaly, predictive and
 * baseline rules work on 5-minute buckets and stay on the interval.
 */
function reads(rule: Rule, names: ReadonlyMap<string, Set<string>>, batch: IngestBatch): boolean {
  switch (rule.type) {
    case 'threshold': {
      const wanted = names.get(rule.id)!;
      return batch.metrics.some((m) => wanted.has(m.name));
    }
    case 'log_count':
      return rule.mode === 'threshold' && batch.logs.length > 0;
    case 'event':
      return batch.events.length > 0;
    default:
      return false;
  }
}

export class NudgeScheduler {
  private readonly names = new Map<string, Set<string>>();
  private readonly pending = new Map<string, Rule>();
  private readonly lastRun = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly rules: readonly Rule[],
    private readonly run: (rules: Rule[]) => Promise<void>,
  ) {
    for (const rule of rules) {
      if (rule.type !== 'threshold') continue;
      const names = metricNames(parseMetricQuery(rule.query));
      if (rule.divide_by !== undefined) metricNames(parseMetricQuery(rule.divide_by), names);
      this.names.set(rule.id, names);
    }
  }

  nudge(tenant: string, batch: IngestBatch): void {
    if (this.closed) return;
    for (const rule of this.rules)
      if (rule.tenant === tenant && reads(rule, this.names, batch)) this.pending.set(rule.id, rule);
    if (this.pending.size > 0) this.schedule(NUDGE_DELAY_MS);
  }

  private schedule(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => void this.fire(), ms);
    this.timer.unref();
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    const now = Date.now();
    const due: Rule[] = [];
    let wait = Number.POSITIVE_INFINITY;
    for (const rule of this.pending.values()) {
      const gap = now - (this.lastRun.get(rule.id) ?? 0);
      if (gap >= NUDGE_MIN_GAP_MS) due.push(rule);
      else wait = Math.min(wait, NUDGE_MIN_GAP_MS - gap);
    }
    for (const rule of due) {
      this.pending.delete(rule.id);
      this.lastRun.set(rule.id, now);
    }
    if (this.pending.size > 0) this.schedule(wait);
    if (due.length > 0) await this.run(due);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
