import { createHash } from 'node:crypto';

/**
 * The alert as every stage sees it. An alert is one rule applied to one label set; its
 * fingerprint is a hash of the rule id and those labels, so it is the same across evaluations and
 * server restarts, and PagerDuty's dedup_key can be the fingerprint itself.
 */
export type Labels = Readonly<Record<string, string>>;

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Alert {
  readonly fingerprint: string;
  readonly tenant: string;
  readonly rule_id: string;
  /** Series labels plus `alertname`, `severity` and the rule's own labels. */
  readonly labels: Labels;
  readonly summary: string;
  readonly state: AlertState;
  /** The value of the last evaluation that matched (metric value, count, age in ms). */
  readonly value: number;
  /** First evaluation that matched; `for_ms` counts from here. */
  readonly active_since: number;
  readonly fired_at: number | null;
  readonly resolved_at: number | null;
  readonly updated_at: number;
  /** What a message shows beside the value: the baseline, recent events of the host. */
  readonly context?: AlertContext;
}

export interface AlertContext {
  /** The expected value (anomaly and baseline rules). */
  readonly baseline?: number;
  /** Recent events of the alert's host or container, one line each, newest first. */
  readonly events?: readonly string[];
}

/** Sorted, so the same label set always gives the same fingerprint. */
export function canonicalLabels(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

export function fingerprint(ruleId: string, labels: Labels): string {
  return createHash('sha256')
    .update(ruleId)
    .update('\0')
    .update(canonicalLabels(labels))
    .digest('hex')
    .slice(0, 16);
}

/** A label matcher as routes and silences use it (the same four operators as metric selectors). */
export interface Matcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export function matches(matcher: Matcher, labels: Labels): boolean {
  const value = labels[matcher.label] ?? '';
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`).test(value);
    case '!~':
      return !new RegExp(`^(?:${matcher.value})$`).test(value);
  }
}

export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) => matches(m, labels));
}
