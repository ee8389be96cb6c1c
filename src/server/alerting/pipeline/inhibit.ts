import { matchesAll, type Alert, type Matcher } from '../model.ts';

/**
 * Inhibition stage, beside silences: a firing alert that matches a rule's `target_matchers` is
 * not sent while another firing alert matches its `source_matchers` and has the same values for
 * every label in `equal`. The default: a host that is down mutes the other alerts of that host
 * (its containers, disks, anomalies), which are consequences, not news.
 */
export interface InhibitRule {
  readonly source_matchers: readonly Matcher[];
  readonly target_matchers: readonly Matcher[];
  readonly equal: readonly string[];
}

export const DEFAULT_INHIBIT_RULES: InhibitRule[] = [
  {
    source_matchers: [{ label: 'alertname', op: '=', value: 'HostDown' }],
    target_matchers: [{ label: 'alertname', op: '!=', value: 'HostDown' }],
    equal: ['host'],
  },
];

/** The firing alert that mutes `alert`, if any. An alert never inhibits itself. */
export function inhibitedBy(
  alert: Alert,
  firing: readonly Alert[],
  rules: readonly InhibitRule[],
): Alert | undefined {
  for (const rule of rules) {
    if (!matchesAll(rule.target_matchers, alert.labels)) continue;
    const source = firing.find(
      (s) =>
        s.state === 'firing' &&
        s.fingerprint !== alert.fingerprint &&
        s.tenant === alert.tenant &&
        matchesAll(rule.source_matchers, s.labels) &&
        rule.equal.every((label) => (s.labels[label] ?? '') === (alert.labels[label] ?? '')),
    );
    if (source) return source;
  }
  return undefined;
}
