import { fingerprint, type Alert } from './model.ts';
import { renderSummary, type Observation } from './rules/evaluate.ts';
import type { Rule } from './rules/rule-schema.ts';

/**
 * The alert lifecycle, as a pure function of the previous alerts of one rule and what the rule
 * sees now:
 *   condition holds, no alert        → pending (or firing at once when for_ms is 0)
 *   pending, held for for_ms         → firing
 *   firing, condition gone           → resolved
 *   pending, condition gone          → dropped (it never fired, so nobody is told)
 *   resolved, condition back         → a new pending alert under the same fingerprint
 */
export type Change = 'pending' | 'firing' | 'resolved' | 'updated' | 'dropped';

export interface Transition {
  readonly alert: Alert;
  readonly change: Change;
}

export function alertLabels(rule: Rule, series: Readonly<Record<string, string>>): Record<string, string> {
  return { ...series, ...rule.labels, alertname: rule.name ?? rule.id, severity: rule.severity };
}

export function step(
  rule: Rule,
  previous: ReadonlyMap<string, Alert>,
  observations: readonly Observation[],
  now: number,
): Transition[] {
  const out: Transition[] = [];
  const seen = new Set<string>();
  for (const obs of observations) {
    const fp = fingerprint(rule.id, obs.labels);
    if (seen.has(fp)) continue;
    seen.add(fp);
    const labels = alertLabels(rule, obs.labels);
    const summary = renderSummary(rule, labels, obs.value, obs.baseline);
    const prev = previous.get(fp);
    const base = {
      fingerprint: fp,
      tenant: rule.tenant,
      rule_id: rule.id,
      labels,
      summary,
      value: obs.value,
      updated_at: now,
      ...(obs.baseline === undefined ? {} : { context: { ...prev?.context, baseline: obs.baseline } }),
    };
    if (!prev || prev.state === 'resolved') {
      const firing = rule.for_ms === 0;
      const alert: Alert = {
        ...base,
        state: firing ? 'firing' : 'pending',
        active_since: now,
        fired_at: firing ? now : null,
        resolved_at: null,
      };
      out.push({ alert, change: alert.state });
    } else if (prev.state === 'pending' && now - prev.active_since >= rule.for_ms) {
      out.push({ alert: { ...prev, ...base, state: 'firing', fired_at: now }, change: 'firing' });
    } else {
      out.push({ alert: { ...prev, ...base }, change: 'updated' });
    }
  }
  for (const [fp, prev] of previous) {
    if (seen.has(fp) || prev.state === 'resolved') continue;
    if (prev.state === 'pending') out.push({ alert: prev, change: 'dropped' });
    else
      out.push({
        alert: { ...prev, state: 'resolved', resolved_at: now, updated_at: now },
        change: 'resolved',
      });
  }
  return out;
}
