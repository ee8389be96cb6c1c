import type { FlaggedPoint } from '../anomaly/marks.ts';
import type { ModelCache } from '../anomaly/model-cache.ts';
import type { Labels } from '../model.ts';
import type { StorageBackend } from '../../storage/backend.ts';

/** One label set for which a rule's condition holds now, with the value that made it hold. */
export interface Observation {
  readonly labels: Labels;
  readonly value: number;
  /** What the value was expected to be (anomaly and baseline rules), for messages. */
  readonly baseline?: number;
}

/** Where anomaly rules keep fitted models and write the marks they find. */
export interface AnomalyContext {
  readonly models: ModelCache;
  mark(tenant: string, ruleId: string, metric: string, labels: Labels, points: readonly FlaggedPoint[]): void;
}

export interface EvalContext {
  readonly storage: StorageBackend;
  readonly now: number;
  /** The engine's interval: metric rules read buckets this wide so one interval shows a new sample. */
  readonly interval_ms: number;
  /**
   * Hosts that should be reporting (registered in etcd) with when they were first expected: an
   * absence rule misses them even if they never sent anything.
   */
  readonly expectedHosts?: () => ReadonlyArray<{ host: string; since: number }>;
  readonly anomaly: AnomalyContext;
}

/** Bounds the records a grouped log or event rule reads per evaluation; past it counts are partial. */
export const MAX_RECORDS_PER_EVAL = 10_000;
export const PAGE_SIZE = 1_000;

/** `actor.name` → `actor_name`: field paths become valid label names. */
export function labelName(field: string): string {
  return field.replace(/\./g, '_');
}

export function groupLabels(
  fields: readonly string[],
  get: (field: string) => string | number | undefined,
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const field of fields) {
    const value = get(field);
    labels[labelName(field)] = value === undefined ? '' : String(value);
  }
  return labels;
}

/** Counts per label set, keyed by the canonical JSON of the labels. */
export class Counter {
  private readonly counts = new Map<string, { labels: Labels; value: number }>();

  add(labels: Record<string, string>): void {
    const key = JSON.stringify(Object.entries(labels));
    const entry = this.counts.get(key);
    if (entry) entry.value += 1;
    else this.counts.set(key, { labels, value: 1 });
  }

  observations(): Observation[] {
    return [...this.counts.values()];
  }
}
